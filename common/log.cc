#include "common/log.h"

#include <unistd.h>

#include <atomic>

#include "common/clock.h"

namespace dlr {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kWarning)};
thread_local LogWriter t_writer = nullptr;
thread_local void* t_context = nullptr;
}  // namespace

void SetThreadLogWriter(LogWriter write, void* context) {
  t_writer = write;
  t_context = context;
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

void Log(LogLevel level, const std::string& message) {
  if (static_cast<int>(level) > g_level) return;
  const char* name = level == LogLevel::kError     ? "error"
                     : level == LogLevel::kWarning ? "warning"
                                                   : "info";
  std::string line = UtcNow() + " dlr-webhook[" + std::to_string(getpid()) + "] " + name + ": ";
  for (char c : message) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
  line.push_back('\n');
  if (t_writer) {
    t_writer(t_context, line);
    return;
  }
  // One write per line so lines from several processes do not interleave.
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace dlr

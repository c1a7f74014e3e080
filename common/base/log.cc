#include "common/base/log.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "common/base/json_out.h"
#include "common/base/time.h"

namespace dlr {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kWarning)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kPlain)};
std::atomic<int> g_destination{static_cast<int>(LogDestination::kStderr)};
std::mutex g_file_mu;  // guards g_file_fd and every write to it
int g_file_fd = -1;
std::once_flag g_syslog_once;

thread_local LogWriter t_writer = nullptr;
thread_local void* t_context = nullptr;

// A value as one token of a plain line: no control character.
void AppendFlat(std::string* out, const std::string& s) { AppendEscaped(out, s, false); }

void WriteFd(int fd, const std::string& line) {
  // One write per line so lines from several processes do not interleave.
  ssize_t ignored = write(fd, line.data(), line.size());
  (void)ignored;
}

}  // namespace

void AppendEscaped(std::string* out, std::string_view s, bool keep_line_breaks) {
  static const char kHex[] = "0123456789ABCDEF";
  auto hex = [&](unsigned char c) {
    out->append("\\x", 2);
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 0xF]);
  };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (keep_line_breaks && (c == '\n' || c == '\t')) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7F || c == '\\') {
      hex(c);  // the backslash too: an escape in the text cannot pass for one of ours
      ++i;
    } else if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else {
      const size_t n = Utf8Length(s, i);
      if (n == 0) {  // not UTF-8: the byte alone
        hex(c);
        ++i;
      } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
        hex(c);  // a C1 control, U+0080 to U+009F
        hex(static_cast<unsigned char>(s[i + 1]));
        i += 2;
      } else {
        out->append(s.data() + i, n);
        i += n;
      }
    }
  }
}

std::string EscapeControls(std::string_view s, bool keep_line_breaks) {
  std::string out;
  AppendEscaped(&out, s, keep_line_breaks);
  return out;
}

std::optional<LogLevel> LogLevelFromName(std::string_view name) {
  if (name == "error") return LogLevel::kError;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "info") return LogLevel::kInfo;
  return std::nullopt;
}

std::optional<LogFormat> LogFormatFromName(std::string_view name) {
  if (name == "plain") return LogFormat::kPlain;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::optional<LogDestination> LogDestinationFromName(std::string_view name) {
  if (name == "stderr") return LogDestination::kStderr;
  if (name == "file") return LogDestination::kFile;
  if (name == "syslog") return LogDestination::kSyslog;
  return std::nullopt;
}

const char* LogLevelName(LogLevel level) {
  return level == LogLevel::kError ? "error" : level == LogLevel::kWarning ? "warning" : "info";
}

void SetThreadLogWriter(LogWriter write, void* context) {
  t_writer = write;
  t_context = context;
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) <= g_level; }

Status ConfigureLog(const LogSettings& settings) {
  int fd = -1;
  if (settings.destination == LogDestination::kFile) {
    fd = open(settings.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
      return Status::Unavailable("cannot open the log file " + settings.file + ": " +
                                 std::strerror(errno));
    }
  }
  if (settings.destination == LogDestination::kSyslog) {
    std::call_once(g_syslog_once, [] { openlog("dlr-webhook", LOG_PID | LOG_NDELAY, LOG_DAEMON); });
  }
  {
    std::lock_guard<std::mutex> lock(g_file_mu);
    if (g_file_fd >= 0) close(g_file_fd);
    g_file_fd = fd;
    g_destination = static_cast<int>(settings.destination);
  }
  g_format = static_cast<int>(settings.format);
  g_level = static_cast<int>(settings.level);
  return Status::Ok();
}

std::string FormatLogLine(LogFormat format, LogLevel level, const std::string& time, long pid,
                          const std::string& message, const LogFields& fields, bool prefix) {
  std::string line;
  if (format == LogFormat::kJson) {
    JsonObjectWriter w;
    if (prefix) w.String("time", time);
    w.String("level", LogLevelName(level));
    if (prefix) w.Int("pid", pid);
    w.String("message", message);
    for (const auto& f : fields) w.String(f.first, f.second);
    line = w.Finish();
  } else {
    if (prefix) line = time + " dlr-webhook[" + std::to_string(pid) + "] ";
    line += LogLevelName(level);
    line += ": ";
    AppendFlat(&line, message);
    for (const auto& f : fields) {
      line += ' ';
      line += f.first;
      line += '=';
      // An empty or spaced value stays one token.
      if (f.second.empty()) {
        line += '-';
      } else if (f.second.find_first_of(" \t\"") != std::string::npos) {
        line += JsonQuote(f.second);
      } else {
        AppendFlat(&line, f.second);
      }
    }
  }
  line.push_back('\n');
  return line;
}

void Log(LogLevel level, const std::string& message, const LogFields& fields) {
  if (!LogEnabled(level)) return;
  LogFormat format = static_cast<LogFormat>(g_format.load());
  LogDestination destination = static_cast<LogDestination>(g_destination.load());
  if (destination == LogDestination::kSyslog) {
    std::string line = FormatLogLine(format, level, "", 0, message, fields, /*prefix=*/false);
    line.pop_back();
    int priority = level == LogLevel::kError     ? LOG_ERR
                   : level == LogLevel::kWarning ? LOG_WARNING
                                                 : LOG_INFO;
    syslog(priority, "%s", line.c_str());
    return;
  }
  std::string line = FormatLogLine(format, level, FormatUtcMillis(SystemClock().NowMillis()),
                                   static_cast<long>(getpid()), message, fields);
  if (destination == LogDestination::kFile) {
    std::lock_guard<std::mutex> lock(g_file_mu);
    if (g_file_fd >= 0) {
      WriteFd(g_file_fd, line);
      return;
    }
  }
  if (t_writer) {
    t_writer(t_context, line);
    return;
  }
  WriteFd(STDERR_FILENO, line);
}

}  // namespace dlr

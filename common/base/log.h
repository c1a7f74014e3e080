// Log lines: where they go, in which shape, and which are kept.
//
// Destinations: stderr (the default: the web server's error log under CGI,
// the journal under systemd; while a FastCGI request is being served, that
// request's error stream, which the web server writes to its error log;
// spawn-fcgi points the responder's own stderr at /dev/null), a file (opened
// for appending, one write() per line so that the lines of several processes
// never interleave), or syslog (facility daemon, ident "dlr-webhook").
// Formats: plain ("<time> dlr-webhook[<pid>] <level>: <message> key=value ...")
// or JSON, one object per line ({"time", "level", "pid", "message", fields}).
//
// By cause: a fault of ours or of the deployment is an error; bad data from
// outside is a warning; routine events (a stored DLR, a reload) are info.
// Callers never pass a secret, nor a whole body at warning or error.
//
// Thread safety: every function may be called from any thread;
// ConfigureLog() takes effect for lines logged after it returns.
#ifndef DLR_COMMON_BASE_LOG_H_
#define DLR_COMMON_BASE_LOG_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/status.h"

namespace dlr {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2 };
enum class LogFormat { kPlain = 0, kJson = 1 };
enum class LogDestination { kStderr = 0, kFile = 1, kSyslog = 2 };

// The config's "log" object.
struct LogSettings {
  LogLevel level = LogLevel::kWarning;
  LogFormat format = LogFormat::kPlain;
  LogDestination destination = LogDestination::kStderr;
  std::string file;  // with kFile: an absolute path once loaded from a config file

  bool operator==(const LogSettings& o) const {
    return level == o.level && format == o.format && destination == o.destination && file == o.file;
  }
};

// "error", "warning", "info" (and the formats "plain", "json"; the
// destinations "stderr", "file", "syslog"); nullopt for anything else.
std::optional<LogLevel> LogLevelFromName(std::string_view name);
std::optional<LogFormat> LogFormatFromName(std::string_view name);
std::optional<LogDestination> LogDestinationFromName(std::string_view name);
const char* LogLevelName(LogLevel level);

// Context of a line, in order: ("webhook", "sms"), ("request_id", "..."), ...
using LogFields = std::vector<std::pair<std::string, std::string>>;

// Applies `settings` to every later line. Opens the file of kFile first:
// Unavailable (naming the file) when it cannot be opened, and the previous
// settings stay in force.
Status ConfigureLog(const LogSettings& settings);

// Lines above `level` are dropped. Default: kWarning.
void SetLogLevel(LogLevel level);
// True when a line at `level` would be written: lets a caller skip building
// a message that would be dropped (the per-request info lines).
bool LogEnabled(LogLevel level);
void Log(LogLevel level, const std::string& message, const LogFields& fields = {});

// `s` with every control character (C0, DEL, C1 as U+0080..U+009F), every
// byte that is not UTF-8, and the backslash written \xHH, so that text from
// outside shown on a terminal (tail, journalctl, dlrctl) cannot act on it.
// `keep_line_breaks`: '\n' and '\t' stay as they are (a body shown whole).
std::string EscapeControls(std::string_view s, bool keep_line_breaks = false);
void AppendEscaped(std::string* out, std::string_view s, bool keep_line_breaks);

// One line, newline included, as Log writes it (pure; for tests). `prefix`:
// the time and the program for plain lines (syslog adds its own).
std::string FormatLogLine(LogFormat format, LogLevel level, const std::string& time, long pid,
                          const std::string& message, const LogFields& fields, bool prefix = true);

// Where this thread's stderr lines go instead of stderr until reset with
// nullptr. `write` gets one whole line, newline included.
using LogWriter = void (*)(void* context, const std::string& line);
void SetThreadLogWriter(LogWriter write, void* context);

}  // namespace dlr

#endif  // DLR_COMMON_BASE_LOG_H_

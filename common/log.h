// Log lines on stderr (the web server's error log under CGI, the journal
// under systemd), or, while a FastCGI request is being served, on that
// request's error stream, which the web server writes to its error log
// (spawn-fcgi points the responder's own stderr at /dev/null). By cause: a fault of ours or of the
// deployment is an error; bad data from outside is a warning. Callers never pass a secret.
#ifndef DLR_COMMON_LOG_H_
#define DLR_COMMON_LOG_H_

#include <string>

namespace dlr {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2 };

// Lines above `level` are dropped. Default: kWarning.
void SetLogLevel(LogLevel level);
void Log(LogLevel level, const std::string& message);

// Where this thread's lines go instead of stderr until reset with nullptr.
// `write` gets one whole line, newline included.
using LogWriter = void (*)(void* context, const std::string& line);
void SetThreadLogWriter(LogWriter write, void* context);

}  // namespace dlr

#endif  // DLR_COMMON_LOG_H_

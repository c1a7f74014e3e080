// Log lines on stderr (the web server's error log under FastCGI/CGI, the
// journal under systemd). By cause: a fault of ours or of the deployment is
// an error; bad data from outside is a warning. Callers never pass a secret.
#ifndef DLR_COMMON_LOG_H_
#define DLR_COMMON_LOG_H_

#include <string>

namespace dlr {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2 };

// Lines above `level` are dropped. Default: kWarning.
void SetLogLevel(LogLevel level);
void Log(LogLevel level, const std::string& message);

}  // namespace dlr

#endif  // DLR_COMMON_LOG_H_

// CGI mode (RFC 3875): one request from the meta-variables and the body on
// the input, one answer on the output, then the process ends. The variables
// and both file descriptors are given by the caller (the process environment,
// stdin and stdout in the program; a map and temporary files in tests).
// No libfcgi here.
#ifndef DLR_FCGI_APP_CGI_MODE_H_
#define DLR_FCGI_APP_CGI_MODE_H_

#include <unistd.h>

#include <string>

#include "common/http/cgi_env.h"
#include "common/http/http.h"

namespace dlr {

// Where CGI mode takes its request from and writes its answer to. The
// descriptors stay the caller's: they are read and written, never closed.
struct CgiStreams {
  ParamLookup param;        // the meta-variables (std::getenv in the program)
  int in = STDIN_FILENO;    // the body: never read past CONTENT_LENGTH
  int out = STDOUT_FILENO;  // the answer: the head, then the body
  // A body refused unread is drained, after the answer, for at most this long.
  int drain_ms = 2000;
};

// Serves one request with the config at `config_path` (loaded for this
// request alone; an invalid one is answered 500 and logged). Exactly
// CONTENT_LENGTH bytes of `io.in` are read for the request, none when it is
// absent or when the request is refused from its head (404, 405, 401: no
// body read); a body refused unread (those, 413, a broken config) is read and
// thrown away, up to CONTENT_LENGTH and for at most io.drain_ms, once the
// answer is out. Returns the process's
// exit status: 0 when the whole answer was written, else 1.
int RunCgi(const std::string& config_path, const CgiStreams& io);

// The head of `r` as a CGI response ("Status: 200 OK", Content-Type, the
// response's headers, Content-Length, then an empty line), which FastCGI
// responders answer with too.
std::string SerializeHeaders(const Response& r);

}  // namespace dlr

#endif  // DLR_FCGI_APP_CGI_MODE_H_

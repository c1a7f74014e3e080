// The request and the response as HandleRequest sees them: plain owned
// strings, with nothing of libfcgi or of the process environment.
#ifndef DLR_COMMON_HTTP_HTTP_H_
#define DLR_COMMON_HTTP_HTTP_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dlr {

// What the adapter learnt about the body before (or instead of) reading it.
enum class BodyState {
  kComplete,   // `body` holds exactly CONTENT_LENGTH bytes (or none: absent)
  kTooLarge,   // CONTENT_LENGTH exceeds max_body_bytes: nothing was read
  kTruncated,  // the stream ended before CONTENT_LENGTH bytes arrived
  kBadLength,  // CONTENT_LENGTH is present but not a non-negative number
  kNoLength,   // a body is announced (Transfer-Encoding) without CONTENT_LENGTH: not read
};

struct Request {
  std::string method;         // REQUEST_METHOD, upper case as sent
  std::string path;           // decoded path, without the query string
  std::string query;          // QUERY_STRING, still percent-encoded
  std::string content_type;   // CONTENT_TYPE
  std::string authorization;  // HTTP_AUTHORIZATION, else REDIRECT_HTTP_AUTHORIZATION
  std::string remote_addr;    // REMOTE_ADDR
  // The web server's request id (nginx: fastcgi_param REQUEST_ID $request_id,
  // or an X-Request-ID header), else one made up here: in every log line.
  std::string request_id;
  std::string body;
  BodyState body_state = BodyState::kComplete;
  // The headers the signature schemes and allow_from read (X-Forwarded-For,
  // X-Twilio-Signature, webhook-signature, ...): lower-case name, value; only
  // those present.
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";             // the webhooks' answers: always JSON
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;

  // The value of the named header (case-sensitive), or "" when absent.
  std::string Header(const std::string& name) const;
};

// "200 OK", "404 Not Found", ...: the reason phrase for a status line.
const char* ReasonPhrase(int status);

// True when `path` (decoded) is empty, or starts with '/' and has no dot
// segment ("." or "..") and no empty segment ("//"), a trailing '/' aside. A web server picks
// its location on the normalised path but passes the path as sent: one that
// is not already normal could be answered by another handler than the one
// the web server's rules (allow/deny, auth_basic, limit_req) were for.
bool PathIsNormal(std::string_view path);

// The request's REMOTE_ADDR is 127.0.0.1, ::1 or ::ffff:127.0.0.1.
bool IsLoopback(const std::string& remote_addr);

}  // namespace dlr

#endif  // DLR_COMMON_HTTP_HTTP_H_

#include "fcgi_app/cgi_mode.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "common/webhook/config.h"
#include "fcgi_app/runtime.h"

namespace dlr {
namespace {

bool WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// The body length the web server announced, or 0 when CONTENT_LENGTH is
// absent or not a number.
size_t DeclaredLength(const char* content_length) {
  if (content_length == nullptr || *content_length < '0' || *content_length > '9') return 0;
  char* end = nullptr;
  unsigned long long n = std::strtoull(content_length, &end, 10);
  return *end == '\0' ? static_cast<size_t>(n) : 0;
}

// Reads and throws away up to `n` bytes of `fd` (at most kMaxMaxBodyBytes),
// for at most `timeout_ms`. A body left unread makes a web server that writes
// it to our stdin (Apache's mod_cgid) fail with a broken pipe, and the reset
// of the socket can lose the answer it has not read yet; a client that keeps
// the body coming slowly, or never sends it, does not keep the process.
void Drain(int fd, size_t n, int timeout_ms) {
  char sink[16384];
  n = std::min(n, kMaxMaxBodyBytes);
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (n > 0) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long long spent_ms =
        (now.tv_sec - start.tv_sec) * 1000LL + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (spent_ms >= timeout_ms) break;
    pollfd p = {fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(timeout_ms - spent_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    ssize_t r = read(fd, sink, std::min(n, sizeof sink));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n -= static_cast<size_t>(r);
  }
}

}  // namespace

int RunCgi(const std::string& config_path, const CgiStreams& io) {
  Runtime rt(/*threads=*/1, /*one_request=*/true);
  Response resp;
  size_t body_read = 0;
  if (!rt.Load(config_path).ok()) {
    resp = ConfigErrorResponse();
  } else {
    std::shared_ptr<const Generation> g = rt.current();
    const BodyPlan plan = PlanBody(io.param("CONTENT_LENGTH"), g->config.max_body_bytes,
                                   io.param("HTTP_TRANSFER_ENCODING"));
    auto read_body = [&io, &plan, &body_read](Request* req) {
      req->body_state = plan.state;
      if (plan.state != BodyState::kComplete || plan.length == 0) return;
      // RFC 3875: exactly CONTENT_LENGTH bytes, never more.
      req->body.resize(plan.length);
      size_t got = 0;
      while (got < plan.length) {
        ssize_t n = read(io.in, &req->body[got], plan.length - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      body_read = got;
      if (got < plan.length) {
        req->body.resize(got);
        req->body_state = BodyState::kTruncated;
      }
    };
    // A request refused from its head (404, 405, 401) is answered unread.
    bool read_called = false;
    resp = RespondReadingBody(*g, RequestFromParams(io.param, g->config.signature_headers),
                              read_body, &read_called);
  }
  bool written = WriteAll(io.out, SerializeHeaders(resp) + resp.body);
  // A body refused unread (401, 413, a broken config): read the rest of what
  // was announced, never more and never for longer than io.drain_ms, once
  // the answer is out.
  size_t declared = DeclaredLength(io.param("CONTENT_LENGTH"));
  if (declared > body_read) Drain(io.in, declared - body_read, io.drain_ms);
  return written ? 0 : 1;
}

std::string SerializeHeaders(const Response& r) {
  std::string out = "Status: " + std::to_string(r.status) + " " + ReasonPhrase(r.status) +
                    "\r\nContent-Type: " + r.content_type + "\r\n";
  for (const auto& h : r.headers) out += h.first + ": " + h.second + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  return out;
}

}  // namespace dlr

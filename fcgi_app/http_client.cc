#include "fcgi_app/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/base/version.h"

namespace dlr {
namespace {

constexpr size_t kMaxAnswer = 1 << 20;

size_t Collect(char* data, size_t size, size_t count, void* context) {
  std::string* out = static_cast<std::string*>(context);
  size_t n = size * count;
  if (out->size() < kMaxAnswer) out->append(data, std::min(n, kMaxAnswer - out->size()));
  return n;
}

StatusOr<HttpAnswer> Send(const HttpCall& call, long timeout_seconds) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) return Status::Internal("libcurl cannot be initialised");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::Internal("libcurl cannot make a request");
  std::vector<std::string> lines;
  if (!call.content_type.empty()) lines.push_back("Content-Type: " + call.content_type);
  if (!call.authorization.empty()) lines.push_back("Authorization: " + call.authorization);
  for (const auto& [name, value] : call.headers) lines.push_back(name + ": " + value);
  lines.push_back("Expect:");  // no 100-continue round trip
  curl_slist* headers = nullptr;
  for (const std::string& line : lines) {
    curl_slist* more = curl_slist_append(headers, line.c_str());
    if (!more) {
      curl_slist_free_all(headers);
      return Status::Internal("out of memory");
    }
    headers = more;
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> owned_headers(headers, curl_slist_free_all);
  HttpAnswer answer;
  char error[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "dlrctl/" DLR_WEBHOOK_VERSION " send-test");
  curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_seconds);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return Status::Unavailable(std::string(error[0] ? error : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  answer.status = static_cast<int>(status);
  return answer;
}

}  // namespace

HttpTransport CurlTransport(int timeout_seconds) {
  return [timeout_seconds](const HttpCall& call) { return Send(call, timeout_seconds); };
}

}  // namespace dlr

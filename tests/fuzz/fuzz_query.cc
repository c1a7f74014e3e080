// Fuzz target: percent-decoding, query strings and form bodies (query.h), and
// the CONTENT_LENGTH plan (cgi_env.h).
//
// Input: byte 0 bit 0 chooses plus_is_space for PercentDecode; the rest is
// the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/http/cgi_env.h"
#include "common/http/query.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

std::string Encode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool plus = data[0] & 1;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

  dlr::StatusOr<std::string> dec = dlr::PercentDecode(in, plus);
  if (dec.ok()) {
    FUZZ_CHECK(dec.value().size() <= in.size());
    // Encoding what was decoded and decoding it again gives the same bytes.
    dlr::StatusOr<std::string> again = dlr::PercentDecode(Encode(dec.value()), plus);
    FUZZ_CHECK(again.ok() && again.value() == dec.value());
  }
  if (in.find('%') == std::string_view::npos) {
    FUZZ_CHECK(dec.ok());
    if (!plus) FUZZ_CHECK(dec.value() == in);
  }

  dlr::StatusOr<dlr::Params> params = dlr::ParseUrlEncoded(in);
  if (params.ok()) {
    size_t amps = 0;
    for (char c : in) amps += c == '&';
    FUZZ_CHECK(params.value().size() <= amps + 1);
    std::string re;
    for (const auto& kv : params.value()) {
      if (!re.empty()) re += '&';
      re += Encode(kv.first) + "=" + Encode(kv.second);
    }
    dlr::StatusOr<dlr::Params> back = dlr::ParseUrlEncoded(re);
    FUZZ_CHECK(back.ok() && back.value() == params.value());
  }

  // CONTENT_LENGTH as a web server would pass it (a C string).
  std::string cl(in.substr(0, in.find('\0')));
  dlr::BodyPlan plan = dlr::PlanBody(cl.c_str(), 1000);
  if (plan.state == dlr::BodyState::kComplete) {
    FUZZ_CHECK(plan.length <= 1000);
    for (char c : cl) FUZZ_CHECK(c >= '0' && c <= '9');
  } else if (plan.state == dlr::BodyState::kBadLength) {
    FUZZ_CHECK(!cl.empty());
  }
  return 0;
}

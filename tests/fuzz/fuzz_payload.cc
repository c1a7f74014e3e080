// Fuzz target: the DLR parser (ParsePayload) over JSON, form, multipart and
// query strings, with default and with tight limits.
//
// Input: byte 0 says how the rest is presented; bytes 1.. are the payload.
//   bits 0-2  the Content-Type (kContentTypes below)
//   bit 3     the payload is the query string, the body is empty
//   bit 4     the webhook maps id <- message_id, status <- message_status
//   bit 5     tight limits (3 DLRs, 16-byte fields, depth 3)
//   bit 6     the payload is "<query>\n<body>": split at the first LF
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/http/query.h"
#include "common/webhook/payload.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr const char* kContentTypes[8] = {
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=XyZ",
    "",
    "text/plain",
    "application/vnd.api+json; charset=utf-8",
    "multipart/form-data",
    "Multipart/Form-Data; BOUNDARY=\"a b\"; charset=x",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned sel = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view body = rest, raw_query;
  if (sel & 0x08) {
    raw_query = rest;
    body = std::string_view();
  } else if (sel & 0x40) {
    size_t lf = rest.find('\n');
    if (lf != std::string_view::npos) {
      raw_query = rest.substr(0, lf);
      body = rest.substr(lf + 1);
    }
  }
  dlr::FieldNames names;
  if (sel & 0x10) {
    names.key[static_cast<size_t>(dlr::Field::kId)] = "message_id";
    names.key[static_cast<size_t>(dlr::Field::kStatus)] = "message_status";
  }
  dlr::Limits limits;
  if (sel & 0x20) {
    limits.max_array_length = 3;
    limits.max_field_bytes = 16;
    limits.max_json_depth = 3;
  }

  dlr::StatusOr<dlr::Params> query = dlr::ParseUrlEncoded(raw_query);
  if (!query.ok()) return 0;  // the handler answers 400 before parsing the body
  dlr::StatusOr<dlr::Payload> p =
      dlr::ParsePayload(body, kContentTypes[sel & 0x07], raw_query, query.value(), names, limits);
  if (!p.ok()) {
    dlr::StatusCode c = p.status().code();
    FUZZ_CHECK(c == dlr::StatusCode::kInvalidArgument || c == dlr::StatusCode::kUnprocessable ||
               c == dlr::StatusCode::kTooLarge);
    FUZZ_CHECK(!p.status().message().empty());
    return 0;
  }
  const dlr::Payload& payload = p.value();
  FUZZ_CHECK(payload.dlrs.size() <= limits.max_array_length);
  for (const dlr::Dlr& d : payload.dlrs) {
    FUZZ_CHECK(d.Get(dlr::Field::kId) && !d.Get(dlr::Field::kId)->empty());
    FUZZ_CHECK(d.Get(dlr::Field::kStatus) && !d.Get(dlr::Field::kStatus)->empty());
    for (const auto& v : d.values) FUZZ_CHECK(!v || v->size() <= limits.max_field_bytes);
    FUZZ_CHECK(d.raw.size() <= size);
  }
  FUZZ_CHECK(payload.dlrs.empty() || !payload.challenge.has_value());
  return 0;
}

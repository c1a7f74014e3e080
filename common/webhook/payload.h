// The DLR parser: a JSON object or array, a form body
// (urlencoded or multipart) or query parameters, with the key names each
// webhook's customer chose in Compose Webhook.
//
// Pure functions: no I/O, no globals. Errors are InvalidArgument when the body
// cannot be parsed at all (HTTP 400) and Unprocessable when it parses but a
// DLR in it is not acceptable (HTTP 422); either way no DLR is returned, so a
// request is accepted whole or refused whole.
#ifndef DLR_COMMON_WEBHOOK_PAYLOAD_H_
#define DLR_COMMON_WEBHOOK_PAYLOAD_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/http/query.h"
#include "common/store/record.h"

namespace dlr {

// For each field, the key it is read from in a payload. Default: its own name.
struct FieldNames {
  FieldNames();
  std::array<std::string, kFieldCount> key;
  const std::string& operator[](Field f) const { return key[static_cast<size_t>(f)]; }
};

// Bounds on what one request may carry, beyond max_body_bytes (which the
// adapter enforces before reading). Each has a safe default; the config may
// change them (config.h).
inline constexpr size_t kDefaultMaxArrayLength = 1000;
inline constexpr size_t kDefaultMaxFieldBytes = 4096;
inline constexpr size_t kDefaultMaxJsonDepth = 32;

struct Limits {
  // DLRs in one JSON array. Over it: TooLarge (413), nothing kept.
  size_t max_array_length = kDefaultMaxArrayLength;
  // Bytes in one DLR field value (id, status, custom, ...), after decoding.
  // Over it: Unprocessable (422). Keys we do not read are bounded only by
  // the body size; they stay in `raw`.
  size_t max_field_bytes = kDefaultMaxFieldBytes;
  // Nesting of JSON arrays and objects; a bare object is depth 1, an array
  // of objects depth 2. Over it: Unprocessable (422), found while parsing,
  // before the deeper levels are built.
  size_t max_json_depth = kDefaultMaxJsonDepth;
};

struct Payload {
  std::vector<Dlr> dlrs;                 // empty when the request carries no DLR
  std::optional<std::string> challenge;  // from the body, else the query
  bool body_empty = true;                // the body was empty or whitespace
};

// Parses one request's payload. `query` are the decoded query parameters
// (`raw_query` as sent); they supply a DLR when the body is empty (its raw is
// then the query string), and fill fields a single body object (or form)
// leaves out; `token` is never a field. Duplicate keys: the first one counts.
// `limits` bound what is accepted (see Limits); a request over one of them
// is refused whole.
StatusOr<Payload> ParsePayload(std::string_view body, std::string_view content_type,
                               std::string_view raw_query, const Params& query,
                               const FieldNames& names, const Limits& limits = Limits());

}  // namespace dlr

#endif  // DLR_COMMON_WEBHOOK_PAYLOAD_H_

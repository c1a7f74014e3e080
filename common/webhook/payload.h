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

// A path into a JSON value: member names and array indexes, written
// "data.payload.to[0].status". One step is a member name (no '.', '[' or
// ']' in it) followed by any number of [N].
struct PathStep {
  std::string name;  // the member, when !is_index
  size_t index = 0;  // the element, when is_index
  bool is_index = false;
};
using JsonPath = std::vector<PathStep>;

// Parses "a.b[0].c". InvalidArgument for an empty step, an unclosed or
// non-numeric index, or a name with ']' in it.
StatusOr<JsonPath> ParseJsonPath(std::string_view path);

// How a platform nests its DLRs in a JSON body (presets.h: infobip, telnyx).
// With a layout, a JSON body is read only this way and each field's key
// (FieldNames::key) is a path (JsonPath) from the DLR's object; form bodies
// and query strings are read by name as without one.
struct NestedLayout {
  // The top-level member whose array holds the DLRs, one object each
  // ("results"); empty: the body is one object, one DLR.
  std::string items;
  // The path to the event's type ("data.event_type") and the types that
  // carry a DLR; a body of another type carries none (Payload::ignored_event).
  // Empty: every body carries DLRs.
  JsonPath event_type;
  std::string event_type_key;  // event_type as written, for messages
  std::vector<std::string> dlr_events;
  // key[] parsed, filled by FieldNames::SetLayout.
  std::array<JsonPath, kFieldCount> paths;
};

// For each field, the key it is read from in a payload. Default: its own name.
struct FieldNames {
  FieldNames();
  std::array<std::string, kFieldCount> key;
  const std::string& operator[](Field f) const { return key[static_cast<size_t>(f)]; }
  // nullopt: flat JSON (an object or an array of objects keyed by name).
  std::optional<NestedLayout> nested;
  // Makes `layout` this payload's and parses each key as its path (the keys
  // must be final: set them first). InvalidArgument naming the field whose
  // key is not a path; `nested` is then left unset.
  Status SetLayout(NestedLayout layout);
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
  // A nested layout's event of a type that carries no DLR (Telnyx's
  // message.received): its type, as sent; dlrs is then empty.
  std::optional<std::string> ignored_event;
};

// Parses one request's payload. `query` are the decoded query parameters
// (`raw_query` as sent); they supply a DLR when the body is empty (its raw is
// then the query string), and fill fields a single body object (or form)
// leaves out; `token` is never a field. Duplicate keys: the first one counts.
// `limits` bound what is accepted (see Limits); a request over one of them
// is refused whole. With names.nested, a JSON body is read by its layout:
// the DLRs of an items array (each its raw text as `raw`, as for a JSON
// array; more than max_array_length: TooLarge) or the one DLR of an event
// (the whole body as `raw`); the query string fills no field of them. A
// path that meets a missing member, a null, an index past the end or a
// value of another kind than it steps into leaves its field absent; a
// value that is an object, an array or a boolean is Unprocessable.
StatusOr<Payload> ParsePayload(std::string_view body, std::string_view content_type,
                               std::string_view raw_query, const Params& query,
                               const FieldNames& names, const Limits& limits = Limits());

}  // namespace dlr

#endif  // DLR_COMMON_WEBHOOK_PAYLOAD_H_

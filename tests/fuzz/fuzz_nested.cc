// Fuzz target: the nested DLR parsers (ParsePayload with a NestedLayout):
// Infobip's {"results": [...]} batches and Telnyx's events, with the presets'
// paths, with default and with tight limits.
//
// Input: byte 0 says how the rest is read; bytes 1.. are the JSON body.
//   bit 0     the layout: 0 infobip, 1 telnyx
//   bit 1     tight limits (3 DLRs, 16-byte fields, depth 6)
//   bit 2     `fields` overrides custom with a path into an array ("price.x[1]" /
//             "data.payload.errors[0].code")
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/http/query.h"
#include "common/webhook/payload.h"
#include "common/webhook/presets.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

dlr::FieldNames Names(const char* provider, bool override_custom) {
  dlr::FieldNames n;
  for (const auto& [field, theirs] : dlr::PresetFields(provider)) {
    n.key[static_cast<size_t>(field)] = std::string(theirs);
  }
  if (override_custom) {
    n.key[static_cast<size_t>(dlr::Field::kCustom)] =
        provider[0] == 'i' ? "price.x[1]" : "data.payload.errors[0].code";
  }
  dlr::Status s = n.SetLayout(*dlr::PresetLayout(provider));
  FUZZ_CHECK(s.ok());
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned sel = data[0];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  static const dlr::FieldNames kNames[4] = {Names("infobip", false), Names("telnyx", false),
                                            Names("infobip", true), Names("telnyx", true)};
  const dlr::FieldNames& names = kNames[(sel & 0x01) | ((sel & 0x04) >> 1)];
  dlr::Limits limits;
  if (sel & 0x02) {
    limits.max_array_length = 3;
    limits.max_field_bytes = 16;
    limits.max_json_depth = 6;
  }
  static const dlr::Params kNoQuery;
  dlr::StatusOr<dlr::Payload> p =
      dlr::ParsePayload(body, "application/json", "", kNoQuery, names, limits);
  if (!p.ok()) {
    dlr::StatusCode c = p.status().code();
    FUZZ_CHECK(c == dlr::StatusCode::kInvalidArgument || c == dlr::StatusCode::kUnprocessable ||
               c == dlr::StatusCode::kTooLarge);
    FUZZ_CHECK(!p.status().message().empty());
    return 0;
  }
  const dlr::Payload& payload = p.value();
  FUZZ_CHECK(payload.dlrs.size() <= limits.max_array_length);
  FUZZ_CHECK(!payload.challenge.has_value());
  FUZZ_CHECK(payload.dlrs.empty() || !payload.ignored_event.has_value());
  // Telnyx: one event, one DLR at most; an ignored event only from the telnyx layout.
  if (sel & 0x01) FUZZ_CHECK(payload.dlrs.size() <= 1);
  if (!(sel & 0x01)) FUZZ_CHECK(!payload.ignored_event.has_value());
  if (!payload.body_empty) FUZZ_CHECK(!payload.dlrs.empty() || payload.ignored_event.has_value());
  for (const dlr::Dlr& d : payload.dlrs) {
    FUZZ_CHECK(d.Get(dlr::Field::kId) && !d.Get(dlr::Field::kId)->empty());
    FUZZ_CHECK(d.Get(dlr::Field::kStatus) && !d.Get(dlr::Field::kStatus)->empty());
    for (const auto& v : d.values) FUZZ_CHECK(!v || v->size() <= limits.max_field_bytes);
    FUZZ_CHECK(!d.raw.empty());
    FUZZ_CHECK(d.raw.size() <= body.size());
  }
  return 0;
}

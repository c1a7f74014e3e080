#include "common/store/record.h"

#include "common/base/strings.h"

namespace dlr {
namespace {

constexpr const char* kFieldNames[kFieldCount] = {
    "id",
    "mobile",
    "status",
    "credits",
    "units",
    "deliv_time",
    "sent_time",
    "submit_time",
    "deliv_at",
    "sent_at",
    "submit_at",
    "cid",
    "custom",
    "custom1",
    "custom2",
    "location",
    "region",
    "provider",
    "location_code",
    "region_code",
    "provider_code",
};

}  // namespace

const char* FieldName(Field f) { return kFieldNames[static_cast<size_t>(f)]; }

std::optional<Field> FieldFromName(std::string_view name) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (name == kFieldNames[i]) return static_cast<Field>(i);
  }
  return std::nullopt;
}

bool IsDeliveredStatus(std::string_view status) {
  return EqualsIgnoreCase(Trim(status), "DELIVRD");
}

bool IsPendingStatus(std::string_view status) {
  return EqualsIgnoreCase(Trim(status), "AWAITING-DLR");
}

}  // namespace dlr

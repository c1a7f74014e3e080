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
    "error_code",
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

DlrClass StatusTextClass(std::string_view status) {
  if (IsDeliveredStatus(status)) return DlrClass::kDelivered;
  if (IsPendingStatus(status)) return DlrClass::kPending;
  return DlrClass::kFailed;
}

const char* DlrClassName(DlrClass c) {
  switch (c) {
    case DlrClass::kDelivered:
      return "delivered";
    case DlrClass::kPending:
      return "pending";
    case DlrClass::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<DlrClass> DlrClassFromName(std::string_view name) {
  for (DlrClass c : {DlrClass::kDelivered, DlrClass::kPending, DlrClass::kFailed}) {
    if (name == DlrClassName(c)) return c;
  }
  return std::nullopt;
}

}  // namespace dlr

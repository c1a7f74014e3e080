// The DLR record: the payload fields stored in columns of their own, and how
// a status is classified. Pure data, shared by the parser that fills it
// (webhook/payload.h) and the stores that keep it.
#ifndef DLR_COMMON_STORE_RECORD_H_
#define DLR_COMMON_STORE_RECORD_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dlr {

// The payload fields we store in columns of their own, in column order.
enum class Field : size_t {
  kId,
  kMobile,
  kStatus,
  kCredits,
  kUnits,
  kDelivTime,
  kSentTime,
  kSubmitTime,
  kDelivAt,
  kSentAt,
  kSubmitAt,
  kCid,
  kCustom,
  kCustom1,
  kCustom2,
  kLocation,
  kRegion,
  kProvider,
  kLocationCode,
  kRegionCode,
  kProviderCode,
  kErrorCode,  // the platform's error code (Twilio's ErrorCode, Vonage's err-code)
};
inline constexpr size_t kFieldCount = 22;

// The field's own name ("deliv_time"), which is also its column name.
const char* FieldName(Field f);
std::optional<Field> FieldFromName(std::string_view name);

// The class of a status, as a platform's documentation gives it.
enum class DlrClass { kDelivered, kPending, kFailed };

// "delivered", "pending", "failed": the class as dlr_events.dlr_class holds it.
const char* DlrClassName(DlrClass c);
// The class DlrClassName gives `name`; nullopt for any other text.
std::optional<DlrClass> DlrClassFromName(std::string_view name);

struct Dlr {
  std::array<std::optional<std::string>, kFieldCount> values;
  std::string raw;  // the event exactly as received
  // Set from the webhook's provider (webhook/presets.h); nullopt: the status
  // decides as StatusTextClass says. Read back: the stored dlr_class.
  std::optional<DlrClass> dlr_class;

  const std::optional<std::string>& Get(Field f) const { return values[static_cast<size_t>(f)]; }
  void Set(Field f, std::string v) { values[static_cast<size_t>(f)] = std::move(v); }
};

// How a status string is classified. Compared without regard to case.
bool IsDeliveredStatus(std::string_view status);  // DELIVRD
bool IsPendingStatus(std::string_view status);    // AWAITING-DLR
inline bool IsFinalStatus(std::string_view status) { return !IsPendingStatus(status); }

// The class of a status by its text alone (our own platform's rule, and the
// rule schema 4 filled the classes of older rows with): DELIVRD delivered,
// AWAITING-DLR pending, any other status failed.
DlrClass StatusTextClass(std::string_view status);

// The class stored with `dlr` (dlr_events.dlr_class): its class when set,
// else StatusTextClass of its status (no status: failed).
inline DlrClass ClassOf(const Dlr& dlr) {
  if (dlr.dlr_class) return *dlr.dlr_class;
  const std::optional<std::string>& status = dlr.Get(Field::kStatus);
  return status ? StatusTextClass(*status) : DlrClass::kFailed;
}

// dlr_messages.final and .delivered for `dlr`, from the same class.
inline bool DlrIsFinal(const Dlr& dlr) { return ClassOf(dlr) != DlrClass::kPending; }
inline bool DlrIsDelivered(const Dlr& dlr) { return ClassOf(dlr) == DlrClass::kDelivered; }

}  // namespace dlr

#endif  // DLR_COMMON_STORE_RECORD_H_

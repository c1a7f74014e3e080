#include "common/webhook/presets.h"

#include "common/base/strings.h"

namespace dlr {
namespace {

struct Preset {
  std::string_view provider;
  std::vector<std::pair<Field, std::string_view>> fields;
  std::vector<std::string_view> delivered, pending, failed;
};

// The platforms' documented DLR fields and statuses (README, "Presets").
const Preset kPresets[] = {
    {"twilio",
     {{Field::kId, "MessageSid"},
      {Field::kStatus, "MessageStatus"},
      {Field::kMobile, "To"},
      {Field::kErrorCode, "ErrorCode"}},
     {"delivered", "read"},
     {"accepted", "scheduled", "queued", "sending", "sent"},
     {"undelivered", "failed", "canceled"}},
    {"vonage",
     {{Field::kId, "messageId"},
      {Field::kStatus, "status"},
      {Field::kMobile, "msisdn"},
      {Field::kDelivTime, "scts"},
      {Field::kErrorCode, "err-code"}},
     {"delivered"},
     {"accepted", "buffered"},
     {"expired", "failed", "rejected", "unknown"}},
    {"plivo",
     {{Field::kId, "MessageUUID"},
      {Field::kStatus, "Status"},
      {Field::kMobile, "To"},
      {Field::kErrorCode, "ErrorCode"}},
     {"delivered", "read"},
     {"queued", "sent"},
     {"undelivered", "failed", "rejected"}},
    // Infobip's SMS delivery reports: {"results": [{...}, ...]}, each entry a DLR.
    {"infobip",
     {{Field::kId, "messageId"},
      {Field::kStatus, "status.groupName"},
      {Field::kMobile, "to"},
      {Field::kDelivTime, "doneAt"},
      {Field::kSentTime, "sentAt"},
      {Field::kErrorCode, "error.name"}},
     {"DELIVERED"},
     {"PENDING", "ACCEPTED"},
     {"UNDELIVERABLE", "EXPIRED", "REJECTED"}},
    // Telnyx's message events: {"data": {"event_type": ..., "payload": {...}}}. Its
    // SDKs list scheduled, cancelled and expired besides the statuses the issue names.
    {"telnyx",
     {{Field::kId, "data.payload.id"},
      {Field::kStatus, "data.payload.to[0].status"},
      {Field::kMobile, "data.payload.to[0].phone_number"},
      {Field::kDelivTime, "data.payload.completed_at"},
      {Field::kSentTime, "data.payload.sent_at"},
      {Field::kErrorCode, "data.payload.errors[0].code"}},
     {"delivered"},
     {"scheduled", "queued", "sending", "sent"},
     {"sending_failed", "delivery_failed", "delivery_unconfirmed", "expired", "cancelled"}},
    {"kannel",
     {{Field::kId, "id"},
      {Field::kStatus, "type"},
      {Field::kMobile, "to"},
      {Field::kDelivTime, "ts"}},
     {"1"},
     {"4", "8"},
     {"2", "16"}},
};

const Preset* Find(std::string_view provider) {
  for (const Preset& p : kPresets) {
    if (p.provider == provider) return &p;
  }
  return nullptr;
}

bool In(const std::vector<std::string_view>& list, std::string_view status) {
  for (std::string_view s : list) {
    if (EqualsIgnoreCase(status, s)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::pair<Field, std::string_view>> PresetFields(std::string_view provider) {
  const Preset* p = Find(provider);
  if (!p) return {};
  return p->fields;
}

std::optional<NestedLayout> PresetLayout(std::string_view provider) {
  NestedLayout n;
  if (provider == "infobip") {
    n.items = "results";
    return n;
  }
  if (provider == "telnyx") {
    n.event_type = {PathStep{"data", 0, false}, PathStep{"event_type", 0, false}};
    n.event_type_key = "data.event_type";
    n.dlr_events = {"message.sent", "message.finalized"};
    return n;
  }
  return std::nullopt;
}

std::optional<DlrClass> ClassifyStatus(std::string_view provider, std::string_view status) {
  const Preset* p = Find(provider);
  if (!p) return std::nullopt;
  status = Trim(status);
  if (In(p->delivered, status)) return DlrClass::kDelivered;
  if (In(p->failed, status)) return DlrClass::kFailed;
  return DlrClass::kPending;  // documented pending, or unknown
}

}  // namespace dlr

// What a webhook's `provider` implies: the names the platform gives the DLR's
// fields, and which of its statuses mean delivered, pending or failed.
//
// Pure data and lookups; thread-safe.
#ifndef DLR_COMMON_WEBHOOK_PRESETS_H_
#define DLR_COMMON_WEBHOOK_PRESETS_H_

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/store/record.h"
#include "common/webhook/payload.h"

namespace dlr {

// The platform's name for each of our fields it sends (MessageSid for id);
// for a platform whose DLRs nest (PresetLayout), the path to it in a DLR
// ("status.groupName"). Empty for "mobtexting" (our own names).
std::vector<std::pair<Field, std::string_view>> PresetFields(std::string_view provider);

// How the platform nests its DLRs in a JSON body: infobip (a "results"
// array) and telnyx (an event, data.event_type message.sent or
// message.finalized); nullopt for the platforms that post flat objects or
// forms. Its paths are not parsed yet (FieldNames::SetLayout does).
std::optional<NestedLayout> PresetLayout(std::string_view provider);

// The class of `status` for `provider`: compared without regard to case;
// a status the platform does not document is pending. nullopt for
// "mobtexting" (and providers without a preset): the status decides as
// IsDeliveredStatus/IsPendingStatus say.
std::optional<DlrClass> ClassifyStatus(std::string_view provider, std::string_view status);

}  // namespace dlr

#endif  // DLR_COMMON_WEBHOOK_PRESETS_H_

// The operator's paths, answered before the webhooks: health, metrics and
// the status page (status_page.h).
//
// HandleOperatorRequest looks the request's path up in a small route table
// (config.health.path, config.metrics.path); another operator's page is one
// more entry there. It never touches the writer's store: the database is
// reached through `with_reader`, a second connection of the adapter's.
#ifndef DLR_COMMON_OPS_OPERATOR_ROUTES_H_
#define DLR_COMMON_OPS_OPERATOR_ROUTES_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "common/base/metrics.h"
#include "common/base/status.h"
#include "common/http/http.h"
#include "common/ops/login_throttle.h"
#include "common/store/reader.h"
#include "common/webhook/config.h"

namespace dlr {

// Runs `use` with a reader of the configured database, one caller at a
// time, and returns its Status (or why the database could not be had).
using ReaderAccess = std::function<Status(const std::function<Status(StoreReader&)>& use)>;

struct OperatorContext {
  Metrics* metrics = nullptr;  // nullptr: the metrics path answers 503
  ReaderAccess with_reader;
  int64_t now_millis = 0;  // the current time (ms since 1970, UTC), for the status page
  // Failed logins (metrics secret, status page password) per address: 429
  // after too many. nullptr: not throttled.
  LoginThrottle* throttle = nullptr;
};

// The answer for an operator's path, or nullopt when `request` is for none
// (it then goes to HandleRequest).
//  - health (GET/HEAD): 200 {"ok":true,"schema_version":N} when the database
//    answers a Ping, 503 unavailable when it does not (the cause is logged).
//  - metrics (GET/HEAD): the Prometheus text, to REMOTE_ADDR 127.0.0.1 or ::1,
//    or to a bearer holding one of metrics.secrets (constant-time compare);
//    401 when secrets are configured and none was presented, else 403.
//  - the status page (config.dashboard.path and below): HandleDashboard
//    through the reader.
std::optional<Response> HandleOperatorRequest(const Request& request, const Config& config,
                                              const OperatorContext& context);

// True when HandleOperatorRequest answers `request` (health, metrics, the
// status page and below): it never needs the request's body.
bool IsOperatorPath(const Request& request, const Config& config);

}  // namespace dlr

#endif  // DLR_COMMON_OPS_OPERATOR_ROUTES_H_

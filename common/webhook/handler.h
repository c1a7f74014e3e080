// HandleRequest: the whole contract, from a parsed request to an answer.
// No I/O of its own besides the StoreWriter it is given and log lines; the time
// comes from the Clock it is given.
#ifndef DLR_COMMON_WEBHOOK_HANDLER_H_
#define DLR_COMMON_WEBHOOK_HANDLER_H_

#include <optional>

#include "common/base/metrics.h"
#include "common/base/time.h"
#include "common/http/http.h"
#include "common/store/store.h"
#include "common/webhook/config.h"

namespace dlr {

// Decides the answer to `request`: route (404), method (405, except for the
// verification handshake, answered to any method), bearer (401), size (413),
// parse (400/422, kept in dlr_rejected), verification token (403/200),
// storage (200 only once committed, else 503 whatever the storage fault).
// `store` is used only when something must be written. `clock` gives the
// received_at of what is stored (a batch, a refused request) and times the
// commit; the caller keeps it (SystemClock() outside tests). Each refusal and
// each internal error is logged with the webhook, the remote address and the
// request id (see LogContext). `metrics`, when given, counts the answer, the
// DLRs and the commit's latency. Never throws.
Response HandleRequest(const Request& request, const Config& config, StoreWriter& store,
                       const Clock& clock, Metrics* metrics = nullptr);

// 400 bad_request (logged, counted, stored nowhere) for a path with dot or
// empty segments (PathIsNormal), which is routed nowhere, operator's paths
// included: a web server chose its location for the normalised path.
// nullopt for a normal path. HandleRequest and RefuseBeforeBody check it too.
std::optional<Response> RefuseUnnormalPath(const Request& request, Metrics* metrics = nullptr);

// The refusals decided from the request's head alone, before its body is
// read (a refused request costs no body read): 400 (a path not normal), 404 (no webhook for the
// path), 405 (a method other than GET, POST or PUT without a verification
// token), 401 (no right bearer secret). Logged and counted as HandleRequest
// does; nullopt when the body is needed to answer. HandleRequest makes the
// same checks first, so a request that passed here passes there.
std::optional<Response> RefuseBeforeBody(const Request& request, const Config& config,
                                         Metrics* metrics = nullptr);

// The fields every log line about `request` carries: webhook (or "-"),
// remote, method, path (never the query: it may hold the token), request_id.
LogFields LogContext(const Request& request, const Webhook* webhook);

}  // namespace dlr

#endif  // DLR_COMMON_WEBHOOK_HANDLER_H_

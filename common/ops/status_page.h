// The status page: routing, access and reading for the dashboard the
// config's "dashboard" object turns on (off by default).
//
//   GET PATH                  the HTML page (PATH?format=json: the JSON)
//   GET PATH/data.json        the JSON the page is drawn from
//   GET PATH/rejected/SEQ     the raw body of refused request SEQ, as text/plain
//
// Access: with dashboard.password, HTTP Basic (any user name, or
// dashboard.user when set) or `Authorization: Bearer <password>`, compared in
// constant time; otherwise 401 with `WWW-Authenticate: Basic`. Without a
// password, only a client on loopback (REMOTE_ADDR 127.0.0.1 or ::1); others
// get 403. Every answer carries a restrictive Content-Security-Policy,
// X-Content-Type-Options: nosniff and Cache-Control: no-store. Nothing
// shows a secret.
//
// No I/O of its own besides the StoreReader it is given, over a reading
// connection of its own (never the responder's writer).
#ifndef DLR_COMMON_OPS_STATUS_PAGE_H_
#define DLR_COMMON_OPS_STATUS_PAGE_H_

#include <cstdint>
#include <string_view>

#include "common/http/http.h"
#include "common/store/reader.h"
#include "common/webhook/config.h"

namespace dlr {

// True when the config has a dashboard and `path` is its path or below it
// (a trailing '/' ignored). Checked before any webhook.
bool IsDashboardPath(const Config& config, std::string_view path);

// The answer to a request for the status page. `now_millis`: the current
// time (ms since 1970, UTC). A store that cannot be read: 503. Never throws.
Response HandleDashboard(const Request& request, const Config& config, StoreReader& reader,
                         int64_t now_millis);

}  // namespace dlr

#endif  // DLR_COMMON_OPS_STATUS_PAGE_H_

#!/usr/bin/env bash
# The status page in a real browser:
#   - nginx + spawn-fcgi + the responder, with a config that has a dashboard password; DLRs and a
#     refused request sent through nginx, then some times moved back with sqlite3 (an event 2 hours
#     ago, a webhook quiet for 3 hours, an event outside the 48-hour window, a webhook whose only
#     DLR came 5 days ago);
#   - curl: 401 (and WWW-Authenticate: Basic) without the password, with a wrong one and with a
#     webhook's secret; the JSON's figures; the raw body of the refused request as text/plain
#     with nosniff and a sandboxing Content-Security-Policy; no secret in any answer;
#   - headless Chromium driven by chromedriver over the WebDriver HTTP API (curl, no npm): the
#     rendered totals, the 48 bars of the hourly chart and one bar's figures, the stale webhook
#     marked, the last DLR of a webhook quiet for 5 days (its date, stale), the delivery rate by
#     provider, the refused request listed and its raw body one click away, hostile strings shown
#     as text (no element, no dialog), the page as wide as a phone's
#     screen; screenshots kept in $BUILD/artifacts/ (dashboard.png, dashboard-phone.png);
#   - CGI mode: the page without a password answers loopback only; no dashboard in the config: 404.
# chromium and chromedriver missing is a failure, not a skip.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools curl jq sqlite3 spawn-fcgi nginx chromium chromedriver base64
make_tmp
START=$(date +%s)
SECRET="dash-webhook-secret-0123456789"
KEY="9012XX"
PAGE_PASS="dash-page-pass-9876543210"
PAGE=/dlr/status
ARTIFACTS="$BUILD_DIR/artifacts"
mkdir -p "$ARTIFACTS"
DB="$T/dlr.sqlite"
HOSTILE_PROVIDER='<img src=x onerror=alert(1)>'
HOSTILE_LOCATION='"><script>alert(2)</script>'

jq -n --arg db "$DB" --arg s "$SECRET" --arg k "$KEY" --arg p "$PAGE_PASS" '{database: $db,
    webhooks: [{name: "sms", path: "/receive/callback", validation_key: $k, secrets: [$s]},
               {name: "old", path: "/old", validation_key: $k, secrets: [$s]},
               {name: "quiet", path: "/quiet", validation_key: $k, secrets: [$s]}],
    dashboard: {path: "/dlr/status", password: $p, stale_after_minutes: 60}}' > "$T/config.json"
chmod 600 "$T/config.json"
init_db "$T/config.json"
CHECK=$("$CTL" check-config --config "$T/config.json" 2>&1)
if printf '%s' "$CHECK" | grep -qx 'dashboard: path /dlr/status, password set, stale after 60 minutes' &&
    ! printf '%s' "$CHECK" | grep -qF "$PAGE_PASS"; then ok "dlrctl check-config describes the dashboard, never its password"
else not_ok "dlrctl check-config describes the dashboard, never its password" "$CHECK"; fi
start_stack

# ---------------------------------------------------------------- known rows through nginx
post() {  # post PATH JSON_BODY
    req POST "$1" -H "Authorization: Bearer $SECRET" -H 'Content-Type: application/json' --data-binary "$2"
}
post /receive/callback '{"id":"m-1","status":"DELIVRD","provider":"Airtel","location":"Delhi"}'
post /receive/callback '{"id":"m-2","status":"UNDELIV","provider":"Airtel","location":"Delhi"}'
post /receive/callback '{"id":"m-3","status":"AWAITING-DLR","provider":"Jio"}'
post /receive/callback '{"id":"m-4","status":"DELIVRD","provider":"Jio","location":"Mumbai"}'
post /receive/callback "$(jq -cn --arg p "$HOSTILE_PROVIDER" --arg l "$HOSTILE_LOCATION" '{id: "m-5", status: "DELIVRD", provider: $p, location: $l}')"
post /receive/callback '{"id":"m-6","status":"EXPIRED","provider":"Airtel"}'
post /old '{"id":"o-1","status":"DELIVRD","provider":"Vi"}'
post /quiet '{"id":"q-1","status":"DELIVRD","provider":"Vi"}'
check_eq "eight DLRs stored through nginx" 8 "$(sql 'SELECT COUNT(*) FROM dlr_events')"
REFUSED='{"id": "<script>alert(3)</script>", "status":'
post /receive/callback "$REFUSED"
err_answer "a broken body refused (400)" 400 bad_request

NOW=$(date -u +%s)
hour_of() { date -u -d "@$1" +%Y-%m-%dT%H; }
H2=$(hour_of $((NOW - 2 * 3600)))
H3=$(hour_of $((NOW - 3 * 3600)))
OLD=$(date -u -d "@$((NOW - 3 * 86400))" +%Y-%m-%dT%H:%M:%S.000Z)
QUIET_AT=$((NOW - 5 * 86400 - 600))
QUIET=$(date -u -d "@$QUIET_AT" +%Y-%m-%dT%H:%M:%S.000Z)
QUIET_SHOWN="$(date -u -d "@$QUIET_AT" '+%Y-%m-%d %H:%M:%S') UTC, 5 days ago"
sql "UPDATE dlr_events SET received_at = '$H2:30:00.000Z' WHERE id = 'm-3';
     UPDATE dlr_events SET received_at = '$H3:00:00.000Z' WHERE id = 'o-1';
     UPDATE dlr_events SET received_at = '$OLD' WHERE id = 'm-6';
     UPDATE dlr_events SET received_at = '$QUIET' WHERE id = 'q-1';" > "$T/times.log" 2>&1 ||
    not_ok "times set with sqlite3" "$(cat "$T/times.log")"

# ---------------------------------------------------------------- access and JSON with curl
page() {  # page PATH [curl args...]: GET through nginx, no row snapshot
    local path=$1; shift
    rm -f "$T/resp.body" "$T/resp.hdr"
    CODE=$(curl -sS --max-time 20 -o "$T/resp.body" -D "$T/resp.hdr" -w '%{http_code}' "$@" "$BASE$path" 2>"$T/curl.err")
    [ -f "$T/resp.body" ] || : > "$T/resp.body"
    [ -f "$T/resp.hdr" ] || : > "$T/resp.hdr"
    REQ_DESC="GET $path"
}
page "$PAGE"
check_eq "no password: 401" 401 "$CODE"
header_matches "... asking for Basic credentials" WWW-Authenticate '^Basic realm="dlr-webhook status"'
page "$PAGE" -u "ops:wrong-$PAGE_PASS"
check_eq "a wrong password: 401" 401 "$CODE"
page "$PAGE" -H "Authorization: Bearer $SECRET"
check_eq "a webhook's secret opens nothing: 401" 401 "$CODE"
page "$PAGE/data.json" -u "anyone:$PAGE_PASS"
check_eq "Basic with the password (any user name): 200" 200 "$CODE"
header_matches "... JSON" Content-Type '^application/json'
check_eq "the JSON's totals: events delivered failed pending rate (m-6 outside the window)" \
    "6 4 1 1 0.8" "$(jq -r '.stats | "\(.events) \(.delivered) \(.failed) \(.pending) \(.delivered_rate)"' "$T/resp.body")"
check_eq "... the webhooks: sms fresh, old stale, quiet stale with none in the window" \
    "sms:false:5 old:true:1 quiet:true:0" \
    "$(jq -r '[.webhooks[] | "\(.name):\(.stale):\(.events)"] | join(" ")' "$T/resp.body")"
check_eq "... quiet's last DLR, 5 days ago, outside the window" "$QUIET" \
    "$(jq -r '.webhooks[] | select(.name == "quiet") | .last_received_at' "$T/resp.body")"
check_eq "... the refused request, its body one request away" "1 400 bad_request $PAGE/rejected/1" \
    "$(jq -r '.rejected | "\(length) \(.[0].http_status) \(.[0].error) \(.[0].raw_url)"' "$T/resp.body")"
page "$PAGE?format=json" -H "Authorization: Bearer $PAGE_PASS"
check_eq "?format=json with the password as a bearer: 200 JSON" "200 6" "$CODE $(jq .stats.events "$T/resp.body" 2>/dev/null)"
page "$PAGE" -H "Authorization: Bearer $PAGE_PASS"
check_eq "the page: 200" 200 "$CODE"
header_matches "... HTML" Content-Type '^text/html; charset=utf-8'
header_matches "... a Content-Security-Policy without scripts" Content-Security-Policy "^default-src 'none'; style-src 'unsafe-inline'"
header_matches "... nosniff" X-Content-Type-Options '^nosniff$'
page "$PAGE/rejected/1" -H "Authorization: Bearer $PAGE_PASS"
check_eq "the raw body: 200, byte for byte" "200 $REFUSED" "$CODE $(cat "$T/resp.body")"
header_matches "... as text/plain" Content-Type '^text/plain; charset=utf-8'
header_matches "... nosniff" X-Content-Type-Options '^nosniff$'
header_matches "... sandboxed" Content-Security-Policy 'sandbox'
page "$PAGE/rejected/1"
check_eq "the raw body without the password: 401" 401 "$CODE"
page "/receive/callback" -H "Authorization: Bearer $SECRET"
check_eq "the webhooks still answer JSON beside the page" "200 true" "$CODE $(jq .ok "$T/resp.body" 2>/dev/null)"

# ---------------------------------------------------------------- headless Chromium
# start_chromedriver: chromedriver on a free loopback port; CD_PID, CD_PORT, WD set. 1 when it
# does not answer within 10 s.
start_chromedriver() {
    CD_PORT=$(free_port) || return 1
    chromedriver --port="$CD_PORT" --allowed-ips=127.0.0.1 --log-path="$T/chromedriver.log" \
        >> "$T/chromedriver.out" 2>&1 &
    CD_PID=$!
    STARTED_PIDS+=("$CD_PID")
    WD="http://127.0.0.1:$CD_PORT"
    for _ in $(seq 1 100); do
        curl -s --max-time 1 "$WD/status" 2>/dev/null | jq -e '.value.ready' > /dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
start_chromedriver ||
    die "chromedriver answers on port $CD_PORT" "$(tail -n 5 "$T/chromedriver.out" "$T/chromedriver.log" 2>/dev/null | tr '\n' ' ')"
ok "chromedriver answers (port $CD_PORT)"

# wd METHOD PATH [JSON]: one WebDriver call; the answer's .value in $T/wd.json, WD_ERR the error if any
wd() {
    curl -sS --max-time "${WD_TIMEOUT:-60}" -X "$1" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} \
        "$WD$2" > "$T/wd.raw" 2> "$T/wd.err"
    jq '.value' "$T/wd.raw" > "$T/wd.json" 2>/dev/null || echo null > "$T/wd.json"
    WD_ERR=$(jq -r '.value.error // empty' "$T/wd.raw" 2>/dev/null)
}
SID=""
end_session() { [ -n "$SID" ] && wd DELETE "/session/$SID"; SID=""; }
trap 'end_session; cleanup' EXIT

mkdir -p "$T/chrome-profile"
# A browser's first start on a loaded machine can take long: up to 5 tries of 120 s each, a
# second apart (under CI, chromedriver has refused the first request after answering /status).
for attempt in 1 2 3 4 5; do
    WD_TIMEOUT=120 wd POST /session "$(jq -cn --arg dir "$T/chrome-profile" '{capabilities: {alwaysMatch: {
        browserName: "chrome", "goog:chromeOptions": {binary: "/usr/bin/chromium", args: [
          "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          ("--user-data-dir=" + $dir), "--window-size=1100,1400"]}}}}')"
    SID=$(jq -r '.sessionId // empty' "$T/wd.json")
    [ -n "$SID" ] && break
    echo "# session attempt $attempt failed: $(head -c 300 "$T/wd.raw") $(head -c 300 "$T/wd.err")"
    if ! is_running "$CD_PID"; then
        # Seen twice on a loaded machine: chromedriver answered /status, then was gone.
        echo "# chromedriver (PID $CD_PID) ended; its output: $(tail -n 5 "$T/chromedriver.out" "$T/chromedriver.log" 2>/dev/null | tr '\n' ' ')"
        start_chromedriver || echo "# chromedriver did not start again"
    fi
    sleep 1
done
[ -n "$SID" ] || die "headless Chromium session" "$(head -c 500 "$T/wd.raw") $(head -c 300 "$T/wd.err") chromedriver $(is_running "$CD_PID" && echo running || echo "not running"); its output: $(tail -n 5 "$T/chromedriver.out" "$T/chromedriver.log" 2>/dev/null | tr '\n' ' ')"
ok "headless Chromium started ($(jq -r '.capabilities.browserVersion' "$T/wd.json"))"

# cdp COMMAND PARAMS_JSON: a DevTools command through chromedriver
cdp() { wd POST "/session/$SID/goog/cdp/execute" "$(jq -cn --arg c "$1" --argjson p "$2" '{cmd: $c, params: $p}')"; }
# The password as a bearer header on every request the browser makes (Basic in the URL would
# not survive following a link).
cdp Network.enable '{}'
cdp Network.setExtraHTTPHeaders "$(jq -cn --arg a "Bearer $PAGE_PASS" '{headers: {Authorization: $a}}')"
[ -z "$WD_ERR" ] || not_ok "the password set as a header in the browser" "$WD_ERR"

wd POST "/session/$SID/url" "$(jq -cn --arg u "$BASE$PAGE" '{url: $u}')"
[ -z "$WD_ERR" ] || not_ok "the page loads in Chromium" "$WD_ERR"
wd GET "/session/$SID/title"
check_eq "the page loads in Chromium (its title)" "DLR status" "$(jq -r . "$T/wd.json")"

# find CSS -> element id in EL (empty when none); text CSS -> its rendered text
wd_find() {
    wd POST "/session/$SID/element" "$(jq -cn --arg s "$1" '{using: "css selector", value: $s}')"
    EL=$(jq -r 'to_entries[0].value // empty' "$T/wd.json" 2>/dev/null)
    [ -n "$WD_ERR" ] && EL=""
}
text() { wd_find "$1"; if [ -n "$EL" ]; then wd GET "/session/$SID/element/$EL/text"; jq -r . "$T/wd.json"; else echo "(no $1)"; fi; }
attr() { wd_find "$1"; if [ -n "$EL" ]; then wd GET "/session/$SID/element/$EL/attribute/$2"; jq -r . "$T/wd.json"; else echo "(no $1)"; fi; }
count() {
    wd POST "/session/$SID/elements" "$(jq -cn --arg s "$1" '{using: "css selector", value: $s}')"
    jq 'length' "$T/wd.json"
}
# has DESC CSS FIXED_STRING: the element's rendered text contains the string
has() {
    local got; got=$(text "$2")
    if printf '%s' "$got" | grep -qF -- "$3"; then ok "$1"
    else not_ok "$1" "the text of $2 lacks [$3]: $(printf '%s' "$got" | head -c 400 | tr '\n' '|')"; fi
}

check_eq "rendered: DLRs in the window" 6 "$(text '#total-events')"
check_eq "rendered: delivered" 4 "$(text '#total-delivered')"
check_eq "rendered: failed" 1 "$(text '#total-failed')"
check_eq "rendered: pending" 1 "$(text '#total-pending')"
check_eq "rendered: delivery rate" "80.0%" "$(text '#delivery-rate')"
check_eq "the hourly chart has 48 bars" 48 "$(count 'svg.chart g.hour')"
check_eq "... the bar of 2 hours ago holds the pending DLR" "1 0 0" \
    "$(attr "g.hour[data-hour=\"$H2\"]" data-pending) $(attr "g.hour[data-hour=\"$H2\"]" data-delivered) $(attr "g.hour[data-hour=\"$H2\"]" data-failed)"
check_eq "... drawn: one pending rect in it" 1 "$(count "g.hour[data-hour=\"$H2\"] rect.pending")"
check_eq "the stale webhook is marked" "old" "$(attr '#webhooks tr.stale' data-webhook)"
has "... with its badge" '#webhooks tr.stale' "stale"
check_eq "the fresh webhook is not" "sms" "$(attr '#webhooks tr.ok' data-webhook)"
check_eq "the webhook quiet for 5 days is marked stale" "stale" "$(attr '#webhooks tr[data-webhook="quiet"]' class)"
check_eq "... and shows when its last DLR came" "$QUIET_SHOWN" "$(text '#webhooks tr[data-webhook="quiet"] td.last')"
has "delivery rate by provider: Airtel" '#providers' "Airtel 2 1 1 0 50.0%"
has "delivery rate by provider: Jio" '#providers' "Jio 2 1 0 1 100.0%"
has "delivery rate by location: Delhi" '#locations' "Delhi 2 1 1 0 50.0%"
has "the status breakdown" '#statuses' "UNDELIV failed 1 16.7%"
has "the refused request is listed" '#rejected' "400 bad_request"
has "... with its reason" '#rejected' "the body is not valid JSON"
has "a hostile provider is shown as text" '#providers' "$HOSTILE_PROVIDER"
has "a hostile location is shown as text" '#locations' "$HOSTILE_LOCATION"
check_eq "... and made no element (no img, no script)" "0 0" "$(count 'img') $(count 'script')"
wd GET "/session/$SID/alert/text"
check_eq "... and opened no dialog" "no such alert" "$WD_ERR"

# A phone's screen: nothing wider than it.
cdp Emulation.setDeviceMetricsOverride '{"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true}'
wd POST "/session/$SID/refresh" '{}'
cdp Runtime.evaluate '{"expression": "document.documentElement.scrollWidth + \" \" + window.innerWidth", "returnByValue": true}'
read -r SW IW <<< "$(jq -r '.result.value // "?"' "$T/wd.json")"
if [ "${SW:-x}" = "${IW:-y}" ]; then ok "on a 390-pixel phone screen the page is no wider than the screen ($SW)"
else not_ok "on a 390-pixel phone screen the page is no wider than the screen" "scrollWidth $SW, innerWidth $IW"; fi
cdp Page.captureScreenshot '{"format": "png", "captureBeyondViewport": true}'
jq -r '.data // empty' "$T/wd.json" | base64 -d > "$ARTIFACTS/dashboard-phone.png" 2>/dev/null
cdp Emulation.clearDeviceMetricsOverride '{}'
cdp Emulation.setDeviceMetricsOverride '{"width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": false}'
wd POST "/session/$SID/refresh" '{}'
cdp Page.captureScreenshot '{"format": "png", "captureBeyondViewport": true}'
jq -r '.data // empty' "$T/wd.json" | base64 -d > "$ARTIFACTS/dashboard.png" 2>/dev/null
for f in dashboard.png dashboard-phone.png; do
    if [ "$(head -c 8 "$ARTIFACTS/$f" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
        ok "screenshot kept: $ARTIFACTS/$f ($(wc -c < "$ARTIFACTS/$f") bytes)"
    else
        not_ok "screenshot kept: $ARTIFACTS/$f" "not a PNG: $(head -c 200 "$T/wd.raw")"
    fi
done

# One click to the raw body.
wd_find '#rejected a'
if [ -n "$EL" ]; then wd POST "/session/$SID/element/$EL/click" '{}'; fi
wd GET "/session/$SID/url"
check_eq "one click on 'raw' opens the refused body" "$BASE$PAGE/rejected/1" "$(jq -r . "$T/wd.json")"
check_eq "... shown as text, byte for byte" "$REFUSED" "$(text 'body')"
end_session

# ---------------------------------------------------------------- no secret anywhere
if grep -rqF -e "$SECRET" -e "$PAGE_PASS" "$T/resp.body" "$T/error.log" "$T/responder.log" "$ARTIFACTS/dashboard.png" 2>/dev/null; then
    not_ok "no secret in any answer or log" "one appears"
else ok "no secret in any answer or log"; fi

# ---------------------------------------------------------------- CGI: loopback only, and off
cgi_page() {  # cgi_page CONFIG REMOTE_ADDR PATH: status line of the CGI answer in CGI_STATUS
    env -i PATH="$PATH" "${SAN_ENV[@]}" REQUEST_METHOD=GET REQUEST_URI="$3" QUERY_STRING= \
        REMOTE_ADDR="$2" GATEWAY_INTERFACE=CGI/1.1 "$BIN" --config "$1" < /dev/null 2>> "$T/cgi.log" |
        tr -d '\r' > "$T/cgi.out"
    CGI_STATUS=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$T/cgi.out" | head -n 1)
    CGI_TYPE=$(sed -n 's/^Content-Type: //p' "$T/cgi.out" | head -n 1)
}
# REMOTE_ADDR is whatever the web server (or anyone who reaches the FastCGI socket) says: a page
# without a password is an explicit choice of the config, and never shows raw bodies.
jq 'del(.dashboard.password)' "$T/config.json" > "$T/nopass.json"
cgi_page "$T/nopass.json" 127.0.0.1 "$PAGE"
check_eq "CGI, no password and no loopback_without_password: the config is refused (500)" 500 "$CGI_STATUS"
if grep -q 'dashboard.password: is required, unless dashboard.loopback_without_password is true' "$T/cgi.log"
then ok "... and the log says why"; else not_ok "... and the log says why" "$(tail -n 2 "$T/cgi.log")"; fi
jq 'del(.dashboard.password) | .dashboard.loopback_without_password = true' "$T/config.json" > "$T/open.json"
cgi_page "$T/open.json" 127.0.0.1 "$PAGE"
check_eq "CGI, no password: loopback gets the page" "200 text/html; charset=utf-8" "$CGI_STATUS $CGI_TYPE"
if grep -q 'id="total-events">6<' "$T/cgi.out"; then ok "... with the same figures"
else not_ok "... with the same figures" "$(grep -o 'id="total-events">[^<]*' "$T/cgi.out")"; fi
cgi_page "$T/open.json" ::1 "$PAGE/data.json"
check_eq "CGI, no password: ::1 gets the JSON" "200 application/json" "$CGI_STATUS $CGI_TYPE"
cgi_page "$T/open.json" 203.0.113.9 "$PAGE"
check_eq "CGI, no password: another address gets 403" 403 "$CGI_STATUS"
cgi_page "$T/open.json" 127.0.0.1 "$PAGE/rejected/1"
check_eq "CGI, no password: loopback never gets a raw body (403)" 403 "$CGI_STATUS"
jq '.dashboard.loopback_without_password = true' "$T/config.json" > "$T/both.json"
cgi_page "$T/both.json" 127.0.0.1 "$PAGE"
check_eq "CGI, password and loopback_without_password: loopback gets the page" 200 "$CGI_STATUS"
cgi_page "$T/both.json" 127.0.0.1 "$PAGE/rejected/1"
check_eq "CGI, password and loopback_without_password: a raw body needs the password (401)" 401 "$CGI_STATUS"
cgi_page "$T/config.json" 127.0.0.1 "$PAGE"
check_eq "CGI, a password without loopback_without_password: loopback needs it too (401)" 401 "$CGI_STATUS"
jq 'del(.dashboard)' "$T/config.json" > "$T/off.json"
cgi_page "$T/off.json" 127.0.0.1 "$PAGE"
check_eq "no dashboard in the config: 404, as any unknown path" "404 application/json" "$CGI_STATUS $CGI_TYPE"

echo "# dashboard test took $(( $(date +%s) - START ))s"
finish

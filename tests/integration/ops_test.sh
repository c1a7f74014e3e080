#!/usr/bin/env bash
# Operability behind nginx + spawn-fcgi -F 4 multi-threaded responders:
#   1. refused requests leave one line each in nginx's error log, with the cause, webhook, remote
#      address and nginx's request id, and never the secret;
#   2. /dlr/metrics: Prometheus text whose counts match the requests sent, the same whichever of
#      the 4 processes answers the scrape; refused to a non-loopback address without the secret;
#   3. /dlr/health: 200, 503 while the SQLite file is gone, 200 again once it is back;
#   4. SIGHUP: a new webhook, a rotated secret and a JSON log file take effect; an invalid config
#      keeps the old one and says why; reloads under load (each opening new stores) lose nothing;
#   5. the shipped nginx snippet passes `nginx -t`.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3 jq
make_tmp

SECRET="ops-Secret-1"
SECRET2="ops-Secret-2"
MSECRET="metrics-Secret-9"
DB="$T/dlr.sqlite"

# write_config [BUSY_TIMEOUT_MS] [EXTRA_WEBHOOK_JSON] [EXTRA_TOP_LEVEL_JSON]
write_config() {
    local busy=${1:-5000} extra_hook=${2:-} extra_top=${3:-}
    cat > "$T/config.json.new" <<JSON
{
  "database": "$DB",
  "busy_timeout_ms": $busy,
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "secrets": ["$SECRET"]}$extra_hook
  ],
  "metrics": {"path": "/dlr/metrics", "secrets": ["$MSECRET"], "loopback_without_password": true},
  "health": {"path": "/dlr/health"}$extra_top
}
JSON
    mv "$T/config.json.new" "$T/config.json"
}
write_config
init_db "$T/config.json"
start_stack
mapfile -t PIDS < <(responder_pids)

# post ID [SECRET] [PATH]: one DLR; prints the status code
post() {
    curl -s -o /dev/null --max-time 30 -w '%{http_code}' -H 'Content-Type: application/json' \
        -H "Authorization: Bearer ${2:-$SECRET}" \
        --data-binary "{\"id\": \"$1\", \"status\": \"DELIVRD\"}" "$BASE${3:-/receive/callback}"
}

# ------------------------------------------------------------------ 1. log lines
: > "$T/error.log.mark"
req POST /receive/callback -H 'Authorization: Bearer wrong-Secret' -H 'Content-Type: application/json' \
    --data-binary '{"id": "log-1", "status": "DELIVRD"}'
check_eq "a wrong secret is answered 401" 401 "$CODE"
req POST /receive/callback -H "Authorization: Bearer $SECRET" -H 'Content-Type: application/json' \
    --data-binary '{"id": "log-2", "body-marker": '
check_eq "a broken body is answered 400" 400 "$CODE"
sleep 0.3
line401=$(grep 'refused (unauthorized)' "$T/error.log" | tail -n 1)
if printf '%s' "$line401" | grep -Eq 'webhook=sms remote=127\.0\.0\.1 method=POST path=/receive/callback request_id=[0-9a-f]{32}'; then
    ok "the 401 is one line in nginx's error log with webhook, remote and nginx's request id"
else
    not_ok "the 401 is logged with its context" "line: [$line401]"
fi
if grep 'refused (bad_request)' "$T/error.log" | grep -Eq 'webhook=sms .*request_id=[0-9a-f]{32}'; then
    ok "the 400 is logged with its cause and request id"
else
    not_ok "the 400 is logged with its cause and request id" "$(grep -c refused "$T/error.log") refused lines"
fi
check_eq "no secret and no body in nginx's error log" 0 \
    "$(grep -cE "wrong-Secret|$SECRET|body-marker" "$T/error.log")"

# ------------------------------------------------------------------ 2. metrics
# scrape [curl args...]: the exposition into $T/metrics.txt; sets CODE
scrape() {
    CODE=$(curl -s -o "$T/metrics.txt" -D "$T/metrics.hdr" -w '%{http_code}' --max-time 10 "$@" \
        "$BASE/dlr/metrics")
}
# metric SERIES: its value in $T/metrics.txt (empty when absent)
metric() { awk -v s="$1" '$1 == s { print $2 }' "$T/metrics.txt"; }

scrape
check_eq "metrics from loopback: 200" 200 "$CODE"
ctype=$(tr -d '\r' < "$T/metrics.hdr" | awk -F': ' 'tolower($1) == "content-type" { print $2 }')
check_eq "metrics Content-Type" "text/plain; version=0.0.4; charset=utf-8" "$ctype"
bad=$(grep -vE '^(# (HELP|TYPE) .*|[a-z_]+(\{[a-z]+="[^"]*"\})? [0-9][0-9.e+-]*)$' "$T/metrics.txt" | head -n 3)
check_eq "every line of the exposition is a comment or a sample" "" "$bad"
base200=$(metric 'dlr_webhook_requests_total{code="200"}')
base401=$(metric 'dlr_webhook_requests_total{code="401"}')
base_stored=$(metric dlr_webhook_dlrs_stored_total)
check_eq "the 401 and 400 above are counted" "1 1 1" \
    "$base401 $(metric 'dlr_webhook_requests_total{code="400"}') $(metric dlr_webhook_rejected_total)"

for i in $(seq 1 20); do post "m-$i" > /dev/null; done
for i in 1 2 3; do post "m-$i" > /dev/null; done            # duplicates
post m-x wrong > /dev/null; post m-y wrong > /dev/null     # 401
curl -s -o /dev/null -H "Authorization: Bearer $SECRET" --data-binary '{"id":"u","status":"UNDELIV"}' \
    -H 'Content-Type: application/json' "$BASE/receive/callback"

same=1
for n in $(seq 1 8); do   # 8 scrapes: each may reach another of the 4 processes
    scrape
    cp "$T/metrics.txt" "$T/metrics.$n"
    [ "$n" -gt 1 ] && ! cmp -s "$T/metrics.1" "$T/metrics.$n" && same=0
done
check_eq "8 scrapes over 4 processes give the same counts" 1 "$same"
check_eq "requests answered 200 counted (20 new + 3 duplicates + 1)" $((base200 + 24)) \
    "$(metric 'dlr_webhook_requests_total{code="200"}')"
check_eq "requests answered 401 counted" $((base401 + 2)) "$(metric 'dlr_webhook_requests_total{code="401"}')"
check_eq "DLRs stored" $((base_stored + 21)) "$(metric dlr_webhook_dlrs_stored_total)"
check_eq "duplicates" 3 "$(metric dlr_webhook_dlrs_duplicate_total)"
check_eq "DLRs by status DELIVRD, UNDELIV" "23 1" \
    "$(metric 'dlr_webhook_dlrs_total{status="DELIVRD"}') $(metric 'dlr_webhook_dlrs_total{status="UNDELIV"}')"
check_eq "commit latency histogram: count = +Inf bucket = acknowledged DLR requests" "24 24" \
    "$(metric dlr_webhook_commit_seconds_count) $(metric 'dlr_webhook_commit_seconds_bucket{le="+Inf"}')"
sql_eq "the database agrees with dlrs_stored" "SELECT count(*) FROM dlr_events;" \
    "$(metric dlr_webhook_dlrs_stored_total)"

scrape --interface 127.0.0.2
check_eq "metrics from 127.0.0.2 without the secret: 401" 401 "$CODE"
scrape --interface 127.0.0.2 -H "Authorization: Bearer $MSECRET"
check_eq "metrics from 127.0.0.2 with the metrics secret: 200" 200 "$CODE"
check_eq "the metrics secret is in no log" 0 "$(cat "$T/error.log" "$T/responder.log" | grep -c "$MSECRET")"
# Failed logins are slowed per address (per process: 5 failures in a minute, then 429 with
# Retry-After); another address is not. 4 processes share the requests: 60 tries reach each.
got429=""
for i in $(seq 1 60); do
    scrape --interface 127.0.0.3 -H "Authorization: Bearer wrong-$i"
    if [ "$CODE" = 429 ]; then got429=$i; break; fi
done
if [ -n "$got429" ] && [ "$got429" -gt 5 ]; then ok "failed metrics logins from 127.0.0.3: 429 after $((got429 - 1)) failures"
else not_ok "failed metrics logins from 127.0.0.3: 429 after more than 5 failures" "429 at try [$got429]"; fi
ra=$(tr -d '\r' < "$T/metrics.hdr" | awk -F': ' 'tolower($1) == "retry-after" { print $2 }')
check_eq "... with Retry-After: 60" 60 "$ra"
scrape --interface 127.0.0.2 -H "Authorization: Bearer $MSECRET"
check_eq "... while 127.0.0.2 with the secret still gets 200" 200 "$CODE"

# ------------------------------------------------------------------ 3. health
# (curl, not req: req counts rows with sqlite3, which would create an empty file at $DB)
health() {
    CODE=$(curl -sS --max-time 20 -o "$T/resp.body" -D "$T/resp.hdr" -w '%{http_code}' \
        "$BASE/dlr/health" 2>"$T/curl.err")
    REQ_DESC="GET /dlr/health"
}
health
# The schema version this build creates (common/store/store.h).
SCHEMA_VERSION=$(sed -n 's/^inline constexpr int kSchemaVersion = \([0-9]*\);.*/\1/p' "$ROOT/common/store/store.h")
answer "health: 200 while the database answers" 200 '.ok == true' ".schema_version == ${SCHEMA_VERSION:-unknown}"
mv "$DB" "$DB.away"
health
err_answer "health: 503 once the database file is gone" 503 unavailable
header_matches "health 503 has Retry-After" Retry-After '^[0-9]+$'
mv "$DB.away" "$DB"
health
answer "health: 200 again once the file is back" 200 '.ok == true'
grep -q 'health: the database does not answer' "$T/error.log" \
    && ok "the 503's cause is in nginx's error log" \
    || not_ok "the 503's cause is in nginx's error log" "no such line"

# ------------------------------------------------------------------ 4. reload
hup() { local p; for p in "${PIDS[@]}"; do kill -HUP "$p"; done; }
# until_all_answer CODE N CMD...: CMD (printing a status) gives CODE N times in a row, within 10 s
until_all_answer() {
    local want=$1 n=$2 run=0 i; shift 2
    for i in $(seq 1 200); do
        if [ "$("$@")" = "$want" ]; then run=$((run + 1)); [ $run -ge "$n" ] && return 0; else run=0; fi
        sleep 0.05
    done
    return 1
}

check_eq "before the reload: the second webhook does not exist" 404 "$(post r-0 "$SECRET2" /second)"
write_config 5000 ",
    {\"name\": \"second\", \"path\": \"/second\", \"secrets\": [\"$SECRET2\"]}" ",
  \"log\": {\"level\": \"info\", \"format\": \"json\", \"destination\": \"file\", \"file\": \"$T/dlr.json.log\"}"
hup
if until_all_answer 200 12 post "r-$RANDOM$RANDOM" "$SECRET2" /second; then
    ok "after SIGHUP every process answers the new webhook with its new secret"
else
    not_ok "after SIGHUP the new webhook answers" "last answer $(post r-last "$SECRET2" /second)"
fi
check_eq "the first webhook still answers" 200 "$(post r-1)"
post r-2 "$SECRET" /second > "$T/code"
check_eq "the new webhook refuses the other webhook's secret" 401 "$(cat "$T/code")"
sleep 0.2
if jq -e -s 'map(select(.message == "refused (unauthorized): wrong bearer secret" and .webhook == "second"
                       and (.request_id | test("^[0-9a-f]{32}$")))) | length >= 1' \
        "$T/dlr.json.log" >/dev/null 2>&1; then
    ok "log.destination file + format json: the refusal is a JSON line in the new log file"
else
    not_ok "the reloaded log settings take effect" "file: $(head -c 300 "$T/dlr.json.log" 2>&1)"
fi
jq -e -s 'map(select(.level == "info" and (.message | startswith("stored 1")))) | length >= 1' \
    "$T/dlr.json.log" >/dev/null 2>&1 \
    && ok "log.level info: stored DLRs are logged too" \
    || not_ok "log.level info: stored DLRs are logged too" "no info line"

cp "$T/config.json" "$T/config.good"
printf '{"database": "%s", "webhooks": [{"name": "sms", "secrets": ["x"]}], "typo_key": 1}\n' "$DB" \
    > "$T/config.json"
hup
for i in $(seq 1 100); do
    n=$(grep -c 'reload failed, keeping the previous config: invalid config .*typo_key: unknown key' "$T/dlr.json.log")
    [ "$n" -ge 4 ] && break
    sleep 0.1
done
check_eq "an invalid config on SIGHUP: each of the 4 processes logs why" 4 "$n"
check_eq "an invalid config keeps the old one (second webhook still answers)" 200 \
    "$(post r-3 "$SECRET2" /second)"
# A log file that cannot be opened is refused the same way.
write_config 5000 "" ",
  \"log\": {\"destination\": \"file\", \"file\": \"$T/no/such/dir/x.log\"}"
hup
for i in $(seq 1 100); do
    n=$(grep -c 'reload failed, keeping the previous config: .*log.file: cannot open the log file' "$T/dlr.json.log")
    [ "$n" -ge 4 ] && break
    sleep 0.1
done
check_eq "a log file that cannot be opened on SIGHUP: each process logs why and keeps the old config" \
    "4 200" "$n $(post r-4 "$SECRET2" /second)"
cp "$T/config.good" "$T/config.json"

# Reloads under load: 4 clients post unique DLRs while each process reloads 6 times, with a
# busy_timeout_ms that changes each time (new stores every time; the old ones drain).
mkdir -p "$T/load"
workers=()
for w in 1 2 3 4; do
    ( for i in $(seq 1 150); do id="load-$w-$i"; echo "$id $(post "$id")"; done > "$T/load/$w" ) &
    workers+=($!)
done
for k in 1 2 3 4 5 6; do
    sleep 0.3
    write_config $((4000 + k)) ",
    {\"name\": \"second\", \"path\": \"/second\", \"secrets\": [\"$SECRET2\"]}"
    hup
done
for w in "${workers[@]}"; do wait "$w"; done
others=$(cat "$T"/load/* | awk '$2 != 200 { print $2 }' | sort | uniq -c | tr '\n' ' ')
check_eq "600 requests during 6 reloads: every one answered 200" "" "$others"
answered=$(cat "$T"/load/* | awk '$2 == 200' | wc -l)
check_eq "every DLR answered 200 is stored exactly once" "$answered 0" \
    "$(sql "SELECT count(DISTINCT id) FROM dlr_events WHERE id LIKE 'load-%';") $(sql "SELECT count(*) FROM (SELECT id FROM dlr_events WHERE id LIKE 'load-%' GROUP BY id HAVING count(*) > 1);")"
alive=0
for p in "${PIDS[@]}"; do is_running "$p" && alive=$((alive + 1)); done
check_eq "all 4 responders still run" 4 "$alive"
sql_eq "PRAGMA integrity_check = ok" "PRAGMA integrity_check;" ok

# ------------------------------------------------------------------ 5. the nginx snippet
cp /etc/nginx/fastcgi_params "$T/fastcgi_params"   # the snippet includes it relative to nginx.conf
cat > "$T/snippet.conf" <<CONF
pid $T/snippet.pid;
error_log $T/snippet.err;
events {}
http {
    access_log off;
    client_body_temp_path $T/client_body_temp;
    server { listen 127.0.0.1:$(free_port); include $ROOT/nginx/dlr-webhook.conf; }
}
CONF
out=$("$NGINX_BIN" -t -p "$T/" -c "$T/snippet.conf" 2>&1); rc=$?
check_eq "nginx -t accepts the shipped snippet (nginx/dlr-webhook.conf)" 0 "$rc"
[ "$rc" -eq 0 ] || echo "# $out"
finish

#!/usr/bin/env bash
# dlr-webhook through the real nginx + spawn-fcgi (FastCGI), one or more checks for every row of
# the contract's "Requests and answers" table, with the database effect of each request.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3 jq od
make_tmp

SECRET="1233XXX"            # the seed's secret
SECRET2="rotated-Secret-2"  # second secret of the rotation list
KEY="9012XX"                # the seed's validation key
AUTH="Authorization: Bearer $SECRET"
JSON="Content-Type: application/json"
FORM="Content-Type: application/x-www-form-urlencoded"
DB="$T/dlr.sqlite"

cat > "$T/config.json" <<EOF
{
  "database": "$DB",
  "max_body_bytes": 1024,
  "busy_timeout_ms": 300,
  "webhooks": [
    {
      "name": "sms",
      "path": "/receive/callback",
      "validation_key": "$KEY",
      "secrets": ["$SECRET", "$SECRET2"]
    },
    {
      "name": "composed",
      "path": "/ack/composed",
      "validation_key": "compose-KEY",
      "secrets": ["$SECRET"],
      "fields": {"id": "message_id", "status": "message_status", "mobile": "mobile_number"}
    },
    {
      "name": "open",
      "path": "/open/dlr"
    }
  ]
}
EOF

init_db "$T/config.json"
start_stack

# ------------------------------------------------------------------ verification (handshake)
req POST "/receive/callback?token=$KEY" -H "authorization: Bearer $SECRET" -H "$JSON" \
    --data-binary @"$DATA/platform_verify.json"
answer "seed verification POST ?token=KEY (JSON with trailing comma, bearer) -> 200 challenge + validation_key" 200 \
    '.challenge == "a234qwe"' ".validation_key == \"$KEY\""
delta "verification stores nothing" 0 0 0

req GET "/receive/callback?token=$KEY&challenge=q-challenge-77" -H "$AUTH"
answer "GET ?token=KEY&challenge=... -> 200 echoes the query challenge" 200 \
    '.challenge == "q-challenge-77"' ".validation_key == \"$KEY\""
delta "GET verification stores nothing" 0 0 0

req POST "/receive/callback?token=$KEY" -H "$AUTH" -H "$FORM" --data-binary 'validation_key=x&challenge=form-ch-1'
answer "POST ?token=KEY with form body challenge -> 200 echoes it" 200 \
    '.challenge == "form-ch-1"' ".validation_key == \"$KEY\""
delta "form verification stores nothing" 0 0 0

req POST "/receive/callback?token=9012xx" -H "$AUTH" -H "$JSON" --data-binary @"$DATA/platform_verify.json"
err_answer "token differing only in case -> 403 forbidden" 403 forbidden
delta "403 (wrong token) stores nothing" 0 0 0

req GET "/receive/callback?token=nope&challenge=c1" -H "$AUTH"
err_answer "GET with a wrong token -> 403 forbidden" 403 forbidden
delta "403 (GET wrong token) stores nothing" 0 0 0

req POST "/receive/callback?token=$KEY" -H "$JSON" --data-binary @"$DATA/platform_verify.json"
err_answer "verification request without the bearer -> 401 (bearer checked before the token)" 401 unauthorized
if grep -q "$KEY" "$T/resp.body"; then not_ok "401 verification answer does not reveal the validation key" "$(body_short)"
else ok "401 verification answer does not reveal the validation key"; fi
delta "401 verification stores nothing" 0 0 0

req GET "/open/dlr?token=$KEY&challenge=c2"
err_answer "token on a webhook without validation_key -> 403 forbidden" 403 forbidden
delta "403 (no validation_key) stores nothing" 0 0 0

# ------------------------------------------------------------------ the platform's DLR example
EX_ID="b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1"
req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$DATA/platform_example.json"
answer "platform DLR example verbatim (trailing comma, string and number values) -> 200 stored 1" 200 \
    '.ok == true' '.stored == 1' '.duplicates == 0'
delta "platform example stored as one event and one message" 1 1 0
sql_eq "example: text fields stored exactly" \
    "SELECT id||'|'||mobile||'|'||status||'|'||deliv_time||'|'||sent_time||'|'||submit_time||'|'||cid||'|'||custom||'|'||custom1||'|'||custom2||'|'||location||'|'||region||'|'||provider||'|'||location_code||'|'||region_code||'|'||provider_code||'|'||webhook FROM dlr_events WHERE id='$EX_ID';" \
    "$EX_ID|918921269xxx|DELIVRD|2021-04-09 16:27:51|2021-04-09 16:27:35|2021-04-09 16:27:39|1234444XXXX|9882XXXX|campaign-3344|new-campXXX|India|Bangalore|Jio|in|KA|RJ|sms"
sql_eq "example: numeric fields kept (credits \"2.0000\" string, units 2 number)" \
    "SELECT (credits + 0 = 2)||'|'||(units + 0 = 2) FROM dlr_events WHERE id='$EX_ID';" "1|1"
sql_eq "example: raw is the request body byte for byte" \
    "SELECT hex(raw) FROM dlr_events WHERE id='$EX_ID';" "$(hexof < "$DATA/platform_example.json")"
RA=$(sql "SELECT received_at FROM dlr_events WHERE id='$EX_ID';")
if printf '%s' "$RA" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'; then
    ok "example: received_at is a UTC timestamp ($RA)"
else not_ok "example: received_at is a UTC timestamp" "got [$RA]"; fi
sql_eq "example: dlr_messages row DELIVRD final=1 delivered=1" \
    "SELECT status||'|'||final||'|'||delivered||'|'||deliv_time FROM dlr_messages WHERE id='$EX_ID';" \
    "DELIVRD|1|1|2021-04-09 16:27:51"

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$DATA/platform_example.json"
answer "same platform example again -> 200 stored 0 duplicates 1" 200 '.ok == true' '.stored == 0' '.duplicates == 1'
delta "duplicate stores nothing" 0 0 0
sql_eq "duplicate: still exactly one event row for the id" "SELECT count(*) FROM dlr_events WHERE id='$EX_ID';" 1

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$DATA/platform_push_example.json"
answer "the other seed page's example (same id/status/deliv_time, other fields) -> duplicate" 200 \
    '.ok == true' '.stored == 0' '.duplicates == 1'
delta "duplicate by (id, status, deliv_time) stores nothing" 0 0 0

req POST /receive/callback -H "$JSON" -H "$AUTH" \
    --data-binary '{"id": "num-1", "status": "DELIVRD", "credits": 2.5, "units": 3, "deliv_at": 1701086585, "deliv_time": "2021-04-09 16:27:51"}'
answer "DLR with numbers as JSON numbers -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "numbers-as-numbers DLR stored" 1 1 0
sql_eq "numbers kept (credits 2.5, units 3, deliv_at 1701086585)" \
    "SELECT (credits + 0 = 2.5)||'|'||(units + 0 = 3)||'|'||(deliv_at + 0 = 1701086585) FROM dlr_events WHERE id='num-1';" "1|1|1"

# ------------------------------------------------------------------ arrays (all or nothing)
req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$DATA/array3.json"
answer "JSON array of 3 DLRs -> 200 stored 3" 200 '.ok == true' '.stored == 3' '.duplicates == 0'
delta "array: 3 events, 3 messages" 3 3 0
RAW2=$(sql "SELECT raw FROM dlr_events WHERE id='arr-2';")
if printf '%s' "$RAW2" | jq -e '.id == "arr-2" and .unknown_extra.kept == true' >/dev/null 2>&1 \
   && ! printf '%s' "$RAW2" | grep -q 'arr-1\|arr-3'; then
    ok "array: each row's raw is its own element (unknown fields kept)"
else not_ok "array: each row's raw is its own element (unknown fields kept)" "raw of arr-2 is [$RAW2]"; fi
sql_eq "array: dlr_messages final/delivered per status (DELIVRD, UNDELIV, AWAITING-DLR)" \
    "SELECT group_concat(id||':'||status||':'||final||':'||delivered, ',') FROM (SELECT * FROM dlr_messages WHERE id LIKE 'arr-%' ORDER BY id);" \
    "arr-1:DELIVRD:1:1,arr-2:UNDELIV:1:0,arr-3:AWAITING-DLR:0:0"

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$DATA/array_missing_status.json"
err_answer "array whose 3rd element lacks status -> 422 invalid_dlr" 422 invalid_dlr
delta "422 array: none of the 3 stored, one dlr_rejected row" 0 0 1
sql_eq "422 array: the valid elements are not in dlr_events" "SELECT count(*) FROM dlr_events WHERE id LIKE 'bad-arr-%';" 0
sql_eq "422 array: dlr_rejected keeps the raw body, status 422, webhook" \
    "SELECT (hex(raw) = '$(hexof < "$DATA/array_missing_status.json")')||'|'||http_status||'|'||webhook FROM dlr_rejected ORDER BY seq DESC LIMIT 1;" \
    "1|422|sms"

# ------------------------------------------------------------------ Compose Webhook: form, query, custom keys
req POST /ack/composed -H "$FORM" -H "$AUTH" --data-binary @"$DATA/compose_form.txt"
answer "form body with customer key names (fields mapping) -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "form DLR stored" 1 1 0
sql_eq "form DLR: mapped and url-decoded values stored exactly" \
    "SELECT id||'|'||status||'|'||mobile||'|'||deliv_time||'|'||custom||'|'||webhook FROM dlr_events WHERE id='form-1';" \
    "form-1|DELIVRD|919812345678|2021-04-09 16:27:51|order #991|composed"

req GET "/ack/composed?message_id=query-1&mobile_number=919811111111&message_status=UNDELIV&deliv_time=2021-04-10%2010%3A00%3A00" -H "$AUTH"
answer "GET with the DLR in query parameters (customer key names) -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "query DLR stored" 1 1 0
sql_eq "query DLR: dlr_messages UNDELIV final=1 delivered=0" \
    "SELECT status||'|'||final||'|'||delivered||'|'||webhook FROM dlr_messages WHERE id='query-1';" "UNDELIV|1|0|composed"

req PUT /receive/callback -H "$JSON" -H "$AUTH" \
    --data-binary '{"id": "put-1", "mobile": "919822222222", "status": "EXPIRED", "deliv_time": "2021-04-10 11:00:00"}'
answer "PUT with a JSON DLR -> 200 stored 1" 200 '.ok == true' '.stored == 1' '.duplicates == 0'
delta "PUT DLR stored" 1 1 0

# ------------------------------------------------------------------ pings
req GET /receive/callback -H "$AUTH"
answer "empty-body GET, no token, bearer ok -> 200 {\"ok\":true}" 200 '.ok == true' '(.stored // 0) == 0'
delta "ping stores nothing" 0 0 0

req POST /receive/callback -H "$AUTH" --data-binary ''
answer "empty-body POST, no token -> 200 {\"ok\":true}" 200 '.ok == true' '(.stored // 0) == 0'
delta "empty POST stores nothing" 0 0 0

req GET /open/dlr
answer "ping on a webhook without secrets needs no bearer -> 200 {\"ok\":true}" 200 '.ok == true'
delta "open ping stores nothing" 0 0 0

req POST /open/dlr -H "$JSON" --data-binary '{"id": "open-1", "status": "DELIVRD"}'
answer "DLR on a webhook without secrets, no Authorization -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "open DLR stored" 1 1 0

# ------------------------------------------------------------------ authentication
DLR_AUTH='{"id": "auth-1", "status": "DELIVRD", "deliv_time": "2021-04-09 16:27:51"}'
auth_refused() {   # DESC AUTH_HEADER_OR_EMPTY
    if [ -n "$2" ]; then
        req POST /receive/callback -H "$JSON" -H "$2" --data-binary "$DLR_AUTH"
    else
        req POST /receive/callback -H "$JSON" --data-binary "$DLR_AUTH"
    fi
    err_answer "$1 -> 401 unauthorized" 401 unauthorized
    header_matches "$1 -> WWW-Authenticate: Bearer" WWW-Authenticate '^[Bb]earer'
    delta "$1 -> nothing stored" 0 0 0
}
auth_refused "bearer missing" ""
auth_refused "wrong bearer secret" "Authorization: Bearer not-the-secret"
auth_refused "a prefix of the secret" "Authorization: Bearer ${SECRET:0:6}"
auth_refused "the secret plus one extra char" "Authorization: Bearer ${SECRET}X"
auth_refused "the secret in a Basic scheme" "Authorization: Basic $(printf 'u:%s' "$SECRET" | base64)"
auth_refused "empty bearer" "Authorization: Bearer "

req POST /ack/composed -H "$FORM" -H "Authorization: Bearer $SECRET2" --data-binary 'message_id=auth-c&message_status=DELIVRD'
err_answer "another webhook's secret -> 401" 401 unauthorized
delta "401 (other webhook's secret) stores nothing" 0 0 0

req POST /receive/callback -H "$JSON" -H "authorization: bearer $SECRET" --data-binary "$DLR_AUTH"
answer "lowercase scheme 'bearer' accepted -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "lowercase bearer DLR stored" 1 1 0

req POST /receive/callback -H "$JSON" -H "Authorization: Bearer $SECRET2" \
    --data-binary '{"id": "auth-2", "status": "DELIVRD", "deliv_time": "2021-04-09 16:27:51"}'
answer "second secret of the rotation list accepted -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "rotation secret DLR stored" 1 1 0

# ------------------------------------------------------------------ 404, 405
req POST /nope -H "$JSON" -H "$AUTH" --data-binary '{"id": "nf-1", "status": "DELIVRD"}'
err_answer "unknown path -> 404 not_found" 404 not_found
delta "404 stores nothing" 0 0 0

req POST /receive/callbackX -H "$JSON" -H "$AUTH" --data-binary '{"id": "nf-2", "status": "DELIVRD"}'
err_answer "path that only starts like a webhook's -> 404 not_found" 404 not_found
delta "404 (prefix path) stores nothing" 0 0 0

req DELETE /receive/callback -H "$JSON" -H "$AUTH" --data-binary '{"id": "del-1", "status": "DELIVRD"}'
err_answer "DELETE -> 405 method_not_allowed" 405 method_not_allowed
ALLOW=$(header Allow)
if printf '%s' "$ALLOW" | grep -q GET && printf '%s' "$ALLOW" | grep -q POST && printf '%s' "$ALLOW" | grep -q PUT \
   && ! printf '%s' "$ALLOW" | grep -q DELETE; then ok "405 has Allow: GET, POST, PUT ($ALLOW)"
else not_ok "405 has Allow: GET, POST, PUT" "Allow is [$ALLOW]"; fi
delta "405 stores nothing" 0 0 0

req PATCH /receive/callback -H "$JSON" --data-binary '{"id": "patch-1", "status": "DELIVRD"}'
err_answer "PATCH without bearer -> 405 (method checked before bearer)" 405 method_not_allowed
header_matches "PATCH 405 has an Allow header" Allow 'POST'
delta "405 (PATCH) stores nothing" 0 0 0

# ------------------------------------------------------------------ refused before the body is read
# Straight to a responder's FastCGI socket, the body announced (CONTENT_LENGTH 900) but never sent:
# a request refused from its head (401, 404, 405) is answered at once, its body never waited for;
# an authorized one waits for its body (no answer within 2 s).
fcgi_head() {  # fcgi_head NAME TIMEOUT EXPECTED_STATUS [NAME=VALUE...]
    local name=$1 timeout=$2 want=$3 got; shift 3
    got=$(python3 "$ROOT/tests/integration/fcgi_request.py" "$T/dlr.sock" --timeout "$timeout" \
        REQUEST_METHOD=POST REQUEST_URI=/receive/callback REMOTE_ADDR=127.0.0.1 \
        CONTENT_TYPE=application/json CONTENT_LENGTH=900 DLR_WEBHOOK_CONFIG="$T/config.json" "$@" \
        | head -n 1 | tr -d '\r')
    check_eq "$name" "$want" "$got"
}
fcgi_head "FastCGI: no bearer, body never sent -> 401 at once" 3 "Status: 401 Unauthorized"
fcgi_head "FastCGI: wrong bearer, body never sent -> 401 at once" 3 "Status: 401 Unauthorized" \
    HTTP_AUTHORIZATION="Bearer wrong"
fcgi_head "FastCGI: no webhook for the path, body never sent -> 404 at once" 3 "Status: 404 Not Found" \
    REQUEST_URI=/nowhere
fcgi_head "FastCGI: DELETE, body never sent -> 405 at once" 3 "Status: 405 Method Not Allowed" \
    REQUEST_METHOD=DELETE HTTP_AUTHORIZATION="Bearer $SECRET"
fcgi_head "FastCGI: right bearer, body never sent -> waits for the body (no answer in 2 s)" 2 "" \
    HTTP_AUTHORIZATION="Bearer $SECRET"
# Through nginx, a refused request with a body it never read is still answered cleanly.
head -c 1000 /dev/zero | tr '\0' 'x' > "$T/big1000.txt"
for i in 1 2 3 4 5; do
    req POST /receive/callback -H "$JSON" --data-binary @"$T/big1000.txt"
    err_answer "no bearer, 1000-byte body left unread (try $i) -> 401" 401 unauthorized
done

# ------------------------------------------------------------------ paths with dot or empty segments
# nginx picks its location on the normalised path but passes the path as sent (REQUEST_URI): such
# a path is refused (400, JSON) rather than routed to a handler nginx did not choose.
for p in "/receive/x/../callback" "/receive/./callback" "/receive/%2e%2e/receive/callback" \
         "/receive/%2E/callback" "//receive/callback" "/receive//callback" "/ack/composed/../../receive/callback"; do
    req POST "$p" --path-as-is -H "$AUTH" -H "$JSON" --data-binary '{"id": "dot-seg-1", "status": "DELIVRD"}'
    err_answer "--path-as-is $p -> 400 bad_request" 400 bad_request
    delta "$p stores nothing" 0 0 0
done

# ------------------------------------------------------------------ control characters in log lines
# A path carrying terminal escape sequences (ESC, BEL, DEL, the C1 CSI) reaches nginx's error log
# through the responder's log line: every control character is written \xHH there.
req GET "/esc%1B%5D0;owned%07%1B%5B2J%7F%C2%9Bpath" -H "$AUTH"
err_answer "a path with control characters -> 404 not_found" 404 not_found
sleep 0.2
if grep -qF 'path=/esc\x1B]0;owned\x07\x1B[2J\x7F\xC2\x9Bpath' "$T/error.log"; then
    ok "the log line shows the path's control characters as \\xHH"
else not_ok "the log line shows the path's control characters as \\xHH" "$(grep -a 'esc' "$T/error.log" | tail -n 1 | od -c | head -n 3 | tr '\n' ' ')"; fi
if LC_ALL=C grep -q "$(printf '[\033\007\177]')" "$T/error.log" || LC_ALL=C grep -q "$(printf '\302\233')" "$T/error.log"; then
    not_ok "no raw control character in nginx's error log" "$(LC_ALL=C grep -a "$(printf '[\033\007\177]')" "$T/error.log" | head -n 1 | od -c | head -n 2 | tr '\n' ' ')"
else ok "no raw control character in nginx's error log"; fi

# ------------------------------------------------------------------ 413 (max_body_bytes 1024)
padded_dlr() {   # ID TOTAL_LENGTH -> a JSON DLR of exactly that many bytes
    local head="{\"id\": \"$1\", \"status\": \"DELIVRD\", \"custom\": \"" tail='"}' n
    n=$(( $2 - ${#head} - ${#tail} ))
    printf '%s%s%s' "$head" "$(head -c "$n" /dev/zero | tr '\0' 'x')" "$tail"
}
padded_dlr big-1 4000 > "$T/big4000.json"
req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$T/big4000.json"
err_answer "4000-byte body over max_body_bytes 1024 -> 413 too_large" 413 too_large
delta "413 stores nothing" 0 0 0

padded_dlr big-2 1025 > "$T/big1025.json"
req PUT /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$T/big1025.json"
err_answer "1025-byte body (one over the limit) -> 413 too_large" 413 too_large
delta "413 (1025 bytes) stores nothing" 0 0 0

req POST /receive/callback -H "$JSON" -H "$AUTH" -H "Transfer-Encoding: chunked" --data-binary @"$T/big4000.json"
err_answer "4000-byte chunked body (no Content-Length from the client) -> 413 too_large" 413 too_large
delta "413 (chunked) stores nothing" 0 0 0

req POST /receive/callback -H "$JSON" -H "$AUTH" -H "Transfer-Encoding: chunked" \
    --data-binary '{"id": "chunked-1", "status": "DELIVRD", "deliv_time": "2021-04-09 16:27:51"}'
answer "small chunked JSON DLR -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "chunked DLR stored" 1 1 0

padded_dlr size-1024 1024 > "$T/exact1024.json"
req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$T/exact1024.json"
answer "body of exactly max_body_bytes (1024) -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "1024-byte DLR stored" 1 1 0

# ------------------------------------------------------------------ 400 / 422
req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary @"$DATA/garbage.txt"
err_answer "non-JSON garbage with Content-Type application/json -> 400 bad_request" 400 bad_request
delta "400 stores one dlr_rejected row only" 0 0 1
sql_eq "400: dlr_rejected keeps raw body, remote_addr 127.0.0.1, http_status, webhook" \
    "SELECT hex(raw)||'|'||remote_addr||'|'||http_status||'|'||webhook FROM dlr_rejected ORDER BY seq DESC LIMIT 1;" \
    "$(hexof < "$DATA/garbage.txt")|127.0.0.1|400|sms"

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary '{"foo": "bar", "mobile": "919800000099"}'
err_answer "JSON with neither id nor status (no token) -> 422 invalid_dlr" 422 invalid_dlr
delta "422 (no id/status) -> one dlr_rejected row" 0 0 1

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary '{"id": "type-1", "status": {"a": 1}}'
err_answer "status of an impossible type (object) -> 422 invalid_dlr" 422 invalid_dlr
delta "422 (status object) -> one dlr_rejected row" 0 0 1

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary '{"id": true, "status": "DELIVRD"}'
err_answer "id of an impossible type (true) -> 422 invalid_dlr" 422 invalid_dlr
delta "422 (id true) -> one dlr_rejected row" 0 0 1

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary '{"id": "", "status": "DELIVRD"}'
err_answer "empty id -> 422 invalid_dlr" 422 invalid_dlr
delta "422 (empty id) -> one dlr_rejected row" 0 0 1

req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary '{"id": "nostatus-1", "mobile": "919800000098"}'
err_answer "id without status -> 422 invalid_dlr" 422 invalid_dlr
delta "422 (no status) -> one dlr_rejected row" 0 0 1
sql_eq "422 rows recorded with error invalid_dlr" \
    "SELECT count(*) FROM dlr_rejected WHERE http_status = 422 AND error = 'invalid_dlr';" 6

# ------------------------------------------------------------------ message state
post_dlr() { req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary "$1"; }

post_dlr '{"id": "ord-1", "status": "DELIVRD", "deliv_time": "2021-04-09 16:27:51"}'
answer "ord-1 DELIVRD -> stored" 200 '.stored == 1'
post_dlr '{"id": "ord-1", "status": "AWAITING-DLR", "deliv_time": "2021-04-09 16:30:00"}'
answer "ord-1 AWAITING-DLR after DELIVRD -> stored as an event" 200 '.stored == 1'
sql_eq "pending never replaces final: dlr_messages ord-1 stays DELIVRD final=1 delivered=1" \
    "SELECT status||'|'||final||'|'||delivered FROM dlr_messages WHERE id='ord-1';" "DELIVRD|1|1"
sql_eq "ord-1 has 2 rows in dlr_events" "SELECT count(*) FROM dlr_events WHERE id='ord-1';" 2

post_dlr '{"id": "ord-2", "status": "EXPIRED", "deliv_time": "2021-04-10 12:00:00"}'
post_dlr '{"id": "ord-2", "status": "UNDELIV", "deliv_time": "2021-04-10 09:00:00"}'
sql_eq "out of order finals: earlier deliv_time arriving later does not replace (EXPIRED stays)" \
    "SELECT status||'|'||final||'|'||delivered FROM dlr_messages WHERE id='ord-2';" "EXPIRED|1|0"
post_dlr '{"id": "ord-2", "status": "DELIVRD", "deliv_time": "2021-04-10 13:00:00"}'
sql_eq "out of order finals: the latest deliv_time wins (DELIVRD)" \
    "SELECT status||'|'||final||'|'||delivered FROM dlr_messages WHERE id='ord-2';" "DELIVRD|1|1"

post_dlr '{"id": "unk-1", "status": "DLT-SOMETHING-NEW", "deliv_time": "2021-04-10 13:00:00"}'
answer "unknown status value -> accepted, stored 1" 200 '.ok == true' '.stored == 1'
sql_eq "unknown status stored as received, a final failure" \
    "SELECT status||'|'||final||'|'||delivered FROM dlr_messages WHERE id='unk-1';" "DLT-SOMETHING-NEW|1|0"

post_dlr '{"id": "case-A", "status": "DELIVRD"}'
post_dlr '{"id": "CASE-a", "status": "DELIVRD"}'
answer "id differing only in case -> stored, not a duplicate" 200 '.stored == 1' '.duplicates == 0'
sql_eq "ids differing only in case are two messages" \
    "SELECT count(*) FROM dlr_messages WHERE id IN ('case-A', 'CASE-a');" 2

# ------------------------------------------------------------------ 503: SQLite write lock held elsewhere
LOCK_DLR='{"id": "lock-1", "status": "DELIVRD", "deliv_time": "2021-04-11 08:00:00"}'
# (.timeout: should our probe below hold the lock for an instant, the holder waits for it)
(echo '.timeout 3000'; echo 'BEGIN IMMEDIATE;'; sleep 4; echo 'COMMIT;') | sqlite3 "$DB" >/dev/null 2>&1 &
LOCK_PID=$!
STARTED_PIDS+=("$LOCK_PID")
locked=0
for i in $(seq 1 40); do
    if ! sqlite3 "$DB" 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; then locked=1; break; fi
    sleep 0.05
done
if [ $locked = 1 ]; then
    ok "another process holds the SQLite write lock"
    T0=$(date +%s%N)
    post_dlr "$LOCK_DLR"
    T1=$(date +%s%N)
    err_answer "DLR while the database is locked past busy_timeout_ms -> 503 unavailable" 503 unavailable
    header_matches "503 has Retry-After (seconds)" Retry-After '^[0-9]+$'
    delta "503 acknowledges and stores nothing" 0 0 0
    ms=$(( (T1 - T0) / 1000000 ))
    if [ $ms -lt 3500 ]; then ok "503 answered after ${ms} ms (busy_timeout_ms 300, before the lock is released)"
    else not_ok "503 answered before the lock was released" "took ${ms} ms"; fi
else
    not_ok "another process holds the SQLite write lock" "could not observe the lock"
fi
wait "$LOCK_PID" 2>/dev/null
post_dlr "$LOCK_DLR"
answer "same DLR after the lock is gone -> 200 stored 1" 200 '.ok == true' '.stored == 1' '.duplicates == 0'
delta "after the lock: the DLR is stored" 1 1 0

# ------------------------------------------------------------------ logs
leaked=""
for f in "$T/error.log" "$T/responder.log"; do
    [ -f "$f" ] || continue
    grep -q -- "$SECRET\|$SECRET2" "$f" && leaked="$leaked $(basename "$f")"
done
if [ -z "$leaked" ]; then ok "no secret appears in nginx's error log or the responder's stderr"
else not_ok "no secret appears in the logs" "found in:$leaked"; fi

alive=0
for p in $(responder_pids); do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
check_eq "all 4 responder processes still running" 4 "$alive"
sql_eq "PRAGMA integrity_check" "PRAGMA integrity_check;" ok

finish

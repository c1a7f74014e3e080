#!/usr/bin/env bash
# Other platforms' proofs through nginx + spawn-fcgi: each webhook's `verify` scheme signed as its
# platform signs (twilio, standard-webhooks, hmac, telnyx, basic), answered 200 and stored when
# right, 401 and nothing stored when missing, wrong, replayed outside its tolerance or expired;
# Twilio's ErrorCode stored in error_code and its statuses classed by the preset;
# `allow_from` directly and behind a trusted proxy (403, nothing stored); dlrctl check-config
# describes each scheme and shows none of the secrets. The nested presets: an Infobip batch of 3
# behind a bearer secret and behind an hmac, a Telnyx event signed with Ed25519, their rows checked.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3 openssl base64 od
make_tmp

DB="$T/dlr.sqlite"
TWILIO_TOKEN="twilio-Token-77e1"
TWILIO_URL="https://dlr.example.com/twilio"
SW_KEY_B64="MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"   # the Standard Webhooks test suite's secret
HMAC_KEY="hmac-Key-5c2d9a"
SECRET="bearer-Secret-81f0"

# The Telnyx key pair: a fresh Ed25519 key; the config holds the base64 of its raw public key.
openssl genpkey -algorithm ed25519 -out "$T/telnyx.pem" 2>/dev/null ||
    die "openssl genpkey ed25519" "failed"
TELNYX_PUB=$(openssl pkey -in "$T/telnyx.pem" -pubout -outform DER | tail -c 32 | base64)

cat > "$T/config.json" <<JSON
{
  "database": "$DB",
  "trusted_proxies": ["127.0.0.1"],
  "webhooks": [
    {"name": "twilio", "path": "/twilio", "provider": "twilio", "public_url": "$TWILIO_URL",
     "verify": {"auth_tokens": ["$TWILIO_TOKEN"]},
     "fields": {"id": "MessageSid", "status": "MessageStatus"}},
    {"name": "sw", "path": "/sw",
     "verify": {"scheme": "standard-webhooks", "secrets": ["whsec_$SW_KEY_B64"], "tolerance_seconds": 300}},
    {"name": "hmac", "path": "/hmac",
     "verify": {"scheme": "hmac", "header": "X-Hub-Signature-256", "algorithm": "sha256",
                "encoding": "hex", "prefix": "sha256=", "secrets": ["$HMAC_KEY"]}},
    {"name": "telnyx", "path": "/telnyx", "provider": "telnyx",
     "verify": {"public_keys": ["$TELNYX_PUB"], "tolerance_seconds": 300}},
    {"name": "infobip", "path": "/infobip", "provider": "infobip", "secrets": ["$SECRET"]},
    {"name": "infobip-hmac", "path": "/infobip-hmac", "provider": "infobip",
     "verify": {"scheme": "hmac", "header": "X-Signature", "algorithm": "sha256",
                "encoding": "base64", "secrets": ["$HMAC_KEY"]}},
    {"name": "basic", "path": "/basic",
     "verify": {"scheme": "basic", "users": [{"user": "kannel", "password": "basic-Pass-4411"}]}},
    {"name": "allowed", "path": "/allowed", "secrets": ["$SECRET"], "allow_from": ["192.0.2.0/24"]}
  ]
}
JSON
init_db "$T/config.json"

# ------------------------------------------------------------------ check-config
out=$("$CTL" check-config --config "$T/config.json" 2>&1); rc=$?
check_eq "check-config accepts the config" 0 "$rc"
for want in "webhook twilio: provider twilio, verify twilio (1 auth token), public_url $TWILIO_URL" \
            "webhook sw: provider mobtexting, verify standard-webhooks (1 secret, tolerance 300 s)" \
            "webhook hmac: provider mobtexting, verify hmac (sha256, hex, header x-hub-signature-256, prefix \"sha256=\", 1 secret)" \
            "webhook telnyx: provider telnyx, verify telnyx (1 public key, tolerance 300 s)" \
            "webhook infobip: provider infobip, verify bearer (1 secret)" \
            "webhook basic: provider mobtexting, verify basic (1 user)" \
            "webhook allowed: provider mobtexting, verify bearer (1 secret), allow_from 192.0.2.0/24" \
            "trusted_proxies: 127.0.0.1/32"; do
    if printf '%s\n' "$out" | grep -qxF "$want"; then ok "check-config: $want"
    else not_ok "check-config describes the scheme" "no line [$want] in: $out"; fi
done
check_eq "check-config shows no secret" 0 \
    "$(printf '%s' "$out" | grep -cE "$TWILIO_TOKEN|$SW_KEY_B64|$HMAC_KEY|basic-Pass|$SECRET")"

start_stack

# ------------------------------------------------------------------ twilio (form, X-Twilio-Signature)
# twilio_sig URL NAME=VALUE...: base64 HMAC-SHA1 of the URL and the sorted names and values
twilio_sig() {
    local url=$1; shift
    { printf '%s' "$url"; printf '%s\n' "$@" | LC_ALL=C sort | tr -d '=\n'; } |
        openssl dgst -sha1 -hmac "$TWILIO_TOKEN" -binary | base64
}
form='MessageSid=SM9f1&MessageStatus=delivered&To=%2B15558675310'
sig=$(twilio_sig "$TWILIO_URL" MessageSid=SM9f1 MessageStatus=delivered To=+15558675310)
req POST /twilio -H "X-Twilio-Signature: $sig" --data-binary "$form"
check_eq "twilio: signed form DLR answered 200" 200 "$CODE"
delta "twilio: stored" 1 1 0
req POST /twilio -H "X-Twilio-Signature: $sig" --data-binary "${form}1"
check_eq "twilio: a changed body with the old signature: 401" 401 "$CODE"
delta "twilio: nothing stored" 0 0 0
req POST /twilio --data-binary "$form"
check_eq "twilio: no signature: 401" 401 "$CODE"
check_eq "twilio: the error code" '"unauthorized"' "$(grep -o '"unauthorized"' "$T/resp.body")"
sig_q=$(twilio_sig "$TWILIO_URL?src=2" MessageSid=SM9f2 MessageStatus=sent To=+15558675310)
req POST '/twilio?src=2' -H "X-Twilio-Signature: $sig_q" \
    --data-binary 'MessageSid=SM9f2&MessageStatus=sent&To=%2B15558675310'
check_eq "twilio: the query string is appended to public_url" 200 "$CODE"
# An undelivered message's callback carries Twilio's ErrorCode: stored in error_code, the event
# classed failed by the preset (not by our own status text), the message final and not delivered.
sig_e=$(twilio_sig "$TWILIO_URL" AccountSid=AC123 ErrorCode=30003 MessageSid=SM9f3 \
    MessageStatus=undelivered To=+15558675310)
req POST /twilio -H "X-Twilio-Signature: $sig_e" \
    --data-binary 'AccountSid=AC123&ErrorCode=30003&MessageSid=SM9f3&MessageStatus=undelivered&To=%2B15558675310'
check_eq "twilio: an undelivered DLR with its ErrorCode answered 200" 200 "$CODE"
delta "twilio: ... stored" 1 1 0
sql_eq "twilio: ErrorCode stored in error_code, the event classed failed" \
    "SELECT error_code || ' ' || dlr_class FROM dlr_events WHERE id = 'SM9f3';" "30003 failed"
sql_eq "twilio: the message final, not delivered" \
    "SELECT status || ' ' || final || ' ' || delivered FROM dlr_messages WHERE id = 'SM9f3';" "undelivered 1 0"
sql_eq "twilio: without an ErrorCode, error_code is NULL; sent is pending, delivered delivered" \
    "SELECT group_concat(id || ':' || COALESCE(error_code, 'NULL') || ':' || dlr_class, ' ') FROM (SELECT * FROM dlr_events WHERE id IN ('SM9f1', 'SM9f2') ORDER BY id);" \
    "SM9f1:NULL:delivered SM9f2:NULL:pending"

# ------------------------------------------------------------------ standard-webhooks
sw_sig() {  # ID TS BODY
    printf '%s.%s.%s' "$1" "$2" "$3" |
        openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(printf '%s' "$SW_KEY_B64" | base64 -d | od -An -tx1 -v | tr -d ' \n')" -binary | base64
}
body='{"id": "sw-1", "status": "DELIVRD"}'
now=$(date +%s)
req POST /sw -H 'Content-Type: application/json' -H 'webhook-id: msg_1' -H "webhook-timestamp: $now" \
    -H "webhook-signature: v2,abc= v1,$(sw_sig msg_1 "$now" "$body")" --data-binary "$body"
check_eq "standard-webhooks: signed (among other versions) 200" 200 "$CODE"
old=$((now - 400))
req POST /sw -H 'Content-Type: application/json' -H 'webhook-id: msg_1' -H "webhook-timestamp: $old" \
    -H "webhook-signature: v1,$(sw_sig msg_1 "$old" "$body")" --data-binary "$body"
check_eq "standard-webhooks: replayed 400 s later (tolerance 300): 401" 401 "$CODE"
check_eq "standard-webhooks: the answer says why" 1 "$(grep -c tolerance "$T/resp.body")"
req POST /sw -H 'Content-Type: application/json' -H 'webhook-id: msg_2' -H "webhook-timestamp: $now" \
    -H "webhook-signature: v1,$(sw_sig msg_1 "$now" "$body")" --data-binary "$body"
check_eq "standard-webhooks: signed for another id: 401" 401 "$CODE"
delta "standard-webhooks: nothing stored by the refusals" 0 0 0

# ------------------------------------------------------------------ hmac
body='{"id": "h-1", "status": "DELIVRD"}'
mac=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$HMAC_KEY" -r | cut -d' ' -f1)
req POST /hmac -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$mac" --data-binary "$body"
check_eq "hmac: 200 with the header the config names" 200 "$CODE"
req POST /hmac -H 'Content-Type: application/json' -H "X-Hub-Signature-256: $mac" --data-binary "$body"
check_eq "hmac: without its prefix: 401" 401 "$CODE"

# ------------------------------------------------------------------ telnyx (Ed25519)
# telnyx_event TYPE STATUS COMPLETED_AT: shaped as Telnyx's deliveryUpdate callback example
# (developers.telnyx.com/api-reference/callbacks/delivery-update), the status and times changed.
telnyx_event() {
    printf '{"data": {"record_type": "event", "id": "86f58db9-0fe3-4adc-9d1f-46e66e6e9323", "event_type": "%s", "occurred_at": "2019-01-23T18:10:02.574Z", "payload": {"record_type": "message", "direction": "outbound", "id": "40385f64-5717-4562-b3fc-2c963f66afa6", "type": "SMS", "from": {"phone_number": "+18445550001", "carrier": "TELNYX LLC", "line_type": "VoIP"}, "to": [{"phone_number": "+18665550001", "status": "%s", "carrier": "T-MOBILE USA, INC.", "line_type": "Wireless"}], "cc": [], "text": "Hello, World!", "parts": 1, "cost": {"amount": 0.0051, "currency": "USD"}, "received_at": "2019-01-23T18:10:02.574Z", "sent_at": "2019-01-23T18:10:03.000Z", "completed_at": %s, "valid_until": null, "errors": []}}, "meta": {"attempt": 1, "delivered_to": "https://www.example.com/hooks"}}' "$1" "$2" "$3"
}
telnyx_sign() {  # TIMESTAMP BODY: base64 Ed25519 over TIMESTAMP|BODY
    printf '%s|%s' "$1" "$2" > "$T/telnyx.msg"
    openssl pkeyutl -sign -inkey "$T/telnyx.pem" -rawin -in "$T/telnyx.msg" | base64 -w0
}
TX_ID=40385f64-5717-4562-b3fc-2c963f66afa6
body=$(telnyx_event message.sent sent null)
tsig=$(telnyx_sign "$now" "$body")
req POST /telnyx -H 'Content-Type: application/json' -H "telnyx-timestamp: $now" \
    -H "telnyx-signature-ed25519: $tsig" --data-binary "$body"
check_eq "telnyx: message.sent, Ed25519 over timestamp|body: 200" 200 "$CODE"
delta "telnyx: message.sent stored" 1 1 0
sql_eq "telnyx: the message pending, as sent" \
    "SELECT status||' '||final||' '||delivered FROM dlr_messages WHERE id='$TX_ID';" "sent 0 0"
req POST /telnyx -H 'Content-Type: application/json' -H "telnyx-timestamp: $((now + 1))" \
    -H "telnyx-signature-ed25519: $tsig" --data-binary "$body"
check_eq "telnyx: another timestamp: 401" 401 "$CODE"
tsig_old=$(telnyx_sign "$old" "$body")
req POST /telnyx -H 'Content-Type: application/json' -H "telnyx-timestamp: $old" \
    -H "telnyx-signature-ed25519: $tsig_old" --data-binary "$body"
check_eq "telnyx: signed 400 s ago: 401" 401 "$CODE"
delta "telnyx: nothing stored by the refusals" 0 0 0
body=$(telnyx_event message.finalized delivered '"2019-01-23T18:10:09.000Z"')
req POST /telnyx -H 'Content-Type: application/json' -H "telnyx-timestamp: $now" \
    -H "telnyx-signature-ed25519: $(telnyx_sign "$now" "$body")" --data-binary "$body"
check_eq "telnyx: message.finalized: 200" 200 "$CODE"
check_eq "telnyx: the answer" '{"ok":true,"stored":1,"duplicates":0}' "$(cat "$T/resp.body")"
delta "telnyx: message.finalized stored" 1 0 0
sql_eq "telnyx: the event's columns" \
    "SELECT mobile||' '||status||' '||deliv_time||' '||sent_time FROM dlr_events WHERE id='$TX_ID' AND status='delivered';" \
    "+18665550001 delivered 2019-01-23T18:10:09.000Z 2019-01-23T18:10:03.000Z"
sql_eq "telnyx: the message delivered and final" \
    "SELECT status||' '||final||' '||delivered FROM dlr_messages WHERE id='$TX_ID';" "delivered 1 1"
sql_eq "telnyx: raw is the event as sent" \
    "SELECT count(*) FROM dlr_events WHERE id='$TX_ID' AND raw=CAST(X'$(printf '%s' "$body" | hexof)' AS TEXT);" 1
body=$(telnyx_event message.received delivered null)
req POST /telnyx -H 'Content-Type: application/json' -H "telnyx-timestamp: $now" \
    -H "telnyx-signature-ed25519: $(telnyx_sign "$now" "$body")" --data-binary "$body"
check_eq "telnyx: message.received (no DLR): 200" 200 "$CODE"
check_eq "telnyx: ... answered as ignored" '{"ok":true,"stored":0,"duplicates":0,"ignored":1}' \
    "$(cat "$T/resp.body")"
delta "telnyx: ... and nothing stored" 0 0 0
body='{"data": {"event_type": "message.finalized", "payload": {"id": "tx-3", "to": [{"phone_number": "+18665550002", "status": "delivery_failed"}], "errors": [{"code": "40008", "title": "Undeliverable"}], "completed_at": "2019-01-23T18:11:00.000Z"}}}'
req POST /telnyx -H 'Content-Type: application/json' -H "telnyx-timestamp: $now" \
    -H "telnyx-signature-ed25519: $(telnyx_sign "$now" "$body")" --data-binary "$body"
check_eq "telnyx: a failed message.finalized: 200" 200 "$CODE"
sql_eq "telnyx: ... its error_code is errors[0].code, the message failed" \
    "SELECT e.error_code||' '||m.final||' '||m.delivered FROM dlr_events e JOIN dlr_messages m ON m.id=e.id WHERE e.id='tx-3';" \
    "40008 1 0"
body='{"data": {"event_type": "message.finalized", "payload": {"id": "tx-2", "to": []}}}'
req POST /telnyx -H 'Content-Type: application/json' -H "telnyx-timestamp: $now" \
    -H "telnyx-signature-ed25519: $(telnyx_sign "$now" "$body")" --data-binary "$body"
check_eq "telnyx: an event whose to[] is empty: 422" 422 "$CODE"
delta "telnyx: ... kept in dlr_rejected only" 0 0 1

# ------------------------------------------------------------------ infobip ({"results": [...]})
# infobip_report ID GROUP ERROR: shaped as the request sample of Infobip's "Receive outbound SMS
# message report" (infobip.com/docs/api/channels/sms/sms-messaging/logs-and-status-reports).
infobip_report() {
    printf '{"bulkId": "BULK-ID-123-xyz", "messageId": "%s", "to": "41793026727", "sentAt": "2019-11-09T16:00:00.000+0000", "doneAt": "2019-11-09T16:00:05.000+0000", "smsCount": 1, "callbackData": "callbackData", "price": {"pricePerMessage": 0.01, "currency": "EUR"}, "status": {"groupId": 3, "groupName": "%s", "id": 5, "name": "DELIVERED_TO_HANDSET", "description": "Message delivered to handset"}, "error": {"groupId": 0, "groupName": "Ok", "id": 0, "name": "%s", "description": "No Error", "permanent": false}}' "$1" "$2" "$3"
}
r1=$(infobip_report ib-1 DELIVERED NO_ERROR)
r2=$(infobip_report ib-2 PENDING NO_ERROR)
r3=$(infobip_report ib-3 UNDELIVERABLE EC_ABSENT_SUBSCRIBER)
batch="{\"results\": [$r1, $r2, $r3]}"
req POST /infobip -H 'Content-Type: application/json' --data-binary "$batch"
check_eq "infobip: a batch without the bearer secret: 401" 401 "$CODE"
delta "infobip: ... nothing stored" 0 0 0
req POST /infobip -H "Authorization: Bearer $SECRET" -H 'Content-Type: application/json' --data-binary "$batch"
check_eq "infobip: a batch of 3 with the bearer secret: 200" 200 "$CODE"
check_eq "infobip: the answer" '{"ok":true,"stored":3,"duplicates":0}' "$(cat "$T/resp.body")"
delta "infobip: 3 events, 3 messages" 3 3 0
sql_eq "infobip: each message in its class" \
    "SELECT group_concat(id||' '||status||' '||final||' '||delivered, ', ') FROM (SELECT * FROM dlr_messages WHERE id LIKE 'ib-%' ORDER BY id);" \
    "ib-1 DELIVERED 1 1, ib-2 PENDING 0 0, ib-3 UNDELIVERABLE 1 0"
sql_eq "infobip: the columns of an event" \
    "SELECT mobile||' '||deliv_time||' '||sent_time||' '||error_code FROM dlr_events WHERE id='ib-3';" \
    "41793026727 2019-11-09T16:00:05.000+0000 2019-11-09T16:00:00.000+0000 EC_ABSENT_SUBSCRIBER"
sql_eq "infobip: each event's raw is its own entry" \
    "SELECT count(*) FROM dlr_events WHERE id='ib-2' AND raw=CAST(X'$(printf '%s' "$r2" | hexof)' AS TEXT);" 1
req POST /infobip -H "Authorization: Bearer $SECRET" -H 'Content-Type: application/json' --data-binary "$batch"
check_eq "infobip: the batch again: duplicates" '{"ok":true,"stored":0,"duplicates":3}' "$(cat "$T/resp.body")"
delta "infobip: ... nothing stored twice" 0 0 0
bad="{\"results\": [$(infobip_report ib-4 DELIVERED NO_ERROR), {\"messageId\": \"ib-5\", \"status\": {\"id\": 5}}]}"
req POST /infobip -H "Authorization: Bearer $SECRET" -H 'Content-Type: application/json' --data-binary "$bad"
check_eq "infobip: an entry without status.groupName: 422" 422 "$CODE"
delta "infobip: ... the whole batch refused, kept in dlr_rejected" 0 0 1
sql_eq "infobip: ... its good entry stored neither" "SELECT count(*) FROM dlr_events WHERE id='ib-4';" 0
batch2="{\"results\": [$(infobip_report ib-6 ACCEPTED NO_ERROR), $(infobip_report ib-7 EXPIRED EC_EXPIRED), $(infobip_report ib-6 DELIVERED NO_ERROR)]}"
hsig=$(printf '%s' "$batch2" | openssl dgst -sha256 -hmac "$HMAC_KEY" -binary | base64)
req POST /infobip-hmac -H 'Content-Type: application/json' -H "X-Signature: $hsig" --data-binary "${batch2} "
check_eq "infobip behind hmac: a changed body: 401" 401 "$CODE"
req POST /infobip-hmac -H 'Content-Type: application/json' -H "X-Signature: $hsig" --data-binary "$batch2"
check_eq "infobip behind hmac: signed batch of 3: 200" 200 "$CODE"
delta "infobip behind hmac: 3 events, 2 messages" 3 2 0
sql_eq "infobip behind hmac: the later DELIVERED wins" \
    "SELECT group_concat(id||' '||status||' '||final||' '||delivered, ', ') FROM (SELECT * FROM dlr_messages WHERE id IN ('ib-6', 'ib-7') ORDER BY id);" \
    "ib-6 DELIVERED 1 1, ib-7 EXPIRED 1 0"

# ------------------------------------------------------------------ dlrctl send-test, playing each platform
# send_test NAME WANT_RC ARGS...: runs dlrctl send-test through nginx; output in $T/st.out
send_test() {
    local name=$1 want=$2 rc=0; shift 2
    "$CTL" send-test "$@" > "$T/st.out" 2>&1 || rc=$?
    check_eq "send-test $name: exit $want" "$want" "$rc"
}
send_test "twilio from the config" 0 "$BASE/twilio" --webhook twilio --config "$T/config.json" --id st-tw-1
for want in "ok    1/3 a twilio DLR (id st-tw-1, twilio): 200, stored 1" \
            "ok    2/3 the same DLR again: 200, counted as a duplicate (stored 0, duplicates 1)" \
            "ok    3/3 the DLR with a wrong signature: 401, refused"; do
    if grep -qxF "$want" "$T/st.out"; then ok "send-test twilio: $want"
    else not_ok "send-test twilio prints each step" "no line [$want] in: $(cat "$T/st.out")"; fi
done
printf '%s\n' "$TWILIO_TOKEN" > "$T/twilio.token"
send_test "twilio from flags (--secret-file, --public-url)" 0 "$BASE/twilio" --provider twilio \
    --secret-file "$T/twilio.token" --public-url "$TWILIO_URL" --id st-tw-2
printf 'not-the-token\n' > "$T/wrong.token"
send_test "twilio with a wrong auth token" 1 "$BASE/twilio" --provider twilio \
    --secret-file "$T/wrong.token" --public-url "$TWILIO_URL" --id st-tw-3
if grep -q "FAIL  1/3 .*answered 401" "$T/st.out"; then ok "send-test twilio: a wrong token fails step 1 with 401"
else not_ok "send-test twilio: a wrong token fails step 1 with 401" "$(cat "$T/st.out")"; fi
send_test "twilio signing another public URL" 1 "$BASE/twilio" --provider twilio \
    --secret-file "$T/twilio.token" --id st-tw-4
check_eq "send-test: no token on its output" 0 "$(grep -c "$TWILIO_TOKEN" "$T/st.out")"

# Telnyx: signed with the Ed25519 private key whose public key the config holds; another key is
# refused with 401.
send_test "telnyx with the right key" 0 "$BASE/telnyx" --webhook telnyx --config "$T/config.json" \
    --private-key-file "$T/telnyx.pem" --id st-tx-1
for want in "ok    1/3 a telnyx DLR (id st-tx-1, telnyx): 200, stored 1" \
            "ok    2/3 the same DLR again: 200, counted as a duplicate (stored 0, duplicates 1)"; do
    if grep -qxF "$want" "$T/st.out"; then ok "send-test telnyx: $want"
    else not_ok "send-test telnyx prints each step" "no line [$want] in: $(cat "$T/st.out")"; fi
done
sql_eq "send-test telnyx: its event stored delivered" \
    "SELECT status||' '||final||' '||delivered FROM dlr_messages WHERE id='st-tx-1';" "delivered 1 1"
send_test "infobip from the config" 0 "$BASE/infobip" --webhook infobip --config "$T/config.json" --id st-ib-1
if grep -q "^ok    1/3 .*(id st-ib-1, .*): 200, stored 1$" "$T/st.out"; then ok "send-test infobip: its batch stored"
else not_ok "send-test infobip: its batch stored" "$(cat "$T/st.out")"; fi
openssl genpkey -algorithm ed25519 -out "$T/other.pem" 2>/dev/null || die "openssl genpkey ed25519" "failed"
send_test "telnyx with another key" 1 "$BASE/telnyx" --webhook telnyx --config "$T/config.json" \
    --private-key-file "$T/other.pem" --id st-tx-2
if grep -q "FAIL  1/3 .*answered 401" "$T/st.out"; then ok "send-test telnyx: another key fails step 1 with 401"
else not_ok "send-test telnyx: another key fails step 1 with 401" "$(cat "$T/st.out")"; fi

# ------------------------------------------------------------------ basic
req POST /basic -u kannel:basic-Pass-4411 -H 'Content-Type: application/json' \
    --data-binary '{"id": "b-1", "status": "DELIVRD"}'
check_eq "basic: the right user: 200" 200 "$CODE"
req POST /basic -u kannel:wrong -H 'Content-Type: application/json' \
    --data-binary '{"id": "b-2", "status": "DELIVRD"}'
check_eq "basic: a wrong password: 401" 401 "$CODE"

# ------------------------------------------------------------------ allow_from
dlr='{"id": "a-1", "status": "DELIVRD"}'
req POST /allowed -H "Authorization: Bearer $SECRET" -H 'Content-Type: application/json' --data-binary "$dlr"
check_eq "allow_from: 127.0.0.1 without X-Forwarded-For is outside: 403" 403 "$CODE"
check_eq "allow_from: the error code" '"forbidden"' "$(grep -o '"forbidden"' "$T/resp.body")"
req POST /allowed -H "Authorization: Bearer $SECRET" -H 'X-Forwarded-For: 192.0.2.44' \
    -H 'Content-Type: application/json' --data-binary "$dlr"
check_eq "allow_from: behind the trusted proxy (127.0.0.1), the client 192.0.2.44 is inside: 200" 200 "$CODE"
req POST /allowed -H "Authorization: Bearer $SECRET" -H 'X-Forwarded-For: 192.0.2.44, 198.51.100.9' \
    -H 'Content-Type: application/json' --data-binary '{"id": "a-2", "status": "DELIVRD"}'
check_eq "allow_from: the last untrusted hop (198.51.100.9) decides: 403" 403 "$CODE"
req POST /allowed --interface 127.0.0.2 -H "Authorization: Bearer $SECRET" -H 'X-Forwarded-For: 192.0.2.44' \
    -H 'Content-Type: application/json' --data-binary '{"id": "a-3", "status": "DELIVRD"}'
check_eq "allow_from: X-Forwarded-For from an untrusted address (127.0.0.2) is not believed: 403" 403 "$CODE"
delta "allow_from: nothing stored by the refusals" 0 0 0

# ------------------------------------------------------------------ libcrypto missing: refused at load
# DLR_LIBCRYPTO names the only libcrypto file the programs try: a file that is not there makes
# loading fail as on a host without libssl3. A config with a signature scheme is then refused by
# check-config, at start and on SIGHUP (the old config kept), instead of answering 401 for ever.
NOCRYPTO=/nonexistent/libcrypto.so.3
WANT_NOCRYPTO='webhooks\[0\]\.verify: scheme twilio (webhook "twilio") needs libcrypto, which cannot be used: libcrypto (OpenSSL 3 or 1.1.1) could not be loaded'
out=$(DLR_LIBCRYPTO=$NOCRYPTO "$CTL" check-config --config "$T/config.json" 2>&1); rc=$?
check_eq "without libcrypto: check-config refuses the config" 1 "$([ "$rc" -ne 0 ] && echo 1 || echo 0)"
if printf '%s' "$out" | grep -q "$WANT_NOCRYPTO"; then ok "without libcrypto: check-config says which webhook and why"
else not_ok "without libcrypto: check-config says which webhook and why" "$out"; fi
rc=0; DLR_LIBCRYPTO=$NOCRYPTO timeout 10 "$BIN" --listen "$T/nocrypto.sock" --config "$T/config.json" \
    > /dev/null 2> "$T/nocrypto.err" || rc=$?
check_eq "without libcrypto: the responder does not start (exit 1)" 1 "$rc"
if grep -q "$WANT_NOCRYPTO" "$T/nocrypto.err"; then ok "without libcrypto: the responder logs which webhook and why"
else not_ok "without libcrypto: the responder logs which webhook and why" "$(head -c 400 "$T/nocrypto.err")"; fi

# Reload: a bearer-only config loads without libcrypto; a SIGHUP to one with twilio is refused.
cat > "$T/reload.json" <<JSON
{"database": "$DB", "webhooks": [{"name": "plain", "path": "/plain", "secrets": ["$SECRET"]}]}
JSON
rm -f "$T/nocrypto.sock"
DLR_LIBCRYPTO=$NOCRYPTO "$BIN" --listen "$T/nocrypto.sock" --config "$T/reload.json" 2> "$T/reload.err" &
RELOAD_PID=$!
STARTED_PIDS+=("$RELOAD_PID")
for _ in $(seq 1 100); do [ -S "$T/nocrypto.sock" ] && break; sleep 0.05; done
fcgi_post() {  # fcgi_post PATH ID -> the answer's status line
    local body="{\"id\": \"$2\", \"status\": \"DELIVRD\"}"
    python3 "$ROOT/tests/integration/fcgi_request.py" "$T/nocrypto.sock" --timeout 5 \
        --stdin "$body" REQUEST_METHOD=POST REQUEST_URI="$1" \
        REMOTE_ADDR=127.0.0.1 CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
        HTTP_AUTHORIZATION="Bearer $SECRET" | head -n 1 | tr -d '\r'
}
check_eq "without libcrypto: a bearer-only config loads and stores" "Status: 200 OK" "$(fcgi_post /plain nc-1)"
cat > "$T/reload.json" <<JSON
{"database": "$DB", "webhooks": [
  {"name": "twilio", "path": "/twilio", "provider": "twilio", "public_url": "$TWILIO_URL",
   "verify": {"auth_tokens": ["$TWILIO_TOKEN"]}},
  {"name": "plain", "path": "/plain", "secrets": ["$SECRET"]}]}
JSON
kill -HUP "$RELOAD_PID"
for _ in $(seq 1 100); do grep -q 'reload failed' "$T/reload.err" && break; sleep 0.05; done
if grep -q "reload failed, keeping the previous config: invalid config $T/reload.json: $WANT_NOCRYPTO" "$T/reload.err"
then ok "without libcrypto: SIGHUP to a twilio config is refused, saying why"
else not_ok "without libcrypto: SIGHUP to a twilio config is refused, saying why" "$(head -c 400 "$T/reload.err")"; fi
check_eq "without libcrypto: the previous config still answers" "Status: 200 OK" "$(fcgi_post /plain nc-2)"
check_eq "without libcrypto: the refused config's webhook does not exist" "Status: 404 Not Found" "$(fcgi_post /twilio nc-3)"
kill -TERM "$RELOAD_PID"; wait "$RELOAD_PID" 2>/dev/null
check_eq "no secret in the refusals" 0 "$(cat "$T/nocrypto.err" "$T/reload.err" | grep -c "$TWILIO_TOKEN")"

sql_eq "every accepted DLR stored once" "SELECT group_concat(id, ' ') FROM (SELECT id FROM dlr_events ORDER BY id);" \
    "$TX_ID $TX_ID SM9f1 SM9f2 SM9f3 a-1 b-1 h-1 ib-1 ib-2 ib-3 ib-6 ib-6 ib-7 nc-1 nc-2 st-ib-1 st-tw-1 st-tw-2 st-tx-1 sw-1 tx-3"
check_eq "no secret in nginx's error log or the responders' log" 0 \
    "$(cat "$T/error.log" "$T/responder.log" 2>/dev/null | grep -cE "$TWILIO_TOKEN|$HMAC_KEY|basic-Pass|$SECRET")"

finish

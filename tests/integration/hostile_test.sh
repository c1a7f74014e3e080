#!/usr/bin/env bash
# Hostile input through nginx + spawn-fcgi -F 4 (twice over, watching the responders' memory), and
# the CONTENT_LENGTH lies that nginx would normalise, in CGI mode: deep nesting, huge numbers, NUL
# bytes, invalid UTF-8, thousands of fields, duplicate keys, long headers, broken percent-encoding,
# SQL injection strings. Each gets its answer (the right 4xx, or 200 where the input is valid),
# every responder survives, the tables stay intact, RSS stays flat between the two rounds.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3 jq od timeout
make_tmp

SECRET="hostile-Secret-1"
DB="$T/dlr.sqlite"
H="$T/h"
mkdir -p "$H" "$T/cgi"
cat > "$T/config.json" <<EOF2
{
  "database": "$DB",
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "hostile-KEY", "secrets": ["$SECRET"]}
  ]
}
EOF2

NREQ=0
CTJ='Content-Type: application/json'
CTF='Content-Type: application/x-www-form-urlencoded'
AUTH="Authorization: Bearer $SECRET"

# hreq DESC STATUS ERROR METHOD PATH [curl args...] : one request through nginx; ERROR is the
# contract's error code, "ok" for a 200 whose body says ok, or "-" when nginx itself answers (only
# the status is ours to check).
hreq() {
    local desc=$1 want=$2 kind=$3 method=$4 path=$5; shift 5
    req "$method" "$path" "$@"
    NREQ=$((NREQ + 1))
    case "$kind" in
        ok) answer "$desc" "$want" '.ok == true' ;;
        -) check_eq "$desc (nginx answers)" "$want" "$CODE" ;;
        *) err_answer "$desc" "$want" "$kind" ;;
    esac
}
# hpost DESC STATUS ERROR [curl args...] : POST /receive/callback with the bearer secret
hpost() { local d=$1 s=$2 k=$3; shift 3; hreq "$d" "$s" "$k" POST /receive/callback -H "$AUTH" "$@"; }

fill() { head -c "$2" < /dev/zero | tr '\0' "$1"; }   # fill CHAR COUNT

# ---------------------------------------------------------------- the bodies
fill '[' 33 > "$H/deep33.json"; fill ']' 33 >> "$H/deep33.json"
{ printf '{"id":"deep-ok","status":"DELIVRD","x":'; fill '[' 31; fill ']' 31; printf '}'; } > "$H/deep32.json"
{ for i in $(seq 40); do printf '{"a":'; done; printf 1; fill '}' 40; } > "$H/deepobj40.json"
fill '[' 30000 > "$H/deep30000.json"; fill ']' 30000 >> "$H/deep30000.json"
fill '[' 60000 > "$H/open60000.json"
{ printf '[{"id":"deep-arr","status":"DELIVRD","n":'; fill '[' 40; fill ']' 40; printf '}]'; } > "$H/deeparr.json"

DIG300=$(fill 9 300)
printf '{"id":"num-300","status":"DELIVRD","units":%s,"credits":-0,"cid":1e-999999}' "$DIG300" > "$H/num300.json"
printf '{"id":"num-400","status":"DELIVRD","units":%s}' "$(fill 9 400)" > "$H/num400.json"
printf '{"id":"num-exp","status":"DELIVRD","credits":1e999999}' > "$H/numexp.json"
printf '{"id":"num-str","status":"DELIVRD","units":"%s"}' "$(fill 9 1000)" > "$H/numstr.json"

printf '{"id":"nul\000raw","status":"DELIVRD"}' > "$H/nulraw.json"
printf '{"id":"nul-after","status":"DELIVRD"}\000{"id":"smuggled","status":"DELIVRD"}' > "$H/nulafter.json"
printf '{"id":"nul\\u0000esc","status":"DELIVRD"}' > "$H/nulesc.json"
printf 'id=nul-form%%00x&status=DELIVRD' > "$H/nulform.txt"
printf 'id=nul-raw-form&status=DELIVRD&custom=a\000b' > "$H/nulrawform.txt"

printf '{"id":"utf-\xff","status":"DELIVRD"}' > "$H/utf_ff.json"
printf '{"id":"utf-\xc0\xaf","status":"DELIVRD"}' > "$H/utf_overlong.json"
printf '{"id":"utf-\xed\xa0\x80","status":"DELIVRD"}' > "$H/utf_surrogate.json"
printf '{"id":"utf-\xe2\x82","status":"DELIVRD"}' > "$H/utf_cut.json"
printf '{"id":"utf-\\ud800","status":"DELIVRD"}' > "$H/utf_lone.json"
printf '{"\xfe\xff":1,"id":"utf-key","status":"DELIVRD"}' > "$H/utf_key.json"
printf '\xef\xbb\xbf{"id":"utf-bom","status":"DELIVRD"}' > "$H/utf_bom.json"
printf 'id=utf-form-%%ff%%fe&status=DELIVRD' > "$H/utf_form.txt"

{ printf '{"id":"many-json","status":"DELIVRD"'; for i in $(seq 0 4499); do printf ',"k%d":"v"' "$i"; done; printf '}'; } > "$H/many.json"
{ printf 'id=many-form&status=DELIVRD'; for i in $(seq 0 4499); do printf '&f%d=v' "$i"; done; } > "$H/many.txt"
arr() { local n=$1 tag=$2 i; printf '['; for i in $(seq 1 "$n"); do [ "$i" = 1 ] || printf ','; printf '{"id":"%s%d","status":"DELIVRD"}' "$tag" "$i"; done; printf ']'; }
arr 1000 a > "$H/arr1000.json"
arr 1001 b > "$H/arr1001.json"
fill '&' 20000 > "$H/amps.txt"
{ for i in $(seq 0 999); do printf -- '--B\r\nContent-Disposition: form-data; name="p%d"\r\n\r\nv\r\n' "$i"; done
  printf -- '--B\r\nContent-Disposition: form-data; name="id"\r\n\r\nmany-parts\r\n--B\r\nContent-Disposition: form-data; name="status"\r\n\r\nDELIVRD\r\n--B--\r\n'; } > "$H/parts.txt"

printf '{"id":"dup-first","id":"dup-second","status":"DELIVRD","status":"UNDELIV"}' > "$H/dupkeys.json"
printf 'id=dupform-first&id=dupform-second&status=DELIVRD' > "$H/dupkeys.txt"

printf '{"id":"field-max","status":"DELIVRD","custom":"%s"}' "$(fill x 4096)" > "$H/field4096.json"
printf '{"id":"field-over","status":"DELIVRD","custom":"%s"}' "$(fill x 4097)" > "$H/field4097.json"
fill x 70000 > "$H/big70k.txt"
fill x 2000000 > "$H/big2m.txt"
LONG7K=$(fill A 7000)
LONG20K=$(fill A 20000)

SQLI=(
    "'; DROP TABLE dlr_events; --"
    '" OR "1"="1'
    "Robert'); DROP TABLE dlr_messages;--"
    "1 OR 1=1"
    "' UNION SELECT sql FROM sqlite_master --"
    "x'); ATTACH DATABASE '$T/pwn.db' AS pwn; CREATE TABLE pwn.t(x); --"
    "\\'; DELETE FROM dlr_events WHERE 1=1; --"
    "'||(SELECT group_concat(name) FROM sqlite_master)||'"
)

# ---------------------------------------------------------------- one round through nginx
hostile_round() {
    local r=$1 s i body q
    hpost "r$r deep: 33 nested arrays" 422 invalid_dlr -H "$CTJ" --data-binary @"$H/deep33.json"
    hpost "r$r deep: a DLR nesting 32 levels (the limit)" 200 ok -H "$CTJ" --data-binary @"$H/deep32.json"
    hpost "r$r deep: 40 nested objects" 422 invalid_dlr -H "$CTJ" --data-binary @"$H/deepobj40.json"
    hpost "r$r deep: 30000 nested arrays" 422 invalid_dlr -H "$CTJ" --data-binary @"$H/deep30000.json"
    hpost "r$r deep: 60000 unclosed brackets" 422 invalid_dlr -H "$CTJ" --data-binary @"$H/open60000.json"
    hpost "r$r deep: 40 levels inside an array's DLR" 422 invalid_dlr -H "$CTJ" --data-binary @"$H/deeparr.json"

    hpost "r$r numbers: 300 digits, -0, 1e-999999" 200 ok -H "$CTJ" --data-binary @"$H/num300.json"
    hpost "r$r numbers: 400 digits (past the largest double)" 400 bad_request -H "$CTJ" --data-binary @"$H/num400.json"
    hpost "r$r numbers: 1e999999" 400 bad_request -H "$CTJ" --data-binary @"$H/numexp.json"
    hpost "r$r numbers: 1000 digits as a string" 200 ok -H "$CTJ" --data-binary @"$H/numstr.json"

    hpost "r$r NUL: raw NUL in a JSON string" 400 bad_request -H "$CTJ" --data-binary @"$H/nulraw.json"
    hpost "r$r NUL: raw NUL after the JSON value (smuggling)" 400 bad_request -H "$CTJ" --data-binary @"$H/nulafter.json"
    hpost "r$r NUL: \\u0000 escape in the id" 200 ok -H "$CTJ" --data-binary @"$H/nulesc.json"
    hpost "r$r NUL: %00 in a form value" 200 ok -H "$CTF" --data-binary @"$H/nulform.txt"
    hpost "r$r NUL: raw NUL in a form value" 200 ok -H "$CTF" --data-binary @"$H/nulrawform.txt"
    hreq "r$r NUL: %00 in a query DLR" 200 ok GET "/receive/callback?id=nul-query%00x&status=DELIVRD" -H "$AUTH"

    for f in utf_ff utf_overlong utf_surrogate utf_cut utf_lone utf_key; do
        hpost "r$r UTF-8: $f" 400 bad_request -H "$CTJ" --data-binary @"$H/$f.json"
    done
    hpost "r$r UTF-8: a byte order mark before the JSON (allowed by RFC 8259)" 200 ok -H "$CTJ" --data-binary @"$H/utf_bom.json"
    hpost "r$r UTF-8: %ff%fe in a form (bytes kept)" 200 ok -H "$CTF" --data-binary @"$H/utf_form.txt"

    hpost "r$r fields: a JSON object with 4500 unknown keys" 200 ok -H "$CTJ" --data-binary @"$H/many.json"
    hpost "r$r fields: a form with 4500 unknown fields" 200 ok -H "$CTF" --data-binary @"$H/many.txt"
    hpost "r$r fields: multipart with 1000 parts" 200 ok -H 'Content-Type: multipart/form-data; boundary=B' --data-binary @"$H/parts.txt"
    hpost "r$r fields: 20000 ampersands (no DLR)" 422 invalid_dlr -H "$CTF" --data-binary @"$H/amps.txt"
    hpost "r$r array: 1000 DLRs (max_array_length)" 200 ok -H "$CTJ" --data-binary @"$H/arr1000.json"
    hpost "r$r array: 1001 DLRs" 413 too_large -H "$CTJ" --data-binary @"$H/arr1001.json"

    hpost "r$r duplicate keys in JSON" 200 ok -H "$CTJ" --data-binary @"$H/dupkeys.json"
    hpost "r$r duplicate keys in a form" 200 ok -H "$CTF" --data-binary @"$H/dupkeys.txt"
    hreq "r$r duplicate id in query and body" 200 ok POST "/receive/callback?id=dup-query&custom=from-query" -H "$AUTH" -H "$CTJ" \
        --data-binary '{"id":"dup-body","status":"DELIVRD"}'

    hpost "r$r field: 4096 bytes (max_field_bytes)" 200 ok -H "$CTJ" --data-binary @"$H/field4096.json"
    hpost "r$r field: 4097 bytes" 422 invalid_dlr -H "$CTJ" --data-binary @"$H/field4097.json"
    hpost "r$r size: 70000-byte body" 413 too_large -H "$CTF" --data-binary @"$H/big70k.txt"
    hpost "r$r size: 2 MB body" 413 - -H "$CTF" --data-binary @"$H/big2m.txt"

    hreq "r$r bearer: a prefix of the secret" 401 unauthorized POST /receive/callback -H "Authorization: Bearer ${SECRET%?}" \
        -H "$CTJ" --data-binary '{"id":"auth-prefix","status":"DELIVRD"}'
    hreq "r$r bearer: the secret and one byte more" 401 unauthorized POST /receive/callback -H "Authorization: Bearer ${SECRET}x" \
        -H "$CTJ" --data-binary '{"id":"auth-longer","status":"DELIVRD"}'
    hreq "r$r bearer: the secret twice" 401 unauthorized POST /receive/callback -H "Authorization: Bearer $SECRET$SECRET" \
        -H "$CTJ" --data-binary '{"id":"auth-twice","status":"DELIVRD"}'
    hreq "r$r bearer: the secret in other case" 401 unauthorized POST /receive/callback -H "Authorization: Bearer ${SECRET^^}" \
        -H "$CTJ" --data-binary '{"id":"auth-case","status":"DELIVRD"}'
    hreq "r$r bearer: the secret, scheme in lower case" 200 ok POST /receive/callback -H "Authorization: bearer $SECRET" \
        -H "$CTJ" --data-binary '{"id":"auth-lower-scheme","status":"DELIVRD"}'
    hreq "r$r headers: 7000-byte bearer secret" 401 unauthorized POST /receive/callback -H "Authorization: Bearer $LONG7K" \
        -H "$CTJ" --data-binary '{"id":"long-auth","status":"DELIVRD"}'
    hpost "r$r headers: a 7000-byte header beside a DLR" 200 ok -H "X-Junk: $LONG7K" -H "$CTJ" \
        --data-binary '{"id":"long-header","status":"DELIVRD"}'
    hpost "r$r headers: 100 extra headers" 200 ok $(for i in $(seq 1 100); do printf -- "-H X-Extra-%d:%s " "$i" "$(fill v 40)"; done) \
        -H "$CTJ" --data-binary '{"id":"many-headers","status":"DELIVRD"}'
    hpost "r$r headers: a 20000-byte header" 400 - -H "X-Junk: $LONG20K" -H "$CTJ" --data-binary '{"id":"x","status":"DELIVRD"}'
    hreq "r$r query: 3000-byte custom value" 200 ok GET "/receive/callback?id=long-query&status=DELIVRD&custom=$(fill q 3000)" -H "$AUTH"
    hreq "r$r query: 5000-byte custom value" 422 invalid_dlr GET "/receive/callback?id=long-query2&status=DELIVRD&custom=$(fill q 5000)" -H "$AUTH"
    hreq "r$r URL of 12000 bytes" 414 - GET "/receive/callback?x=$(fill u 12000)" -H "$AUTH"
    hpost "r$r Transfer-Encoding: chunked (nginx gives the length)" 200 ok -H 'Transfer-Encoding: chunked' -H "$CTJ" \
        --data-binary '{"id":"chunked","status":"DELIVRD"}'
    hpost "r$r Content-Length: 0" 200 ok -H 'Content-Length: 0'

    for q in 'id=%zz&status=DELIVRD' 'id=abc%' 'id=%4&status=DELIVRD' 'token=%' 'id=a&status=DELIVRD&x=%G0' '%%%'; do
        hreq "r$r percent: query $q" 400 bad_request GET "/receive/callback?$q" -H "$AUTH"
    done
    for body in 'id=%G1&status=DELIVRD' 'id=a&status=%' '%%%' 'id=a%2&status=DELIVRD'; do
        hpost "r$r percent: form $body" 400 bad_request -H "$CTF" --data-binary "$body"
    done

    for i in "${!SQLI[@]}"; do
        s=${SQLI[$i]}
        hpost "r$r SQL string $i as the JSON id" 200 ok -H "$CTJ" \
            --data-binary "$(jq -nc --arg id "$s" --arg cid "sqli-json-$i" '{id: $id, status: "DELIVRD", cid: $cid}')"
        hpost "r$r SQL string $i as a form value" 200 ok -H "$CTF" \
            --data-urlencode "id=sqli-form-$i" --data-urlencode "status=DELIVRD" --data-urlencode "custom=$s"
        hreq "r$r SQL string $i as a query status" 200 ok GET \
            "/receive/callback?id=sqli-query-$i&status=$(jq -rn --arg s "$s" '$s|@uri')" -H "$AUTH"
        hpost "r$r SQL string $i as a JSON key" 200 ok -H "$CTJ" \
            --data-binary "$(jq -nc --arg k "$s" --arg id "sqli-key-$i" '{($k): 1, id: $id, status: "DELIVRD"}')"
    done

    for body in '{}' 'null' '"a string"' '[1,2]' '[]' 'true' '[{"id":"a","status":"DELIVRD"},5]' \
        '{"id":{"x":1},"status":"DELIVRD"}' '{"id":"a","status":["DELIVRD"]}' '{"id":"","status":"DELIVRD"}' \
        '{"id":"a","status":""}'; do
        hpost "r$r shape: $body" 422 invalid_dlr -H "$CTJ" --data-binary "$body"
    done
    hpost "r$r type: JSON sent as multipart without a boundary" 400 bad_request -H 'Content-Type: multipart/form-data' \
        --data-binary '{"id":"a","status":"DELIVRD"}'
    hpost "r$r type: multipart with a boundary it never uses" 400 bad_request -H 'Content-Type: multipart/form-data; boundary=ZZ' \
        --data-binary 'id=a&status=DELIVRD'
    hpost "r$r type: a form sent as JSON" 400 bad_request -H "$CTJ" --data-binary 'id=a&status=DELIVRD'
    hpost "r$r type: JSON sent as text/plain" 200 ok -H 'Content-Type: text/plain' --data-binary '{"id":"as-text","status":"DELIVRD"}'
    hreq "r$r method DELETE" 405 method_not_allowed DELETE /receive/callback -H "$AUTH"
    hreq "r$r method PATCH" 405 method_not_allowed PATCH /receive/callback -H "$AUTH" -H "$CTJ" --data-binary '{"id":"p","status":"DELIVRD"}'
}

sum_rss() {
    local p t=0 v
    for p in $(responder_pids); do v=$(rss_kb "$p"); t=$((t + ${v:-0})); done
    echo "$t"
}

# ---------------------------------------------------------------- nginx
start_stack
# Every responder loads its config and opens the database, which they create: nothing else (no
# dlrctl, no sqlite3: `req` reads the row counts) has touched it yet.
for i in $(seq 1 20); do
    curl -s -o /dev/null -H "$AUTH" -H "$CTJ" --data-binary "{\"id\":\"warm-$i\",\"status\":\"DELIVRD\"}" "$BASE/receive/callback"
done
# ---------------------------------------------------------------- least privilege
# Created by the responders (umask 027): no file of the database readable by others.
for f in "$DB" "$DB-wal" "$DB-shm"; do
    if [ -e "$f" ]; then
        m=$(stat -c %a "$f")
        [ $((8#$m & 8#137)) -eq 0 ] && ok "$(basename "$f") created with mode $m (0640 or tighter)" \
            || not_ok "$(basename "$f") created 0640 or tighter" "mode $m"
    else
        not_ok "$(basename "$f") exists while the responders run" "missing"
    fi
done
RSS0=$(sum_rss)
hostile_round 1
RSS1=$(sum_rss)

# What round 1 stored, byte for byte.
sql_eq "300-digit units stored as sent" "SELECT units = '$DIG300' FROM dlr_events WHERE id='num-300';" 1
sql_eq "-0 and 1e-999999 stored as sent" "SELECT credits || ' ' || cid FROM dlr_events WHERE id='num-300';" "-0 1e-999999"
sql_eq "\\u0000 in an id stored as the byte 00" "SELECT count(*) FROM dlr_events WHERE hex(id) = '$(printf 'nul\000esc' | hexof)';" 1
sql_eq "%00 in a form id stored as the byte 00" "SELECT count(*) FROM dlr_events WHERE hex(id) = '$(printf 'nul-form\000x' | hexof)';" 1
sql_eq "%00 in a query id stored as the byte 00" "SELECT count(*) FROM dlr_events WHERE hex(id) = '$(printf 'nul-query\000x' | hexof)';" 1
sql_eq "a raw NUL in a form value stored as the byte 00" "SELECT hex(custom) FROM dlr_events WHERE id = 'nul-raw-form';" "$(printf 'a\000b' | hexof)"
sql_eq "nothing smuggled after a NUL" "SELECT count(*) FROM dlr_events WHERE id IN ('smuggled', 'nul-after');" 0
sql_eq "%ff%fe in a form stored as those bytes" "SELECT hex(id) FROM dlr_events WHERE id LIKE 'utf-form-%';" "$(printf 'utf-form-\xff\xfe' | hexof)"
sql_eq "no invalid JSON UTF-8 stored" "SELECT count(*) FROM dlr_events WHERE id LIKE 'utf-%' AND id NOT LIKE 'utf-form-%' AND id != 'utf-bom';" 0
sql_eq "the byte order mark kept in raw" "SELECT hex(substr(CAST(raw AS BLOB), 1, 3)) FROM dlr_events WHERE id = 'utf-bom';" EFBBBF
sql_eq "4500 unknown keys kept in raw" "SELECT length(raw) FROM dlr_events WHERE id='many-json';" "$(wc -c < "$H/many.json")"
sql_eq "1000 DLRs of the array stored" "SELECT count(*) FROM dlr_events WHERE id GLOB 'a[0-9]*';" 1000
sql_eq "nothing of the 1001-DLR array stored" "SELECT count(*) FROM dlr_events WHERE id GLOB 'b[0-9]*';" 0
sql_eq "duplicate JSON keys: the first counts" "SELECT status FROM dlr_events WHERE id='dup-first';" DELIVRD
sql_eq "duplicate form keys: the first counts" "SELECT count(*) FROM dlr_events WHERE id='dupform-first';" 1
sql_eq "the body's id wins over the query's; the query fills the rest" "SELECT custom FROM dlr_events WHERE id='dup-body';" from-query
sql_eq "a 4096-byte field stored whole" "SELECT length(custom) FROM dlr_events WHERE id='field-max';" 4096
sql_eq "no row for the refused 4097-byte field" "SELECT count(*) FROM dlr_events WHERE id='field-over';" 0
sql_eq "refused 422 kept in dlr_rejected with its raw body" \
    "SELECT count(*) FROM dlr_rejected WHERE http_status=422 AND length(raw)=$(wc -c < "$H/field4097.json");" 1
sql_eq "nothing stored for a refused bearer" "SELECT count(*) FROM dlr_events WHERE id IN ('auth-prefix', 'auth-longer', 'auth-twice', 'auth-case');" 0
sql_eq "nothing of the 413s in dlr_rejected" "SELECT count(*) FROM dlr_rejected WHERE http_status=413;" 0
for i in "${!SQLI[@]}"; do
    want=$(printf '%s' "${SQLI[$i]}" | hexof)
    sql_eq "SQL string $i stored verbatim (id, custom, status)" \
        "SELECT (SELECT hex(id) FROM dlr_events WHERE cid='sqli-json-$i') = '$want' AND (SELECT hex(custom) FROM dlr_events WHERE id='sqli-form-$i') = '$want' AND (SELECT hex(status) FROM dlr_events WHERE id='sqli-query-$i') = '$want' AND (SELECT count(*) FROM dlr_events WHERE id='sqli-key-$i') = 1;" 1
done
sql_eq "the three tables intact" \
    "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type='table' ORDER BY name);" \
    "dlr_events,dlr_messages,dlr_rejected"
sql_eq "no database attached by an injection" "SELECT count(*) FROM pragma_database_list;" 1
[ ! -e "$T/pwn.db" ] && ok "no file created by an ATTACH injection" || not_ok "no file created by an ATTACH injection" "$T/pwn.db exists"

EVENTS1=$(sql "SELECT count(*) FROM dlr_events;")
hostile_round 2
RSS2=$(sum_rss)
NGINX_REQ=$NREQ
sql_eq "PRAGMA integrity_check = ok after two hostile rounds" "PRAGMA integrity_check;" ok
sql_eq "round 2 stored nothing new (all duplicates)" "SELECT count(*) FROM dlr_events;" "$EVENTS1"
alive=0
for p in $(responder_pids); do is_running "$p" && alive=$((alive + 1)); done
check_eq "all 4 responders alive after $NREQ hostile requests" 4 "$alive"

# Memory: the first round may grow the heap to its working size; the second must not add to it.
case "$BUILD_DIR" in *asan*) slack=65536 ;; *) slack=4096 ;; esac
echo "# RSS of the 4 responders (kB): before $RSS0, after round 1 $RSS1, after round 2 $RSS2"
if [ $((RSS2 - RSS1)) -le "$slack" ]; then ok "RSS flat across round 2 ($RSS1 -> $RSS2 kB, within $slack kB)"
else not_ok "RSS flat across round 2" "$RSS1 -> $RSS2 kB (more than $slack kB)"; fi

# ---------------------------------------------------------------- least privilege: --listen
"$BIN" --config "$T/config.json" --listen "unix:$T/listen.sock" 2>"$T/listen.err" &
LPID=$!
STARTED_PIDS+=("$LPID")
for i in $(seq 1 50); do [ -S "$T/listen.sock" ] && break; sleep 0.1; done
check_eq "--listen unix socket mode" 660 "$(stat -c %a "$T/listen.sock" 2>/dev/null)"
kill -TERM "$LPID"
for i in $(seq 1 30); do is_running "$LPID" || break; sleep 0.1; done
wait "$LPID"; lrc=$?
check_eq "--listen responder leaves at once on SIGTERM, exit 0" "gone 0" "$(is_running "$LPID" && echo running || echo gone) $lrc"
[ ! -e "$T/listen.sock" ] && ok "--listen socket removed on exit" || not_ok "--listen socket removed on exit" "still there"

# FCGI_WEB_SERVER_ADDRS: over TCP, a peer not in the list is closed before a byte is read.
# tcp_closed PORT: "closed" when the responder hangs up on a fresh connection within 2 s
tcp_closed() {
    local rc
    ( exec 3<>"/dev/tcp/127.0.0.1/$1" && timeout 2 cat <&3 >/dev/null ) 2>/dev/null; rc=$?
    [ "$rc" -eq 124 ] && echo open || echo closed
}
for allowed in 192.0.2.1 127.0.0.1; do
    for attempt in 1 2 3; do  # a port taken between free_port and the bind: another one
        LPORT=$(free_port)
        FCGI_WEB_SERVER_ADDRS=$allowed "$BIN" --config "$T/config.json" --listen "127.0.0.1:$LPORT" 2>>"$T/listen.err" &
        LPID=$!
        STARTED_PIDS+=("$LPID")
        for i in $(seq 1 100); do
            { port_in_use "$LPORT" || ! is_running "$LPID"; } && break
            sleep 0.1
        done
        is_running "$LPID" && break
        wait "$LPID" 2>/dev/null
    done
    is_running "$LPID" || not_ok "--listen responder for FCGI_WEB_SERVER_ADDRS=$allowed started" "$(tail -3 "$T/listen.err")"
    want=open; [ "$allowed" = 127.0.0.1 ] || want=closed
    check_eq "FCGI_WEB_SERVER_ADDRS=$allowed: a connection from 127.0.0.1 is $want" "$want" "$(tcp_closed "$LPORT")"
    kill -TERM "$LPID"; wait "$LPID" 2>/dev/null
done

# ---------------------------------------------------------------- CGI: CONTENT_LENGTH lies
# cgi_run DESC STATUS ERROR BODYFILE [NAME=VALUE...] : the responder once in CGI mode, env -i
cgi_run() {
    local desc=$1 want=$2 kind=$3 bodyfile=$4; shift 4
    snap
    env -i "${SAN_ENV[@]}" REQUEST_METHOD=POST REQUEST_URI=/receive/callback QUERY_STRING= REMOTE_ADDR=127.0.0.1 \
        GATEWAY_INTERFACE=CGI/1.1 DLR_WEBHOOK_CONFIG="$T/config.json" "HTTP_AUTHORIZATION=Bearer $SECRET" \
        CONTENT_TYPE=application/json "$@" timeout 10 "$BIN" < "$bodyfile" > "$T/cgi.out" 2> "$T/cgi.err"
    local rc=$?
    NREQ=$((NREQ + 1))
    awk 'BEGIN{h=1} { if (h) { sub(/\r$/, ""); if ($0 == "") { h=0; next } print > hf } else print > bf }' \
        hf="$T/resp.hdr" bf="$T/resp.body" "$T/cgi.out"
    [ -f "$T/resp.body" ] || : > "$T/resp.body"
    CODE=$(header Status); CODE=${CODE%% *}
    REQ_DESC="CGI POST ($*)"
    [ "$rc" -eq 0 ] || { not_ok "$desc" "the CGI process exited $rc: $(tail -n 3 "$T/cgi.err" | tr '\n' ' ')"; return; }
    if [ "$kind" = ok ]; then answer "$desc" "$want" '.ok == true'; else err_answer "$desc" "$want" "$kind"; fi
}
printf '{"id":"cgi-len","status":"DELIVRD"}' > "$T/cgi/body.json"
LEN=$(wc -c < "$T/cgi/body.json")
cgi_run "CGI: CONTENT_LENGTH right" 200 ok "$T/cgi/body.json" "CONTENT_LENGTH=$LEN"
delta "CGI: ... stored" 1 1 0
cgi_run "CGI: CONTENT_LENGTH shorter than the body: exactly that many bytes read" 400 bad_request "$T/cgi/body.json" "CONTENT_LENGTH=10"
sql_eq "CGI: ... the 10 bytes read kept in dlr_rejected" "SELECT hex(raw) FROM dlr_rejected ORDER BY seq DESC LIMIT 1;" "$(head -c 10 "$T/cgi/body.json" | hexof)"
cgi_run "CGI: CONTENT_LENGTH longer than the body" 400 bad_request "$T/cgi/body.json" "CONTENT_LENGTH=$((LEN + 50))"
for cl in -1 -$LEN abc "${LEN}abc" " $LEN" "+$LEN" 0x20 1e3 "$LEN.0" "$LEN $LEN"; do
    cgi_run "CGI: CONTENT_LENGTH [$cl]" 400 bad_request "$T/cgi/body.json" "CONTENT_LENGTH=$cl"
done
cgi_run "CGI: CONTENT_LENGTH 2^64" 413 too_large "$T/cgi/body.json" "CONTENT_LENGTH=18446744073709551616"
cgi_run "CGI: CONTENT_LENGTH of 30 digits" 413 too_large "$T/cgi/body.json" "CONTENT_LENGTH=999999999999999999999999999999"
delta "CGI: ... 413s store nothing" 0 0 0
cgi_run "CGI: no CONTENT_LENGTH: the body is not read (a ping)" 200 ok "$T/cgi/body.json"
delta "CGI: ... nothing stored" 0 0 0
cgi_run "CGI: empty CONTENT_LENGTH: the body is not read (a ping)" 200 ok "$T/cgi/body.json" "CONTENT_LENGTH="
cgi_run "CGI: no CONTENT_LENGTH but Transfer-Encoding: chunked: refused, never a false 200" 400 bad_request \
    "$T/cgi/body.json" "HTTP_TRANSFER_ENCODING=chunked"
delta "CGI: ... kept in dlr_rejected" 0 0 1
cgi_run "CGI: CONTENT_LENGTH 0 with a body on stdin" 200 ok "$T/cgi/body.json" "CONTENT_LENGTH=0"

echo "# hostile requests: $NREQ ($((NGINX_REQ / 2)) per round through nginx, twice, and $((NREQ - NGINX_REQ)) in CGI mode)"
[ "$NREQ" -ge 100 ] && ok "at least 100 hostile requests ($NREQ)" || not_ok "at least 100 hostile requests" "$NREQ"
finish

#!/usr/bin/env bash
# dlr-webhook in plain CGI mode (stdin is a file, not a socket): one request from the environment
# and exactly CONTENT_LENGTH bytes of stdin, answered with CGI headers ("Status: NNN ...").
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools curl sqlite3 jq od timeout strace
make_tmp

SECRET="1233XXX"
KEY="9012XX"
TIMEOUT_BIN=$(command -v timeout)
mkdir -p "$T/cgi" "$T/cgi2" "$T/bad" "$T/elsewhere"
CFG="$T/cgi/config.json"
DB="$T/cgi/dlr.sqlite"      # the config names it relative: "dlr.sqlite", i.e. next to the config file

cat > "$CFG" <<EOF
{
  "database": "dlr.sqlite",
  "max_body_bytes": 1024,
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "$KEY", "secrets": ["$SECRET"]}
  ]
}
EOF
# a second, valid config, named only by --config
cat > "$T/cgi2/config.json" <<EOF
{
  "database": "$T/cgi2/other.sqlite",
  "webhooks": [ {"name": "second", "path": "/receive/callback", "secrets": ["$SECRET"]} ]
}
EOF
# invalid configs: an unknown key, a wrong type
cat > "$T/bad/unknown.json" <<EOF
{
  "database": "$T/bad/bad.sqlite",
  "bogus_option": true,
  "webhooks": [ {"name": "sms", "path": "/receive/callback", "secrets": ["TopSecretValue42"]} ]
}
EOF
cat > "$T/bad/wrongtype.json" <<EOF
{
  "database": "$T/bad/bad2.sqlite",
  "max_body_bytes": "lots",
  "webhooks": [ {"name": "sms", "path": "/receive/callback", "secrets": ["TopSecretValue42"]} ]
}
EOF

# dlrctl init from another working directory: the relative database path follows the config file
cd "$T/elsewhere" || die "cd" "$T/elsewhere"
init_db "$CFG"
cd "$ROOT" || die "cd" "$ROOT"
if [ -f "$DB" ] && [ ! -e "$T/elsewhere/dlr.sqlite" ]; then ok "relative database path resolved against the config file's directory"
else not_ok "relative database path resolved against the config file's directory" "$(ls "$T/cgi" "$T/elsewhere" | tr '\n' ' ')"; fi
sql_eq "schema has the three tables" \
    "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'dlr_%' ORDER BY name);" \
    "dlr_events,dlr_messages,dlr_rejected"

# cgi METHOD URI BODYFILE [NAME=VALUE...]
#   Runs the responder once in CGI mode, from $T/elsewhere, env -i plus the given variables.
#   CGI_ARGS (array) are passed to the binary. Sets CODE and $T/resp.hdr / $T/resp.body.
CGI_ARGS=()
cgi() {
    local method=$1 uri=$2 bodyfile=$3; shift 3
    local q=""
    case "$uri" in *\?*) q=${uri#*\?} ;; esac
    snap
    (cd "$T/elsewhere" && env -i "${SAN_ENV[@]}" REQUEST_METHOD="$method" REQUEST_URI="$uri" QUERY_STRING="$q" \
        SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.0.1 "$@" \
        "$TIMEOUT_BIN" 10 "$BIN" "${CGI_ARGS[@]}" < "$bodyfile" > "$T/cgi.out" 2> "$T/cgi.err")
    CGI_RC=$?
    # headers end at the first empty line (CRLF or LF)
    awk 'BEGIN{h=1} { if (h) { sub(/\r$/, ""); if ($0 == "") { h=0; next } print > hf } else print > bf }' \
        hf="$T/resp.hdr" bf="$T/resp.body" "$T/cgi.out"
    [ -f "$T/resp.hdr" ] || : > "$T/resp.hdr"
    [ -f "$T/resp.body" ] || : > "$T/resp.body"
    local st; st=$(header Status)
    if [ -n "$st" ]; then CODE=${st%% *}
    elif [ -s "$T/cgi.out" ]; then CODE=200     # RFC 3875: no Status header means 200
    else CODE="(no output, exit $CGI_RC)"; fi
    REQ_DESC="CGI $method $uri $* ${CGI_ARGS[*]}"
}
rm_resp() { rm -f "$T/resp.hdr" "$T/resp.body"; }
body_file() { printf '%s' "$1" > "$T/body.in"; echo "$T/body.in"; }
len() { wc -c < "$1" | tr -d ' '; }

ENVCFG="DLR_WEBHOOK_CONFIG=$CFG"
AUTHV="HTTP_AUTHORIZATION=Bearer $SECRET"
CTJ="CONTENT_TYPE=application/json"

# ------------------------------------------------------------------ handshake
rm_resp
cgi POST "/receive/callback?token=$KEY" "$DATA/platform_verify.json" "$ENVCFG" "$AUTHV" "$CTJ" \
    "CONTENT_LENGTH=$(len "$DATA/platform_verify.json")"
answer "CGI: seed verification request -> Status 200 with challenge + validation_key" 200 \
    '.challenge == "a234qwe"' ".validation_key == \"$KEY\""
delta "CGI: verification stores nothing" 0 0 0

# ------------------------------------------------------------------ a DLR stored
EX_ID="b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1"
rm_resp
cgi POST /receive/callback "$DATA/platform_example.json" "$ENVCFG" "$AUTHV" "$CTJ" \
    "CONTENT_LENGTH=$(len "$DATA/platform_example.json")"
answer "CGI: platform DLR example -> 200 stored 1" 200 '.ok == true' '.stored == 1' '.duplicates == 0'
delta "CGI: DLR stored in dlr_events and dlr_messages" 1 1 0
sql_eq "CGI: stored row (id, status, webhook, raw exact)" \
    "SELECT id||'|'||status||'|'||webhook||'|'||(hex(raw) = '$(hexof < "$DATA/platform_example.json")') FROM dlr_events WHERE id='$EX_ID';" \
    "$EX_ID|DELIVRD|sms|1"

# ------------------------------------------------------------------ 401 / REDIRECT_HTTP_AUTHORIZATION
B=$(body_file '{"id": "cgi-auth-1", "status": "DELIVRD"}')
rm_resp
cgi POST /receive/callback "$B" "$ENVCFG" "$CTJ" "CONTENT_LENGTH=$(len "$B")"
err_answer "CGI: no Authorization -> 401 unauthorized" 401 unauthorized
header_matches "CGI: 401 has WWW-Authenticate: Bearer" WWW-Authenticate '^[Bb]earer'
delta "CGI: 401 stores nothing" 0 0 0

rm_resp
cgi POST /receive/callback "$B" "$ENVCFG" "$CTJ" "CONTENT_LENGTH=$(len "$B")" "HTTP_AUTHORIZATION=Bearer ${SECRET}0"
err_answer "CGI: wrong bearer -> 401 unauthorized" 401 unauthorized
delta "CGI: 401 (wrong bearer) stores nothing" 0 0 0

rm_resp
cgi POST /receive/callback "$B" "$ENVCFG" "$CTJ" "CONTENT_LENGTH=$(len "$B")" "REDIRECT_HTTP_AUTHORIZATION=Bearer $SECRET"
answer "CGI: REDIRECT_HTTP_AUTHORIZATION accepted when HTTP_AUTHORIZATION is absent -> 200 stored 1" 200 \
    '.ok == true' '.stored == 1'
delta "CGI: REDIRECT_HTTP_AUTHORIZATION DLR stored" 1 1 0

# ------------------------------------------------------------------ refused before the body; a bounded drain
# stdin is a pipe held open for 10 s with nothing written: a request refused from its head is
# answered without waiting for the body; a refused body is drained for at most 2 s, then the
# process exits (it once waited as long as the client kept the pipe open).
timed_cgi() {  # timed_cgi NAME MAX_MS EXPECTED_CODE CGI_ARGS...
    local name=$1 max=$2 want=$3 t0 ms; shift 3
    rm_resp
    t0=$(date +%s%N)
    cgi "$@"
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    check_eq "$name: answered $want" "$want" "$CODE"
    if [ "$ms" -lt "$max" ]; then ok "$name: the process ended in ${ms} ms (< $max)"
    else not_ok "$name: the process ended in under $max ms" "${ms} ms"; fi
}
timed_cgi "CGI: no bearer, body held back 10 s" 3500 401 \
    POST /receive/callback <(sleep 10) "$ENVCFG" "$CTJ" CONTENT_LENGTH=500
timed_cgi "CGI: CONTENT_LENGTH 2000 over max_body_bytes, body held back 10 s" 3500 413 \
    POST /receive/callback <(sleep 10) "$ENVCFG" "$AUTHV" "$CTJ" CONTENT_LENGTH=2000

# ------------------------------------------------------------------ --listen elsewhere than loopback
# A warning at start when --listen names a TCP address other than loopback and
# FCGI_WEB_SERVER_ADDRS is not set. 192.0.2.1 (TEST-NET-1) is not this host's: the bind fails,
# nothing listens, and the warning has been written first.
LP=$(free_port)
"$TIMEOUT_BIN" 5 "$BIN" --listen "192.0.2.1:$LP" --config "$CFG" > /dev/null 2> "$T/listen.err"
if grep -q "warning: --listen 192.0.2.1:$LP is not a loopback address and FCGI_WEB_SERVER_ADDRS is not set" "$T/listen.err"
then ok "--listen 192.0.2.1 without FCGI_WEB_SERVER_ADDRS: warned at start"
else not_ok "--listen 192.0.2.1 without FCGI_WEB_SERVER_ADDRS: warned at start" "$(head -c 400 "$T/listen.err")"; fi
FCGI_WEB_SERVER_ADDRS=127.0.0.1 "$TIMEOUT_BIN" 5 "$BIN" --listen "192.0.2.1:$LP" --config "$CFG" > /dev/null 2> "$T/listen.err"
check_eq "--listen 192.0.2.1 with FCGI_WEB_SERVER_ADDRS: no warning" 0 "$(grep -c 'not a loopback' "$T/listen.err")"
"$BIN" --listen "127.0.0.1:$LP" --config "$CFG" > /dev/null 2> "$T/listen.err" &
LPID=$!; STARTED_PIDS+=("$LPID")
sleep 0.5
kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null
check_eq "--listen 127.0.0.1: no warning" 0 "$(grep -c 'not a loopback' "$T/listen.err")"

# ------------------------------------------------------------------ backend plugins: one directory, checked
# The responder loads dlr-webhook-postgres.so from its build directory (it runs from it) or from
# the PLUGIN_DIR fixed at build time, never from where a copy of it sits; a plugin writable by
# group or others is refused. The server (port 1) is down: a loaded plugin answers 503.
PSO="$(dirname "$BIN")/dlr-webhook-postgres.so"
if [ -f "$PSO" ]; then
    mkdir -p "$T/pg" "$T/copy"
    printf '{"database": "postgresql://dlr@127.0.0.1:1/dlr", "metrics": {"path": "/m", "secrets": ["m"], "file": "%s"}, "webhooks": [{"name": "sms", "path": "/receive/callback", "secrets": ["%s"]}]}\n' \
        "$T/pg/m.bin" "$SECRET" > "$T/pg/config.json"
    B=$(body_file '{"id": "pg-1", "status": "DELIVRD"}')
    rm_resp; cgi POST /receive/callback "$B" "DLR_WEBHOOK_CONFIG=$T/pg/config.json" "$AUTHV" "$CTJ" "CONTENT_LENGTH=$(len "$B")"
    check_eq "the build's plugin is loaded (server down: 503)" 503 "$CODE"
    mode=$(stat -c %a "$PSO")
    chmod g+w "$PSO"
    rm_resp; cgi POST /receive/callback "$B" "DLR_WEBHOOK_CONFIG=$T/pg/config.json" "$AUTHV" "$CTJ" "CONTENT_LENGTH=$(len "$B")"
    chmod "$mode" "$PSO"
    check_eq "a plugin writable by its group is refused (500)" 500 "$CODE"
    if grep -q "refusing to load the PostgreSQL backend $PSO: it is writable by group or others" "$T/cgi.err"
    then ok "... and the log says why"; else not_ok "... and the log says why" "$(tail -c 300 "$T/cgi.err")"; fi
    # A copy of the program beside a planted plugin: the plant is never loaded.
    cp "$BIN" "$T/copy/dlr-webhook"
    printf 'not a plugin' > "$T/copy/dlr-webhook-postgres.so"
    SAVED_BIN=$BIN; BIN="$T/copy/dlr-webhook"
    rm_resp; cgi POST /receive/callback "$B" "DLR_WEBHOOK_CONFIG=$T/pg/config.json" "$AUTHV" "$CTJ" "CONTENT_LENGTH=$(len "$B")"
    BIN=$SAVED_BIN
    if grep -q "$T/copy/dlr-webhook-postgres.so" "$T/cgi.err"; then
        not_ok "a copy of the program does not load a plugin beside it" "$(tail -c 300 "$T/cgi.err")"
    else ok "a copy of the program does not load a plugin beside it (answered $CODE)"; fi
else
    not_ok "the build has dlr-webhook-postgres.so" "$PSO missing"
fi

# ------------------------------------------------------------------ 413 by CONTENT_LENGTH
head -c 2000 /dev/zero | tr '\0' 'x' > "$T/big.in"
rm_resp
cgi POST /receive/callback "$T/big.in" "$ENVCFG" "$AUTHV" "$CTJ" "CONTENT_LENGTH=2000"
err_answer "CGI: CONTENT_LENGTH 2000 over max_body_bytes 1024 -> 413 too_large" 413 too_large
delta "CGI: 413 stores nothing" 0 0 0

B=$(body_file '{"id": "cgi-413", "status": "DELIVRD"}')
rm_resp
cgi POST /receive/callback "$B" "$ENVCFG" "$AUTHV" "$CTJ" "CONTENT_LENGTH=99999999"
err_answer "CGI: huge CONTENT_LENGTH with a short stdin -> 413 too_large (decided before reading)" 413 too_large
delta "CGI: 413 (huge CONTENT_LENGTH) stores nothing" 0 0 0

# ------------------------------------------------------------------ CONTENT_LENGTH absent / shorter than stdin
B=$(body_file '{"id": "cgi-nolen-1", "status": "DELIVRD"}')
rm_resp
cgi POST /receive/callback "$B" "$ENVCFG" "$AUTHV" "$CTJ"
answer "CGI: no CONTENT_LENGTH, body on stdin -> nothing read, treated as empty -> 200 {\"ok\":true}" 200 \
    '.ok == true' '(.stored // 0) == 0'
delta "CGI: no CONTENT_LENGTH stores nothing" 0 0 0

JSONPART='{"id": "cgi-len-1", "status": "DELIVRD", "deliv_time": "2021-04-09 16:27:51"}'
printf '%s%s' "$JSONPART" 'TRAILING-GARBAGE-NOT-PART-OF-THE-BODY}}}' > "$T/long.in"
rm_resp
cgi POST /receive/callback "$T/long.in" "$ENVCFG" "$AUTHV" "$CTJ" "CONTENT_LENGTH=${#JSONPART}"
answer "CGI: stdin longer than CONTENT_LENGTH -> only CONTENT_LENGTH bytes used -> 200 stored 1" 200 \
    '.ok == true' '.stored == 1'
delta "CGI: CONTENT_LENGTH-bounded DLR stored" 1 1 0
sql_eq "CGI: raw is exactly the first CONTENT_LENGTH bytes" \
    "SELECT hex(raw) FROM dlr_events WHERE id='cgi-len-1';" "$(printf '%s' "$JSONPART" | hexof)"

# ------------------------------------------------------------------ other answers in CGI mode
rm_resp
cgi GET /receive/callback /dev/null "$ENVCFG" "$AUTHV"
answer "CGI: GET ping -> 200 {\"ok\":true}" 200 '.ok == true'

rm_resp
cgi DELETE /receive/callback /dev/null "$ENVCFG" "$AUTHV"
err_answer "CGI: DELETE -> 405 method_not_allowed" 405 method_not_allowed
header_matches "CGI: 405 has Allow" Allow 'POST'

rm_resp
cgi GET /elsewhere /dev/null "$ENVCFG" "$AUTHV"
err_answer "CGI: unknown path -> 404 not_found" 404 not_found

printf 'not json at all {' > "$T/garbage.in"
rm_resp
cgi POST /receive/callback "$T/garbage.in" "$ENVCFG" "$AUTHV" "$CTJ" "CONTENT_LENGTH=$(len "$T/garbage.in")" \
    REMOTE_ADDR=203.0.113.7
err_answer "CGI: unparseable JSON -> 400 bad_request" 400 bad_request
delta "CGI: 400 keeps one dlr_rejected row" 0 0 1
sql_eq "CGI: dlr_rejected has the raw body and REMOTE_ADDR" \
    "SELECT hex(raw)||'|'||remote_addr FROM dlr_rejected ORDER BY seq DESC LIMIT 1;" \
    "$(hexof < "$T/garbage.in")|203.0.113.7"

# ------------------------------------------------------------------ invalid configs: 5xx, never 2xx/4xx
bad_config() {   # DESC CONFIG KEY
    B=$(body_file '{"id": "cgi-badcfg", "status": "DELIVRD"}')
    rm_resp
    cgi POST /receive/callback "$B" "DLR_WEBHOOK_CONFIG=$2" "HTTP_AUTHORIZATION=Bearer TopSecretValue42" "$CTJ" \
        "CONTENT_LENGTH=$(len "$B")"
    case "$CODE" in
        5[0-9][0-9]) ok "CGI: $1 -> Status $CODE (5xx)" ;;
        *) not_ok "CGI: $1 -> 5xx" "got Status [$CODE] | output: $(head -c 300 "$T/cgi.out" | tr '\r\n' '  ')" ;;
    esac
    if cat "$T/cgi.out" "$T/cgi.err" | grep -q "$3"; then ok "CGI: $1 -> the error names the key '$3'"
    else not_ok "CGI: $1 -> the error names the key '$3'" "stderr: $(head -c 300 "$T/cgi.err" | tr '\n' ' ')"; fi
    if cat "$T/cgi.out" "$T/cgi.err" | grep -q "TopSecretValue42"; then
        not_ok "CGI: $1 -> no secret in the answer or the log" "the secret appears"
    else ok "CGI: $1 -> no secret in the answer or the log"; fi
}
bad_config "config with an unknown key" "$T/bad/unknown.json" bogus_option
bad_config "config with a wrong type" "$T/bad/wrongtype.json" max_body_bytes
if [ -e "$T/bad/bad.sqlite" ] && [ "$(sqlite3 "$T/bad/bad.sqlite" 'SELECT count(*) FROM dlr_events;' 2>/dev/null || echo 0)" != 0 ]; then
    not_ok "CGI: invalid config stores nothing" "rows in $T/bad/bad.sqlite"
else ok "CGI: invalid config stores nothing"; fi

# ------------------------------------------------------------------ --config
B=$(body_file '{"id": "cgi-cfgflag-1", "status": "DELIVRD"}')
CGI_ARGS=(--config "$T/cgi2/config.json")
rm_resp
cgi POST /receive/callback "$B" "$ENVCFG" "$AUTHV" "$CTJ" "CONTENT_LENGTH=$(len "$B")"
answer "CGI: --config wins over DLR_WEBHOOK_CONFIG -> 200 stored 1" 200 '.ok == true' '.stored == 1'
delta "CGI: --config: nothing stored in the environment's database" 0 0 0
check_eq "CGI: --config: the row is in the database its config names" 1 \
    "$(sqlite3 "$T/cgi2/other.sqlite" "SELECT count(*) FROM dlr_events WHERE id='cgi-cfgflag-1' AND webhook='second';" 2>&1)"

B=$(body_file '{"id": "cgi-cfgflag-2", "status": "DELIVRD"}')
rm_resp
cgi POST /receive/callback "$B" "$AUTHV" "$CTJ" "CONTENT_LENGTH=$(len "$B")"
answer "CGI: --config without DLR_WEBHOOK_CONFIG -> 200 stored 1" 200 '.ok == true' '.stored == 1'
check_eq "CGI: --config alone: the row is in its database" 1 \
    "$(sqlite3 "$T/cgi2/other.sqlite" "SELECT count(*) FROM dlr_events WHERE id='cgi-cfgflag-2';" 2>&1)"
CGI_ARGS=()

# ------------------------------------------------------------------ many at a time: in turn, without sleeps
# 20 CGI processes at a time on one database file, 10 requests each, as a web server runs them
# when callbacks arrive together. Each process opens the file under the openers' lock and writes
# and checkpoints under the writers' lock, waiting for them in the kernel, not in SQLite's sleeps
# (its busy handler, its WAL read retries while another process rebuilds the WAL index or
# checkpoints): before them, 6 or 7 sleeps in 100 requests here; since, none in thousands of
# requests, and once 1 in 600 in a full `make bench`, so at most 2 in these 200. strace counts
# the sleeps (clock_nanosleep, nanosleep) of every process; that it counts them at all is checked
# first, on one known sleep. LeakSanitizer cannot run under a tracer: off here.
CONC="$T/conc"
mkdir -p "$CONC"
cat > "$CONC/config.json" <<EOF
{
  "database": "$CONC/dlr.sqlite",
  "webhooks": [ {"name": "sms", "path": "/receive/callback", "secrets": ["$SECRET"]} ]
}
EOF
init_db "$CONC/config.json"
CONC_ENV=()
[ -n "${ASAN_OPTIONS:-}" ] && CONC_ENV+=("ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0")
[ -n "${UBSAN_OPTIONS:-}" ] && CONC_ENV+=("UBSAN_OPTIONS=$UBSAN_OPTIONS")
cat > "$CONC/slot.sh" <<'EOF'
# SLOT BIN CONFIG SECRET OUTDIR [NAME=VALUE...]: 10 CGI requests one after another
s=$1 bin=$2 cfg=$3 secret=$4 out=$5; shift 5
for i in 1 2 3 4 5 6 7 8 9 10; do
  body="{\"id\": \"conc-$s-$i\", \"status\": \"DELIVRD\"}"
  env -i "$@" REQUEST_METHOD=POST REQUEST_URI=/receive/callback CONTENT_TYPE=application/json \
    CONTENT_LENGTH=${#body} HTTP_AUTHORIZATION="Bearer $secret" REMOTE_ADDR=127.0.0.1 \
    DLR_WEBHOOK_CONFIG="$cfg" "$bin" <<<"$body" > "$out/$s.$i.out" 2> "$out/$s.$i.err"
done
EOF
sleeps_of() {  # strace -c's summary -> the calls of clock_nanosleep and nanosleep
  awk '$NF ~ /nanosleep$/ { s += $4 } END { print s + 0 }' "$1"
}
strace -f --seccomp-bpf -qq -c -o "$CONC/known.count" -e trace=clock_nanosleep,nanosleep \
    sleep 0.01 > /dev/null 2>&1
check_eq "CGI at a time: strace counts a known sleep (the counter works)" 1 "$(sleeps_of "$CONC/known.count")"
strace -f --seccomp-bpf -qq -c -o "$CONC/sleeps.count" -e trace=clock_nanosleep,nanosleep \
    bash -c 'for s in $(seq 20); do bash "$1/slot.sh" "$s" "$2" "$1/config.json" "$3" "$1" "${@:4}" & done; wait' \
    conc "$CONC" "$BIN" "$SECRET" "${CONC_ENV[@]}" > /dev/null 2>&1
check_eq "CGI at a time: 200 requests answered 200" 200 \
    "$(grep -l '^Status: 200' "$CONC"/*.out | wc -l)"
check_eq "CGI at a time: 200 DLRs stored, each once" "200 200 200" \
    "$(sqlite3 "$CONC/dlr.sqlite" "SELECT count(*)||' '||count(DISTINCT id)||' '||(SELECT count(*) FROM dlr_messages) FROM dlr_events;" 2>&1)"
CONC_SLEEPS=$(sleeps_of "$CONC/sleeps.count")
if [ "$CONC_SLEEPS" -le 2 ]; then ok "CGI at a time: the processes slept $CONC_SLEEPS times in 200 requests (at most 2)"
else not_ok "CGI at a time: the processes slept at most 2 times in 200 requests" "$CONC_SLEEPS sleeps"; fi
check_eq "CGI at a time: the file is sound" ok "$(sqlite3 "$CONC/dlr.sqlite" "PRAGMA integrity_check;" 2>&1)"

sql_eq "PRAGMA integrity_check" "PRAGMA integrity_check;" ok
finish

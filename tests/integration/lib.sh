# shellcheck shell=bash
# Shared helpers for the dlr-webhook integration tests.
# Sourced by the *_test.sh scripts beside it; not run on its own.
#
# Conventions:
#   - every check prints one TAP-like line: "ok - <desc>" or "not ok - <desc>: <details>"
#   - finish() prints "N passed, M failed" and exits non-zero when anything failed
#   - processes are started only on 127.0.0.1, their PIDs recorded, and only those PIDs are
#     stopped on exit (never pkill/killall)

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LIB_DIR/../.." && pwd)
DATA="$ROOT/tests/data"
BUILD_DIR="${BUILD:-build}"                      # make test passes BUILD=$(BUILD)
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
BIN="${DLR_WEBHOOK_BIN:-$BUILD_DIR/dlr-webhook}"
CTL="${DLRCTL_BIN:-$BUILD_DIR/dlrctl}"
NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"
# Request threads per responder process: above 1, group commit is on (the responder's default
# is 32). RESPONDER_THREADS=1 runs the same tests one request at a time per process.
RESPONDER_THREADS="${RESPONDER_THREADS:-8}"

# Sanitizer settings for programs started with `env -i` (CGI mode): empty unless set by make.
SAN_ENV=()
[ -n "${ASAN_OPTIONS:-}" ] && SAN_ENV+=("ASAN_OPTIONS=$ASAN_OPTIONS")
[ -n "${UBSAN_OPTIONS:-}" ] && SAN_ENV+=("UBSAN_OPTIONS=$UBSAN_OPTIONS")

PASS=0
FAIL=0
STARTED_PIDS=()     # every PID this script started (stopped in cleanup)
T=""                # the script's temp dir
NGINX_PID=""
PORT=""

# ---------------------------------------------------------------- reporting
ok()     { PASS=$((PASS + 1)); printf 'ok - %s\n' "$1"; }
not_ok() { FAIL=$((FAIL + 1)); printf 'not ok - %s: %s\n' "$1" "$2"; }

# check DESC EXPECTED ACTUAL
check_eq() {
    if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2], got [$3]"; fi
}

finish() {
    printf '%d passed, %d failed\n' "$PASS" "$FAIL"
    [ "$FAIL" -eq 0 ] && exit 0
    exit 1
}

# A fatal precondition failed: report it and stop this script (counted as a failure).
die() {
    not_ok "$1" "$2"
    finish
}

# ---------------------------------------------------------------- setup / teardown
require_tools() {
    local t missing=""
    for t in "$@"; do
        if [ "$t" = nginx ]; then
            [ -x "$NGINX_BIN" ] || missing="$missing nginx($NGINX_BIN)"
        elif ! command -v "$t" >/dev/null 2>&1; then
            missing="$missing $t"
        fi
    done
    [ -z "$missing" ] || die "required tools present" "missing:$missing (install the Debian packages; this is a failure, not a skip)"
    [ -x "$BIN" ] || die "responder binary built" "$BIN not found or not executable (run make)"
    [ -x "$CTL" ] || die "dlrctl binary built" "$CTL not found or not executable (run make)"
    ok "tools and binaries present"
}

cleanup() {
    local p i
    for p in "${STARTED_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${STARTED_PIDS[@]}"; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    if [ -n "$T" ] && [ -d "$T" ]; then
        if [ "${KEEP_TMP:-0}" = 1 ]; then echo "# temp dir kept: $T" >&2; else rm -rf "$T"; fi
    fi
}

make_tmp() {
    T=$(mktemp -d "${TMPDIR:-/tmp}/dlr-it.XXXXXX") || die "mktemp" "cannot create temp dir"
    chmod 755 "$T"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

# dlrctl init --config FILE
init_db() {
    local cfg=$1 out rc
    out=$("$CTL" init --config "$cfg" 2>&1); rc=$?
    if [ $rc -eq 0 ]; then ok "dlrctl init --config $(basename "$cfg") ($out)"
    else die "dlrctl init --config $(basename "$cfg")" "exit $rc: $out"; fi
}

# Is a TCP port on 127.0.0.1 taken? (bash /dev/tcp probe)
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a port nothing listens on, below the kernel's ephemeral range (32768 and up on
# Debian), so that no client connection of the tests can be holding it when a server binds it.
free_port() {
    local p=$((20000 + (RANDOM * 7 + $$) % 12000)) i
    for i in $(seq 1 200); do
        if ! port_in_use "$p"; then echo "$p"; return 0; fi
        p=$((p + 1)); [ $p -gt 32000 ] && p=20000
    done
    return 1
}

# write_nginx_conf PORT  -> $T/nginx.conf
# nginx_conf_head USER WORKERS CONNECTIONS: the start of an nginx.conf kept in $T (pid, logs and
# temporary files there), up to the open http block; USER "" for no user line.
nginx_conf_head() {
    [ -n "$1" ] && echo "user $1;"
    cat <<EOF
daemon off;
master_process on;
worker_processes $2;
pid $T/nginx.pid;
error_log $T/error.log info;
events { worker_connections $3; }
http {
    access_log $T/access.log;
    client_body_temp_path $T/client_body_temp;
    proxy_temp_path $T/proxy_temp;
    fastcgi_temp_path $T/fastcgi_temp;
    uwsgi_temp_path $T/uwsgi_temp;
    scgi_temp_path $T/scgi_temp;
EOF
}

write_nginx_conf() {
    local port=$1 user=""
    [ "$(id -u)" = 0 ] && user=root
    mkdir -p "$T/logs"
    { nginx_conf_head "$user" 2 512; cat <<EOF
    server {
        listen 127.0.0.1:$port;
        server_name localhost;
        client_max_body_size 1m;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_param DLR_WEBHOOK_CONFIG $T/config.json;
            fastcgi_param REQUEST_ID \$request_id;
            fastcgi_pass unix:$T/dlr.sock;
        }
    }
}
EOF
    } > "$T/nginx.conf"
}

# PIDs spawn-fcgi wrote with -F (one a line; the last line has no newline)
responder_pids() { grep -o '[0-9][0-9]*' "$T/spawn.pid" 2>/dev/null; }

# spawn_responders [N]: spawn-fcgi -F N (default 4) responders (--threads $RESPONDER_THREADS each) on $T/dlr.sock, PIDs in $T/spawn.pid
# (replaced) and STARTED_PIDS. Also after all earlier ones are gone (kill -9): spawn-fcgi then binds
# the same socket path again. Returns non-zero with the reason in SPAWN_ERR.
spawn_responders() {
    local n=${1:-4} out rc p
    SPAWN_ERR=""
    rm -f "$T/spawn.pid"
    # The config must come from the FastCGI parameter (nginx fastcgi_param), not our environment.
    # spawn-fcgi points the children's stderr at /dev/null; a sh that execs the responder (same PID,
    # fd 0 still the listening socket) keeps the responder's log in $T/responder.log.
    out=$(cd "$T" && env -u DLR_WEBHOOK_CONFIG spawn-fcgi -s "$T/dlr.sock" -F "$n" -P "$T/spawn.pid" -- \
        /bin/sh -c 'exec "$0" --threads "$2" 2>>"$1"' "$BIN" "$T/responder.log" "$RESPONDER_THREADS" 2>&1); rc=$?
    if [ -f "$T/spawn.pid" ]; then
        for p in $(responder_pids); do STARTED_PIDS+=("$p"); done
    fi
    if [ $rc -ne 0 ]; then SPAWN_ERR="spawn-fcgi exit $rc: $out"; return 1; fi
    if [ ! -f "$T/spawn.pid" ] || [ "$(grep -c '[0-9]' "$T/spawn.pid")" -ne "$n" ]; then
        SPAWN_ERR="spawn-fcgi wrote no $n PIDs: $(cat "$T/spawn.pid" 2>/dev/null)"; return 1
    fi
    return 0
}

# start_stack: spawn-fcgi -F 4 responders on $T/dlr.sock + nginx on a free port. Sets PORT, BASE.
start_stack() {
    local attempt code i
    spawn_responders 4 || die "spawn-fcgi -F 4 started the responder" "$SPAWN_ERR"

    for attempt in 1 2 3; do
        PORT=$(free_port) || die "free loopback port" "none found"
        write_nginx_conf "$PORT"
        "$NGINX_BIN" -p "$T/" -c "$T/nginx.conf" -e "$T/error.log" >"$T/nginx.out" 2>&1 &
        NGINX_PID=$!
        STARTED_PIDS+=("$NGINX_PID")
        BASE="http://127.0.0.1:$PORT"
        for i in $(seq 1 100); do
            if ! kill -0 "$NGINX_PID" 2>/dev/null; then break; fi
            code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$BASE/__readiness_probe__" 2>/dev/null)
            if [ -n "$code" ] && [ "$code" != 000 ] && [ "$code" != 502 ] && [ "$code" != 504 ]; then
                ok "nginx (port $PORT) + spawn-fcgi -F 4 x $RESPONDER_THREADS threads stack answers (probe got $code)"
                return 0
            fi
            sleep 0.1
        done
        if kill -0 "$NGINX_PID" 2>/dev/null; then
            die "nginx + responder stack ready" "probe still answered '$code' after 10s; nginx error.log: $(tail -n 5 "$T/error.log" 2>/dev/null | tr '\n' ' ')"
        fi
        wait "$NGINX_PID" 2>/dev/null
        grep -q 'Address already in use' "$T/error.log" "$T/nginx.out" 2>/dev/null || break
    done
    die "nginx started" "nginx exited: $(cat "$T/nginx.out" 2>/dev/null | tr '\n' ' ') $(tail -n 5 "$T/error.log" 2>/dev/null | tr '\n' ' ')"
}

# ---------------------------------------------------------------- HTTP through nginx
# req METHOD PATH_AND_QUERY [curl args...]
# Takes a row-count snapshot first (see delta), then sets CODE and the files $T/resp.body, $T/resp.hdr
req() {
    local method=$1 path=$2; shift 2
    snap
    rm -f "$T/resp.body" "$T/resp.hdr"
    CODE=$(curl -sS --max-time 20 -X "$method" -o "$T/resp.body" -D "$T/resp.hdr" -w '%{http_code}' \
        "$@" "$BASE$path" 2>"$T/curl.err")
    [ -f "$T/resp.body" ] || : > "$T/resp.body"
    [ -f "$T/resp.hdr" ] || : > "$T/resp.hdr"
    REQ_DESC="$method $path"
    check_responders
}

# After each request through the stack: a responder process that died is a failure (spawn-fcgi
# does not restart it), reported once with the request that preceded its death.
DEAD_SEEN=" "
check_responders() {
    local p
    [ -f "$T/spawn.pid" ] || return 0
    for p in $(responder_pids); do
        case "$DEAD_SEEN" in *" $p "*) continue ;; esac
        if ! kill -0 "$p" 2>/dev/null; then
            sleep 0.2   # let the exit be logged
            DEAD_SEEN="$DEAD_SEEN$p "
            not_ok "responder process $p survives every request" \
                "it is gone after: $REQ_DESC (answer $CODE: $(body_short)); last log: $(grep "\[$p\]" "$T/responder.log" 2>/dev/null | tail -n 2 | tr '\n' ' ')"
        fi
    done
}

# header NAME -> value of the last such header in $T/resp.hdr (CR stripped), empty if absent
header() {
    tr -d '\r' < "$T/resp.hdr" | awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" '
        { i = index($0, ":"); if (i > 0) { k = tolower(substr($0, 1, i - 1)); if (k == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); last = v } } }
        END { print last }'
}

body_short() { head -c 300 "$T/resp.body" | tr '\n' ' '; }

# answer DESC STATUS [JQ_BOOLEAN_EXPR...]
# One check: status code, Content-Type application/json, body is a JSON value, each jq expression true.
answer() {
    local desc=$1 want=$2; shift 2
    local ct e problems=""
    [ "$CODE" = "$want" ] || problems="status $CODE (want $want)"
    ct=$(header Content-Type)
    case "$ct" in
        application/json|application/json\;*) ;;
        *) problems="$problems; Content-Type [$ct]" ;;
    esac
    if ! jq -e . < "$T/resp.body" >/dev/null 2>&1; then
        problems="$problems; body is not JSON"
    else
        for e in "$@"; do
            if ! jq -e "$e" < "$T/resp.body" >/dev/null 2>&1; then problems="$problems; body fails [$e]"; fi
        done
    fi
    if [ -z "$problems" ]; then ok "$desc"
    else not_ok "$desc" "${problems#; } | request: $REQ_DESC | answer $CODE: $(body_short)"; fi
}

# err_answer DESC STATUS ERROR_CODE : the contract's error shape
err_answer() {
    answer "$1" "$2" '.ok == false' ".error == \"$3\"" '(.message | type == "string" and length > 0)'
}

# header_matches DESC NAME EXTENDED_REGEX
header_matches() {
    local v; v=$(header "$2")
    if printf '%s' "$v" | grep -Eq "$3"; then ok "$1"
    else not_ok "$1" "header $2 is [$v], want /$3/ | request: $REQ_DESC | answer $CODE"; fi
}

# ---------------------------------------------------------------- database
DB=""
sql() { sqlite3 -batch -noheader "$DB" "$@" 2>&1; }

counts() { sql "SELECT (SELECT count(*) FROM dlr_events)||' '||(SELECT count(*) FROM dlr_messages)||' '||(SELECT count(*) FROM dlr_rejected);"; }

SNAP="0 0 0"
snap() { SNAP=$(counts); }

# delta DESC dEVENTS dMESSAGES dREJECTED : row count changes since the last snap; re-snaps
delta() {
    local now e0 m0 r0 e1 m1 r1
    now=$(counts)
    read -r e0 m0 r0 <<< "$SNAP"
    read -r e1 m1 r1 <<< "$now"
    local got="$((e1 - e0)) $((m1 - m0)) $((r1 - r0))"
    if [ "$got" = "$2 $3 $4" ]; then ok "$1 (db: events +$2, messages +$3, rejected +$4)"
    else not_ok "$1" "db row changes (events messages rejected) expected [+$2 +$3 +$4], got [$got] | request: $REQ_DESC"; fi
    SNAP=$now
}

# sql_eq DESC QUERY EXPECTED
sql_eq() { check_eq "$1" "$3" "$(sql "$2")"; }

hexof() { od -An -tx1 -v | tr -d ' \n' | tr 'a-f' 'A-F'; }

# ---------------------------------------------------------------- processes
# rss_kb PID -> VmRSS in kB (empty when the process is gone)
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# is_running PID: alive and not a zombie (spawn-fcgi's children are reaped by init, not by us)
is_running() {
    local st
    st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# kill_responders: kill -9 every responder in $T/spawn.pid and wait until they are gone
kill_responders() {
    local p
    for p in $(responder_pids); do kill -KILL "$p" 2>/dev/null; done
    for p in $(responder_pids); do
        while is_running "$p"; do sleep 0.01; done
    done
}

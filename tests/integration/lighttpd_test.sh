#!/usr/bin/env bash
# dlr-webhook behind a real lighttpd (Debian's lighttpd, mod_fastcgi) with the shipped
# lighttpd/dlr-webhook.conf (only its three settings changed), in both of its ways:
#   - socket: responders started by spawn-fcgi on a unix socket, as the systemd units would
#     (DLR_WEBHOOK_CONFIG in their environment); lighttpd connects to it;
#   - bin-path: lighttpd starts the responder itself, and stops it when it stops.
# Through each: the verification handshake, a DLR stored (checked in the SQLite file), the
# Authorization header reaching the responder (the right secret 200, a wrong one and none 401),
# oversized bodies 413 with the responder's JSON, the health path; no secret in lighttpd's log.
# Each lighttpd has its own config in the temp dir, a free 127.0.0.1 port, and is stopped by PID.
# As root, lighttpd and the responders run as www-data. A missing lighttpd is a failure.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LIGHTTPD_BIN="${LIGHTTPD_BIN:-/usr/sbin/lighttpd}"
require_tools curl sqlite3 jq spawn-fcgi od
[ -x "$LIGHTTPD_BIN" ] || die "lighttpd present" "$LIGHTTPD_BIN not found (apt install lighttpd; this is a failure, not a skip)"
ok "$("$LIGHTTPD_BIN" -v 2>/dev/null | head -n 1)"
make_tmp

SECRET="1233XXX"
KEY="9012XX"
AUTH="Authorization: Bearer $SECRET"
JSON="Content-Type: application/json"
MAX=4096

RUN_USER=""
if [ "$(id -u)" = 0 ]; then
    for u in www-data nobody; do
        if id "$u" >/dev/null 2>&1; then RUN_USER=$u; break; fi
    done
    [ -n "$RUN_USER" ] || die "an unprivileged user for lighttpd" "neither www-data nor nobody exists"
    RUN_GROUP=$(id -gn "$RUN_USER")
fi
as_run_user() {
    if [ -n "$RUN_USER" ]; then setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups -- "$@"
    else "$@"; fi
}

# setup MODE: $T/MODE/ with config.json, dlr.sqlite (owned by the run user), run/ for the socket
setup() {
    local d="$T/$1" out
    mkdir -p "$d/run"
    cp "$BIN" "$d/dlr-webhook"
    cat > "$d/config.json" <<EOF
{
  "database": "$d/dlr.sqlite",
  "max_body_bytes": $MAX,
  "health": {"path": "/dlr/health"},
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "$KEY", "secrets": ["$SECRET"]}
  ]
}
EOF
    chmod 644 "$d/config.json"
    [ -n "$RUN_USER" ] && chown "$RUN_USER:$RUN_GROUP" "$d" "$d/run"
    out=$(as_run_user "$CTL" init --config "$d/config.json" 2>&1) || die "dlrctl init ($1)" "$out"
}

# shipped MODE BIN_PATH -> $T/MODE/dlr-webhook.conf: the shipped file, its settings pointed into $T
shipped() {
    local d="$T/$1"
    sed -e "s#^var.dlr_webhook_bin_path = \"\"#var.dlr_webhook_bin_path = \"$2\"#" \
        -e "s#^var.dlr_webhook_socket   = \".*\"#var.dlr_webhook_socket   = \"$d/run/dlr.sock\"#" \
        -e "s#^var.dlr_webhook_config   = \".*\"#var.dlr_webhook_config   = \"$d/config.json\"#" \
        "$ROOT/lighttpd/dlr-webhook.conf" > "$d/dlr-webhook.conf"
    if ! grep -q "^var.dlr_webhook_bin_path = \"$2\"$" "$d/dlr-webhook.conf" ||
        ! grep -q "^var.dlr_webhook_socket   = \"$d/run/dlr.sock\"$" "$d/dlr-webhook.conf" ||
        ! grep -q "^var.dlr_webhook_config   = \"$d/config.json\"$" "$d/dlr-webhook.conf"; then
        die "the three settings of lighttpd/dlr-webhook.conf found" "$(head -n 40 "$d/dlr-webhook.conf")"
    fi
}

# start_lighttpd MODE: lighttpd -D with $T/MODE/lighttpd.conf including the shipped file. Sets
# LIGHTTPD_PID, BASE.
LIGHTTPD_PID=""
start_lighttpd() {
    local d="$T/$1" i code port out
    for _ in 1 2 3; do
        port=$(free_port) || die "free loopback port" "none found"
        {
            echo "server.document-root = \"$d\""
            echo "server.bind = \"127.0.0.1\""
            echo "server.port = $port"
            echo "server.errorlog = \"$d/error.log\""
            echo "server.pid-file = \"$d/lighttpd.pid\""
            echo "server.upload-dirs = ( \"$d\" )"
            [ -n "$RUN_USER" ] && echo "server.username = \"$RUN_USER\"" && echo "server.groupname = \"$RUN_GROUP\""
            echo "include \"$d/dlr-webhook.conf\""
        } > "$d/lighttpd.conf"
        out=$("$LIGHTTPD_BIN" -tt -f "$d/lighttpd.conf" 2>&1) \
            || die "$1: lighttpd -tt accepts the config with the shipped file" "$out"
        : > "$d/error.log"
        [ -n "$RUN_USER" ] && chown "$RUN_USER:$RUN_GROUP" "$d/error.log"
        "$LIGHTTPD_BIN" -D -f "$d/lighttpd.conf" >"$d/stdout.log" 2>&1 &
        LIGHTTPD_PID=$!
        STARTED_PIDS+=("$LIGHTTPD_PID")
        BASE="http://127.0.0.1:$port"
        for i in $(seq 1 100); do
            kill -0 "$LIGHTTPD_PID" 2>/dev/null || break
            code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$BASE/__probe__" 2>/dev/null)
            if [ "$code" = 404 ] || [ "$code" = 403 ]; then
                ok "$1: lighttpd -D answers on 127.0.0.1:$port${RUN_USER:+ (as $RUN_USER)}"
                return 0
            fi
            sleep 0.1
        done
        if kill -0 "$LIGHTTPD_PID" 2>/dev/null; then
            die "$1: lighttpd ready" "no answer after 10s; error.log: $(tail -n 5 "$d/error.log" | tr '\n' ' ')"
        fi
        wait "$LIGHTTPD_PID" 2>/dev/null
        grep -q 'Address already in use' "$d/error.log" "$d/stdout.log" 2>/dev/null || break
    done
    die "$1: lighttpd started" "it exited: $(tr -d "\r" < "$d/stdout.log" | tr '\n' ' ') $(tail -n 5 "$d/error.log" | tr '\n' ' ')"
}

# stop_lighttpd: SIGTERM to the lighttpd we started, waited for
stop_lighttpd() {
    local i=0
    kill -TERM "$LIGHTTPD_PID" 2>/dev/null
    while kill -0 "$LIGHTTPD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$LIGHTTPD_PID" 2>/dev/null; then
        not_ok "lighttpd stops on SIGTERM" "still running after 10 s"
    else
        wait "$LIGHTTPD_PID" 2>/dev/null
        ok "lighttpd stops on SIGTERM"
    fi
}

# checks MODE: handshake, a DLR stored, Authorization passed, 401s, 413s, health
checks() {
    local name=$1 id="lighttpd-$1-1"
    # shellcheck disable=SC2034  # read by lib.sh's sql, counts and delta
    DB="$T/$1/dlr.sqlite"

    req POST "/receive/callback?token=$KEY" -H "$AUTH" -H "$JSON" --data-binary @"$DATA/platform_verify.json"
    answer "$name: verification request -> 200 with the challenge and the validation key" 200 \
        '.challenge == "a234qwe"' ".validation_key == \"$KEY\""
    delta "$name: verification stores nothing" 0 0 0

    req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$DATA/platform_example.json"
    answer "$name: the platform's DLR with the bearer secret (Authorization reaches the responder) -> 200 stored 1" 200 \
        '.ok == true' '.stored == 1' '.duplicates == 0'
    delta "$name: the DLR is stored" 1 1 0
    sql_eq "$name: stored row (status, webhook, raw exact)" \
        "SELECT status||'|'||webhook||'|'||(hex(raw) = '$(hexof < "$DATA/platform_example.json")') FROM dlr_events WHERE id='b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1';" \
        "DELIVRD|sms|1"

    req POST /receive/callback -H "$JSON" -H "Authorization: Bearer ${SECRET}x" --data-binary "{\"id\": \"$id\", \"status\": \"DELIVRD\"}"
    err_answer "$name: wrong secret -> 401 unauthorized" 401 unauthorized
    header_matches "$name: 401 has WWW-Authenticate: Bearer" WWW-Authenticate '^[Bb]earer'
    delta "$name: 401 stores nothing" 0 0 0

    req POST /receive/callback -H "$JSON" --data-binary "{\"id\": \"$id\", \"status\": \"DELIVRD\"}"
    err_answer "$name: no Authorization header -> 401 unauthorized" 401 unauthorized
    delta "$name: 401 (no header) stores nothing" 0 0 0

    req POST /receive/callback -H "$JSON" -H "$AUTH" --data-binary "{\"id\": \"$id\", \"status\": \"DELIVRD\"}"
    answer "$name: the same DLR with the secret -> 200 stored 1" 200 '.stored == 1'
    delta "$name: it is stored" 1 1 0

    head -c $((MAX + 1000)) /dev/zero | tr '\0' 'x' > "$T/big.in"
    req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$T/big.in"
    err_answer "$name: body of $((MAX + 1000)) bytes over max_body_bytes $MAX -> 413 too_large" 413 too_large
    delta "$name: 413 stores nothing" 0 0 0

    # more than a socket buffer holds: lighttpd buffers it, the responder refuses it unread
    head -c 300000 /dev/zero | tr '\0' 'x' > "$T/big.in"
    req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$T/big.in"
    err_answer "$name: body of 300000 bytes -> 413 too_large (the responder's, not lighttpd's)" 413 too_large
    delta "$name: 413 (300000 bytes) stores nothing" 0 0 0

    req GET /dlr/health
    answer "$name: GET /dlr/health -> 200" 200
}

no_secret_in_log() {
    if grep -qF "$SECRET" "$T/$1/error.log"; then
        not_ok "$1: no secret in lighttpd's error.log" "$(grep -F "$SECRET" "$T/$1/error.log" | head -n 2)"
    else
        ok "$1: no secret in lighttpd's error.log ($(wc -l < "$T/$1/error.log") lines)"
    fi
}

# ------------------------------------------------------------------ socket: spawn-fcgi
setup socket
shipped socket ""
spawn_args=(-s "$T/socket/run/dlr.sock" -M 0660 -F 1 -P "$T/spawn.pid")
[ -n "$RUN_USER" ] && spawn_args+=(-U "$RUN_USER" -G "$RUN_GROUP" -u "$RUN_USER" -g "$RUN_GROUP")
# shellcheck disable=SC2016  # $0 and $1 are the sh -c script's own arguments
out=$(cd "$T" && env DLR_WEBHOOK_CONFIG="$T/socket/config.json" spawn-fcgi "${spawn_args[@]}" -- \
    /bin/sh -c 'exec "$0" 2>>"$1"' "$T/socket/dlr-webhook" "$T/socket/run/responder.log" 2>&1); rc=$?
for p in $(responder_pids); do STARTED_PIDS+=("$p"); done
[ $rc -eq 0 ] && [ "$(responder_pids | wc -l)" -eq 1 ] \
    || die "spawn-fcgi started the responder on $T/socket/run/dlr.sock" "exit $rc: $out"
ok "socket: spawn-fcgi started the responder (DLR_WEBHOOK_CONFIG in its environment)"
start_lighttpd socket
checks socket
stop_lighttpd
no_secret_in_log socket
check_eq "socket: the responder is spawn-fcgi's, still running after lighttpd stopped" yes \
    "$(is_running "$(responder_pids | head -n 1)" && echo yes || echo no)"
rm -f "$T/spawn.pid"

# ------------------------------------------------------------------ bin-path: lighttpd starts it
setup binpath
shipped binpath "$T/binpath/dlr-webhook"
start_lighttpd binpath
# the responder lighttpd started: a child of lighttpd running $T/binpath/dlr-webhook
spawned() {
    local p
    for p in $(pgrep -P "$LIGHTTPD_PID" 2>/dev/null); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$T/binpath/dlr-webhook" ] && echo "$p"
    done
}
kids=$(spawned | tr '\n' ' ')
check_eq "binpath: lighttpd started one responder" 1 "$(echo "$kids" | wc -w)"
if [ -n "$RUN_USER" ] && [ -n "${kids// /}" ]; then
    check_eq "binpath: the responder runs as $RUN_USER" "$RUN_USER" "$(ps -o user= -p "${kids%% *}" | tr -d ' ')"
fi
checks binpath
# lighttpd restarts a responder that died
first=${kids%% *}
if [ -n "$first" ]; then
    kill -KILL "$first"
    code=""
    for i in $(seq 1 50); do
        code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' -H "$AUTH" -H "$JSON" \
            --data-binary '{"id": "lighttpd-binpath-after-kill", "status": "DELIVRD"}' "$BASE/receive/callback")
        [ "$code" = 200 ] && break
        sleep 0.2
    done
    check_eq "binpath: after kill -9 of the responder, lighttpd starts another and a DLR is stored" 200 "$code"
    sql_eq "binpath: that DLR is in the database" \
        "SELECT count(*) FROM dlr_events WHERE id='lighttpd-binpath-after-kill';" 1
fi
kids=$(spawned | tr '\n' ' ')
stop_lighttpd
# lighttpd sends the responder SIGTERM and exits without waiting for it: it commits what is in
# flight and exits on its own, within a few seconds.
for i in $(seq 1 50); do
    left=""
    for p in $kids; do is_running "$p" && left="$left $p"; done
    [ -z "$left" ] && break
    sleep 0.1
done
check_eq "binpath: no responder left running after lighttpd stopped (waited $((i / 10)).$((i % 10)) s)" "" "$left"
no_secret_in_log binpath
finish

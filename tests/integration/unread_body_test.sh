#!/usr/bin/env bash
# A request refused from its head (no bearer: 401) is answered without its body being read. The
# responder then closes the connection with the body still unread; through nginx that must still be
# a clean 401, never a 502 (a reset connection), whatever the body's size and however nginx reaches
# the responder: spawn-fcgi's Unix socket, and TCP with --listen. Bodies of 900 KB, near nginx's
# client_max_body_size (1m here) and the config's max_body_bytes, far past the sockets' buffers.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3
make_tmp

SECRET="unread-S3cret"
DB="$T/dlr.sqlite"
cat > "$T/config.json" <<JSON
{"database": "$DB", "max_body_bytes": 1000000,
 "webhooks": [{"name": "sms", "path": "/receive/callback", "validation_key": "k", "secrets": ["$SECRET"]}]}
JSON
init_db "$T/config.json"
start_stack
head -c 900000 /dev/zero | tr '\0' 'x' > "$T/big.txt"

# try LABEL: 30 requests without the bearer, then one with it; every refused one a JSON 401.
try() {
    local label=$1 i codes="" n401=0
    for i in $(seq 1 30); do
        req POST /receive/callback -H "Content-Type: application/json" --data-binary @"$T/big.txt"
        if [ "$CODE" = 401 ] && grep -q '"error":"unauthorized"' "$T/resp.body"; then
            n401=$((n401 + 1))
        else
            codes="$codes $CODE"
        fi
    done
    check_eq "$label: 30 unauthenticated 900 KB bodies, each answered a JSON 401 unread (others:$codes)" 30 "$n401"
    req POST /receive/callback -H "Content-Type: application/json" -H "Authorization: Bearer $SECRET" \
        --data-binary "{\"id\": \"unread-$2\", \"status\": \"DELIVRD\"}"
    check_eq "$label: then a DLR with the bearer is stored (200)" 200 "$CODE"
}

try "Unix socket (spawn-fcgi)" unix

FPORT=$(free_port) || die "free loopback port" "none found"
"$BIN" --listen "127.0.0.1:$FPORT" --config "$T/config.json" 2>>"$T/tcp.log" &
STARTED_PIDS+=("$!")
for i in $(seq 1 50); do port_in_use "$FPORT" && break; sleep 0.1; done
port_in_use "$FPORT" || die "dlr-webhook --listen 127.0.0.1:$FPORT" "not listening: $(cat "$T/tcp.log")"
# nginx to the TCP responder only: the spawn-fcgi ones are stopped first.
for p in $(responder_pids); do kill "$p" 2>/dev/null; done
rm -f "$T/spawn.pid"
sed -i "s#fastcgi_pass unix:$T/dlr.sock;#fastcgi_pass 127.0.0.1:$FPORT;#" "$T/nginx.conf"
kill -HUP "$NGINX_PID"
for i in $(seq 1 50); do
    req POST /receive/callback -H "Content-Type: application/json" -H "Authorization: Bearer $SECRET" \
        --data-binary '{"id": "unread-probe", "status": "DELIVRD"}'
    [ "$CODE" = 200 ] && break
    sleep 0.1
done
check_eq "nginx reaches the --listen responder over TCP" 200 "$CODE"
try "TCP (--listen)" tcp

check_eq "no connection reset or broken pipe in nginx's error log" 0 \
    "$(grep -c -i 'reset by peer\|broken pipe' "$T/error.log")"
sql_eq "the refused bodies stored nothing; the three DLRs with the bearer are stored" \
    "SELECT count(*) FROM dlr_events;" 3
finish

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

# How the responder ends a connection on a Unix socket, seen from a client that keeps its end open
# after the answer (nginx closes its end at once; a client may not). With all the input read, the
# responder closes at once: its only request thread (--threads 1) answers the next connection
# straight away. With the body left unread (a 401 from the head), it waits for the client's close
# as libfcgi does (at most 2 s), so that the unread bytes cannot reset the answer.
cat > "$T/hold.py" <<'PY'
import socket, struct, sys, time

sys.path.insert(0, sys.argv[4])
from fcgi_request import pair, record  # tests/integration/fcgi_request.py

def send(path, bearer, ident):
    body = ('{"id": "%s", "status": "DELIVRD"}' % ident).encode()
    params = [("REQUEST_METHOD", "POST"), ("SCRIPT_NAME", "/receive/callback"),
              ("REQUEST_URI", "/receive/callback"), ("DOCUMENT_URI", "/receive/callback"),
              ("QUERY_STRING", ""), ("CONTENT_TYPE", "application/json"),
              ("CONTENT_LENGTH", str(len(body))), ("REMOTE_ADDR", "127.0.0.1"),
              ("SERVER_PROTOCOL", "HTTP/1.1")]
    if bearer:
        params.append(("HTTP_AUTHORIZATION", "Bearer " + bearer))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(record(1, struct.pack(">HB5x", 1, 0)) + record(4, b"".join(pair(n.encode(), v.encode()) for n, v in params))
              + record(4, b"") + record(5, body) + record(5, b""))
    buf, out = b"", b""
    while True:
        while len(buf) < 8 or len(buf) < 8 + struct.unpack(">H", buf[4:6])[0] + buf[6]:
            more = s.recv(65536)
            if not more:
                raise SystemExit("closed before FCGI_END_REQUEST")
            buf += more
        kind, clen, plen = buf[1], struct.unpack(">H", buf[4:6])[0], buf[6]
        if kind == 6:
            out += buf[8:8 + clen]
        buf = buf[8 + clen + plen:]
        if kind == 3:
            return s, out.split(b"\r\n", 1)[0].decode()

path, secret, first = sys.argv[1], sys.argv[2], sys.argv[3]
held, status_a = send(path, secret if first == "stored" else "", "hold-a-" + first)
t0 = time.monotonic()
b, status_b = send(path, secret, "hold-b-" + first)
print("%s|%s|%.2f" % (status_a, status_b, time.monotonic() - t0))
b.close()
held.close()
PY
"$BIN" --listen "unix:$T/one.sock" --threads 1 --config "$T/config.json" 2>>"$T/one.log" &
STARTED_PIDS+=("$!")
for i in $(seq 1 50); do [ -S "$T/one.sock" ] && break; sleep 0.1; done
IFS='|' read -r a b secs < <(python3 "$T/hold.py" "$T/one.sock" "$SECRET" stored "$LIB_DIR")
check_eq "a held connection after a stored DLR: its answer" "Status: 200 OK" "$a"
check_eq "the next connection's DLR stored too" "Status: 200 OK" "$b"
check_eq "the next connection answered at once (${secs} s): the first one was closed, not waited on" \
    1 "$(awk -v s="${secs:-9}" 'BEGIN { print (s < 1.0) }')"
IFS='|' read -r a b secs < <(python3 "$T/hold.py" "$T/one.sock" "$SECRET" refused "$LIB_DIR")
check_eq "a held connection after a 401 from the head (body unread): its answer" \
    "Status: 401 Unauthorized" "$a"
check_eq "the next connection's DLR stored" "Status: 200 OK" "$b"
check_eq "the next connection waited for the first one's close, as libfcgi does (${secs} s)" \
    1 "$(awk -v s="${secs:-0}" 'BEGIN { print (s >= 1.5) }')"

check_eq "no connection reset or broken pipe in nginx's error log" 0 \
    "$(grep -c -i 'reset by peer\|broken pipe' "$T/error.log")"
sql_eq "the refused bodies stored nothing; the six DLRs with the bearer are stored" \
    "SELECT count(*) FROM dlr_events;" 6
finish

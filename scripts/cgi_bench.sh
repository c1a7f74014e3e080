#!/usr/bin/env bash
# Wall time of one plain-CGI request, process start to exit, as a web server would run it.
#
#   scripts/cgi_bench.sh [BINARY] [N]     default: build/portable/dlr-webhook, 200 requests
#
# Runs BINARY N times in CGI mode, each time storing a new DLR (a durable SQLite commit), then N
# times answering the verification handshake (no database work: start-up, config, answer).
# Prints the median, mean and 90th percentile of each. The database lives in a temporary
# directory under ${TMPDIR:-/tmp}: put TMPDIR on the disk you want to measure (a tmpfs has no
# fsync cost). Nothing else is started; nothing is left behind.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-$ROOT/build/portable/dlr-webhook}
N=${2:-200}
[ -x "$BIN" ] || { echo "cgi_bench: $BIN not found (make portable, or name a binary)" >&2; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

dir=$(mktemp -d "${TMPDIR:-/tmp}/dlr-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cat > "$dir/config.json" <<JSON
{"database": "dlr.sqlite",
 "webhooks": [{"name": "sms", "path": "/receive/callback", "validation_key": "K", "secrets": ["S"]}]}
JSON

export GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1
export HTTP_AUTHORIZATION="Bearer S" DLR_WEBHOOK_CONFIG="$dir/config.json"

# stats FILE LABEL: microseconds, one a line
stats() {
    sort -n "$1" | awk -v label="$2" '{ v[NR] = $1; s += $1 }
        END { printf "%-44s median %.2f ms, mean %.2f ms, p90 %.2f ms (%d requests)\n", label,
              v[int((NR + 1) / 2)] / 1000, s / NR / 1000, v[int(NR * 0.9)] / 1000, NR }'
}
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

# stored DLRs: a new id each time, the body on stdin, CONTENT_LENGTH exact
run_store() {
    local i body t0 t1
    for ((i = 0; i < $1; i++)); do
        body="{\"id\": \"bench-$$-$2-$i\", \"status\": \"DELIVRD\", \"deliv_time\": \"2021-04-09 16:27:51\"}"
        t0=$(now_us)
        REQUEST_METHOD=POST REQUEST_URI=/receive/callback CONTENT_TYPE=application/json \
            CONTENT_LENGTH=${#body} "$BIN" <<< "$body" > "$dir/out"
        t1=$(now_us)
        head -n 1 "$dir/out" | grep -q '^Status: 200' || { echo "cgi_bench: not stored:" >&2; cat "$dir/out" >&2; exit 1; }
        echo $((t1 - t0))
    done
}
run_handshake() {
    local i t0 t1
    for ((i = 0; i < $1; i++)); do
        t0=$(now_us)
        REQUEST_METHOD=GET REQUEST_URI="/receive/callback?token=K&challenge=c" \
            QUERY_STRING="token=K&challenge=c" "$BIN" < /dev/null > "$dir/out"
        t1=$(now_us)
        echo $((t1 - t0))
    done
}

run_store 20 warm > /dev/null          # creates the schema; warms the page cache
run_store "$N" run > "$dir/store.us"
run_handshake 20 > /dev/null
run_handshake "$N" > "$dir/handshake.us"
run_true() { local i t0 t1; for ((i = 0; i < $1; i++)); do t0=$(now_us); /bin/true; t1=$(now_us); echo $((t1 - t0)); done; }
run_true "$N" > "$dir/true.us"

echo "# $BIN, database in $dir ($(df -PT "$dir" | awk 'NR == 2 {print $2}'))"
stats "$dir/store.us" "CGI request storing a DLR (durable commit):"
stats "$dir/handshake.us" "CGI handshake (no database):"
stats "$dir/true.us" "for scale, /bin/true started the same way:"
if command -v sqlite3 > /dev/null; then
    echo "rows stored: $(sqlite3 "$dir/dlr.sqlite" 'SELECT count(*) FROM dlr_events') (expected $((N + 20)))"
fi

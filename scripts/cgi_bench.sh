#!/usr/bin/env bash
# Wall time of one plain-CGI request, process start to exit, as a web server would run it.
#
#   scripts/cgi_bench.sh [BINARY] [N] [AT_ONCE]
#                         default: build/portable/dlr-webhook, 200 requests, 20 at once
#
# Runs BINARY N times in CGI mode, each time storing a new DLR (a durable SQLite commit), then N
# times answering the verification handshake (no database work: start-up, config, answer).
# Prints the median, mean and 90th percentile of each. Then N more stored DLRs, AT_ONCE at a time
# on the same database file (0: not run), as a web server runs CGI programs when callbacks
# arrive together: their throughput, and the sleeps (clock_nanosleep, nanosleep) of all those
# processes counted by `perf stat` (or `strace -f -c`): a request that waits for another's write
# by backing off in sleeps shows there. The database lives in a temporary
# directory under ${TMPDIR:-/tmp}: put TMPDIR on the disk you want to measure (a tmpfs has no
# fsync cost). Nothing else is started; nothing is left behind.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-$ROOT/build/portable/dlr-webhook}
N=${2:-200}
AT_ONCE=${3:-20}
[[ $N =~ ^[0-9]+$ && $N -gt 0 && $AT_ONCE =~ ^[0-9]+$ ]] || { echo "cgi_bench: N and AT_ONCE: numbers" >&2; exit 2; }
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
expected=$((N + 20))

# AT_ONCE slots, each storing its share of N one after another; one line per request in conc.us
if [ "$AT_ONCE" -gt 0 ]; then
    run_slot() {
        local s=$1 each=$2 i body t0 t1
        for ((i = 0; i < each; i++)); do
            body="{\"id\": \"bench-$$-conc-$s-$i\", \"status\": \"DELIVRD\", \"deliv_time\": \"2021-04-09 16:27:51\"}"
            t0=$(now_us)
            REQUEST_METHOD=POST REQUEST_URI=/receive/callback CONTENT_TYPE=application/json \
                CONTENT_LENGTH=${#body} "$BIN" <<< "$body" > "$dir/out.$s"
            t1=$(now_us)
            head -n 1 "$dir/out.$s" | grep -q '^Status: 200' || echo "not stored: $(head -n 1 "$dir/out.$s")" >&2
            echo $((t1 - t0)) >> "$dir/conc.us"
        done
    }
    run_all() {
        local s each=$(( (N + AT_ONCE - 1) / AT_ONCE ))
        for ((s = 0; s < AT_ONCE; s++)); do run_slot "$s" "$each" & done
        wait
    }
    export -f run_slot run_all now_us; export BIN N AT_ONCE dir
    counter=""
    if perf stat -x, -o /dev/null -e syscalls:sys_enter_clock_nanosleep,syscalls:sys_enter_nanosleep \
        -- true > /dev/null 2>&1; then
        counter=perf
        t0=$(now_us)
        perf stat -x, -o "$dir/sleeps" -e syscalls:sys_enter_clock_nanosleep,syscalls:sys_enter_nanosleep \
            -- bash -c run_all
        t1=$(now_us)
        sleeps=$(awk -F, '$3 ~ /nanosleep/ { s += $1 } END { print s + 0 }' "$dir/sleeps")
    elif command -v strace > /dev/null; then
        counter="strace, which slows every process"
        t0=$(now_us)
        strace -f -c -o "$dir/sleeps" -e trace=clock_nanosleep,nanosleep -- bash -c run_all
        t1=$(now_us)
        sleeps=$(awk '$NF ~ /nanosleep$/ { s += $4 } END { print s + 0 }' "$dir/sleeps")
    else
        echo "cgi_bench: neither perf nor strace: cannot count the sleeps (give AT_ONCE 0)" >&2; exit 1
    fi
    done_n=$(wc -l < "$dir/conc.us")
    expected=$((expected + done_n))
    stats "$dir/conc.us" "CGI storing, $AT_ONCE at once:"
    awk -v n="$done_n" -v us=$((t1 - t0)) -v s="$sleeps" -v c="$counter" 'BEGIN {
        printf "%-44s %.0f requests/s; %d sleeps in %d requests (%s)\n", "  throughput, sleeps:", n * 1e6 / us, s, n, c }'
fi
if command -v sqlite3 > /dev/null; then
    echo "rows stored: $(sqlite3 "$dir/dlr.sqlite" 'SELECT count(*) FROM dlr_events') (expected $expected)"
fi

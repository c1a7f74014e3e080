#!/usr/bin/env bash
# What the status page costs on a big table: fills a database with N events (default 1,000,000)
# ending now, SPREAD seconds apart (default 2: the last 48 hours then hold 86,400 of them; 0.1728
# puts all of them in the window), the older half of them for the webhook "quiet" (with SPREAD 2,
# none in the window: the page looks up its last DLR) and the rest for "sms"; a third configured
# webhook, "never", has none; and 1,000 refused requests; then times, 5 times each, the page
# and its JSON answered by the responder in CGI mode (process start, connection and queries
# included) and `dlrctl stats --json --since <the window>` (the same StoreReader::Stats),
# printing the median and the slowest in ms, and the query plans (SQLite), and what the page
# shows as each webhook's last DLR. The refused requests are added on
# SQLite only.
#
#   scripts/dashboard_bench.sh [N] [SPREAD]              SQLite, in a temporary directory
#   scripts/dashboard_bench.sh [N] [SPREAD] --servers    also PostgreSQL and MariaDB, started for
#                                                        the run as the integration tests do
#
# Build first (make). Everything it creates is removed at the end (KEEP_TMP=1 keeps it).
set -u
N=${1:-1000000}
SPREAD=${2:-2}
SERVERS=0
[ "${3:-}" = --servers ] && SERVERS=1
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/servers_lib.sh"
[ -x "$CTL" ] && [ -x "$BIN" ] || { echo "dashboard_bench: build first (make)" >&2; exit 1; }
make_tmp
trap servers_cleanup EXIT

NOW=$(date -u +%s)
# The first event's time, so that the last one is received now.
FIRST=$(awk -v now="$NOW" -v n="$N" -v s="$SPREAD" 'BEGIN { printf "%.3f", now - n * s }')
WINDOW_START=$(date -u -d "@$(( (NOW / 3600 - 47) * 3600 ))" +%Y-%m-%dT%H:00:00.000Z)
event_columns="id, mobile, status, credits, units, deliv_time, cid, location, provider, webhook, raw, received_at"

# ms COMMAND...: wall time of one run, in ms
ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" > "$T/out" 2> "$T/err" || { echo "FAILED: $(head -c 300 "$T/err")" >&2; }
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}

# five LABEL COMMAND...: "LABEL: median M ms, slowest S ms"
five() {
    local label=$1 i times=(); shift
    for i in 1 2 3 4 5; do times+=("$(ms "$@")"); done
    printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" \
        '{ t[NR] = $1 } END { printf "%-36s median %6d ms, slowest %6d ms\n", l ":", t[3], t[5] }'
}

cgi_page() {  # cgi_page CONFIG PATH
    env -i PATH="$PATH" REQUEST_METHOD=GET REQUEST_URI="$2" QUERY_STRING= REMOTE_ADDR=127.0.0.1 \
        GATEWAY_INTERFACE=CGI/1.1 "$BIN" --config "$1" < /dev/null
}

run() {
    local be=$1 cfg=$2
    five "$be page (HTML, CGI)" cgi_page "$cfg" /dlr/status
    grep -q 'id="total-events">' "$T/out" || echo "#   the page did not render: $(head -c 300 "$T/out")"
    echo "#   $(grep -o 'id="total-events">[^<]*' "$T/out" | sed 's/.*>//') DLRs in the window, $(wc -c < "$T/out") bytes"
    echo "#   last DLR: $(grep -o '<tr class="[a-z]*" data-webhook="[^"]*"><td class="t">[^<]*</td><td class="t opt">[^<]*</td><td class="n">[^<]*</td><td class="n">[^<]*</td><td class="last">[^<]*' "$T/out" |
        sed 's/<tr class="\([a-z]*\)" data-webhook="\([^"]*\)".*<td class="last">/\2 (\1): /' | paste -sd ';' -)"
    five "$be data.json (CGI)" cgi_page "$cfg" /dlr/status/data.json
    five "$be dlrctl stats --since window" "$CTL" stats --config "$cfg" --json --since "$WINDOW_START"
    five "$be dlrctl stats (all $N)" "$CTL" stats --config "$cfg" --json
}

config() {
    jq -n --arg db "$2" '{database: $db, webhooks: [{name: "sms", path: "/sms", validation_key: "k", secrets: ["0123456789abcdef"]},
        {name: "quiet", path: "/quiet", validation_key: "k", secrets: ["0123456789abcdef"]},
        {name: "never", path: "/never", validation_key: "k", secrets: ["0123456789abcdef"]}],
        dashboard: {path: "/dlr/status", loopback_without_password: true}}' > "$1"
    "$CTL" init --config "$1" > /dev/null || { echo "dlrctl init failed for $1" >&2; exit 1; }
}

echo "# $N events, $SPREAD s apart, ending now; window since $WINDOW_START; $(nproc) cores"

config "$T/sqlite.json" "$T/bench.sqlite"
start=$(date +%s)
sqlite3 "$T/bench.sqlite" <<SQL || exit 1
PRAGMA journal_mode=WAL;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $N)
INSERT INTO dlr_events ($event_columns)
SELECT 'b34e35ad-fe34-4a8b-977c-' || printf('%012d', n) || ':1', '9189212' || printf('%05d', n % 100000),
  CASE n % 10 WHEN 0 THEN 'UNDELIV' WHEN 1 THEN 'AWAITING-DLR' WHEN 2 THEN 'EXPIRED' ELSE 'DELIVRD' END,
  '2.0000', '2', '2026-01-01 10:00:00', 'cid-' || (n % 977),
  CASE n % 3 WHEN 0 THEN 'Delhi' WHEN 1 THEN 'Mumbai' ELSE 'Bangalore' END,
  CASE n % 4 WHEN 0 THEN 'Jio' WHEN 1 THEN 'Airtel' WHEN 2 THEN 'Vi' ELSE 'BSNL' END,
  CASE WHEN n <= $N / 2 THEN 'quiet' ELSE 'sms' END,
  '{"id": "b34e35ad-fe34-4a8b-977c-' || printf('%012d', n) || ':1", "status": "DELIVRD", "credits": "2.0000", "units": 2, "deliv_time": "2026-01-01 10:00:00", "custom": "9882XXXX"}',
  strftime('%Y-%m-%dT%H:%M:%fZ', $FIRST + n * $SPREAD, 'unixepoch')
FROM seq;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
INSERT INTO dlr_rejected (received_at, webhook, remote_addr, http_status, error, reason, content_type, raw, method)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', $NOW - 86400 + n * 60, 'unixepoch'), 'sms', '203.0.113.9', 400,
  'bad_request', 'the body is not valid JSON', 'application/json', '{"id": ' || n, 'POST' FROM seq;
SQL
echo "# SQLite: generated in $(( $(date +%s) - start )) s ($(du -m "$T/bench.sqlite" | cut -f1) MiB)"
echo "# SQLite query plans of the page's two statements (Stats, then the refused requests):"
echo "#   $(sqlite3 "$T/bench.sqlite" "EXPLAIN QUERY PLAN SELECT substr(received_at, 1, 13), webhook, provider, location, status, COUNT(*), MIN(received_at), MAX(received_at) FROM dlr_events WHERE received_at >= '$WINDOW_START' GROUP BY 1, 2, 3, 4, 5" | tr '\n' ' ')"
echo "#   $(sqlite3 "$T/bench.sqlite" "EXPLAIN QUERY PLAN SELECT * FROM dlr_rejected ORDER BY seq DESC LIMIT 20" | tr '\n' ' ')"
echo "# ... and of the last-DLR lookup of a webhook without events in the window:"
echo "#   $(sqlite3 "$T/bench.sqlite" "EXPLAIN QUERY PLAN SELECT received_at FROM dlr_events WHERE webhook = 'quiet' ORDER BY received_at DESC LIMIT 1" | tr '\n' ' ')"
five "sqlite last-DLR lookup, quiet (sqlite3)" sqlite3 "$T/bench.sqlite" "SELECT received_at FROM dlr_events WHERE webhook = 'quiet' ORDER BY received_at DESC LIMIT 1"
run sqlite "$T/sqlite.json"

if [ "$SERVERS" = 1 ]; then
    start_postgres
    config "$T/pg.json" "$PG_URL"
    pg_sql "INSERT INTO dlr_events ($event_columns)
        SELECT 'b34e35ad-fe34-4a8b-977c-' || lpad(n::text, 12, '0') || ':1', '9189212' || lpad((n % 100000)::text, 5, '0'),
          CASE n % 10 WHEN 0 THEN 'UNDELIV' WHEN 1 THEN 'AWAITING-DLR' WHEN 2 THEN 'EXPIRED' ELSE 'DELIVRD' END,
          '2.0000', '2', '2026-01-01 10:00:00', 'cid-' || (n % 977),
          CASE n % 3 WHEN 0 THEN 'Delhi' WHEN 1 THEN 'Mumbai' ELSE 'Bangalore' END,
          CASE n % 4 WHEN 0 THEN 'Jio' WHEN 1 THEN 'Airtel' WHEN 2 THEN 'Vi' ELSE 'BSNL' END,
          CASE WHEN n <= $N / 2 THEN 'quiet' ELSE 'sms' END,
          '{\"id\": \"' || n || '\", \"status\": \"DELIVRD\"}', to_timestamp($FIRST + n * $SPREAD)
        FROM generate_series(1, $N) AS n; ANALYZE dlr_events" > /dev/null || exit 1
    echo "# PostgreSQL plan of the last-DLR lookup: $(pg_sql "EXPLAIN SELECT received_at FROM dlr_events WHERE webhook >= 'quiet' AND webhook <= 'quiet' ORDER BY webhook DESC, received_at DESC LIMIT 1" | tr -s ' \n' ' ')"
    run postgresql "$T/pg.json"
    stop_postgres quiet

    start_mariadb
    config "$T/my.json" "$MY_URL"
    my_sql "INSERT INTO dlr_events ($event_columns)
        SELECT CONCAT('b34e35ad-fe34-4a8b-977c-', LPAD(seq, 12, '0'), ':1'), CONCAT('9189212', LPAD(seq % 100000, 5, '0')),
          CASE seq % 10 WHEN 0 THEN 'UNDELIV' WHEN 1 THEN 'AWAITING-DLR' WHEN 2 THEN 'EXPIRED' ELSE 'DELIVRD' END,
          '2.0000', '2', '2026-01-01 10:00:00', CONCAT('cid-', seq % 977),
          CASE seq % 3 WHEN 0 THEN 'Delhi' WHEN 1 THEN 'Mumbai' ELSE 'Bangalore' END,
          CASE seq % 4 WHEN 0 THEN 'Jio' WHEN 1 THEN 'Airtel' WHEN 2 THEN 'Vi' ELSE 'BSNL' END,
          CASE WHEN seq <= $N / 2 THEN 'quiet' ELSE 'sms' END,
          CONCAT('{\"id\": \"', seq, '\", \"status\": \"DELIVRD\"}'), FROM_UNIXTIME($FIRST + seq * $SPREAD)
        FROM seq_1_to_$N; ANALYZE TABLE dlr_events" > /dev/null || exit 1
    echo "# MariaDB plan of the last-DLR lookup: $(my_sql "EXPLAIN SELECT received_at FROM dlr_events WHERE webhook = 'quiet' ORDER BY received_at DESC LIMIT 1" | tr -s '\t\n' ' ')"
    run mariadb "$T/my.json"
fi

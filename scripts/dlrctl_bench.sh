#!/usr/bin/env bash
# How dlrctl copes with a big table: fills a database with N events (default 1,000,000) and
# times export (CSV and JSON lines), stats, purge --dry-run and a purge of the older half under
# /usr/bin/time -v, printing
# rows/s and the peak memory (maximum resident set size) of each. Memory that stays flat as N
# grows is the proof that export streams.
#
#   scripts/dlrctl_bench.sh [N]              SQLite, in a temporary directory
#   scripts/dlrctl_bench.sh [N] --servers    also PostgreSQL and MariaDB, started for the run
#                                            as the integration tests start them
#
# Build first (make). Everything it creates is removed at the end (KEEP_TMP=1 keeps it).
set -u
N=${1:-1000000}
SERVERS=0
[ "${2:-}" = --servers ] && SERVERS=1
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/servers_lib.sh"
[ -x /usr/bin/time ] || { echo "dlrctl_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[ -x "$CTL" ] || { echo "dlrctl_bench: $CTL is missing (make)" >&2; exit 1; }
make_tmp
trap servers_cleanup EXIT

# The INSERT ... SELECT that makes N events from a sequence of integers `n`; every event has a
# realistic raw body (about 330 bytes) and 13 of the 21 fields set.
event_columns="id, mobile, status, credits, units, deliv_time, sent_time, submit_time, deliv_at,
    sent_at, submit_at, cid, custom, location, provider, webhook, raw, received_at"

# measure LABEL ROWS dlrctl ARGS...: one line "LABEL: S s, R rows/s, peak RSS M MiB"
measure() {
    local label=$1 rows=$2; shift 2
    /usr/bin/time -v "$CTL" "$@" > "$T/bench.out" 2> "$T/time.txt" || {
        echo "$label: FAILED: $(grep -v '^\s' "$T/time.txt" | head -n 3)"; return; }
    local secs rss
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$T/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$T/time.txt")
    awk -v l="$label" -v s="$secs" -v r="$rows" -v m="$rss" \
        'BEGIN { printf "%-28s %7.2f s  %9.0f rows/s  peak RSS %6s MiB\n", l ":", s, (s > 0 ? r / s : 0), m }'
}

run() {
    local be=$1 cfg=$2
    local C=(--config "$cfg")
    measure "$be export csv" "$N" export "${C[@]}" --output "$T/out.csv"
    echo "#   $(wc -c < "$T/out.csv" | awk '{ printf "%.0f MB", $1 / 1e6 }') written, $(($(grep -c $'\r$' "$T/out.csv") - 1)) lines"
    rm -f "$T/out.csv"
    measure "$be export jsonl" "$N" export "${C[@]}" --format jsonl --output "$T/out.jsonl"
    rm -f "$T/out.jsonl"
    measure "$be export --status (stdout)" "$N" export "${C[@]}" --status DELIVRD
    measure "$be stats" "$N" stats "${C[@]}"
    measure "$be purge --dry-run" "$N" purge "${C[@]}" --before 2026-02-01 --dry-run
    echo "#   $(cat "$T/bench.out")"
    # About the older half (one event every 2 s from 2026-01-01): deleted in batches of 5000.
    local half=$((N / 2))
    measure "$be purge (half)" "$half" purge "${C[@]}" --before "$(date -u -d "@$((1767225600 + N))" +%Y-%m-%dT%H:%M:%S)"
    echo "#   $(cat "$T/bench.out")"
}

config() {
    jq -n --arg db "$2" '{database: $db, webhooks: [{name: "sms", validation_key: "k", secrets: ["0123456789abcdef"]}]}' > "$1"
    "$CTL" init --config "$1" > /dev/null || { echo "dlrctl init failed for $1" >&2; exit 1; }
}

echo "# $N events; $(nproc) cores; dlrctl $("$CTL" --version | awk '{print $2}')"

# SQLite: generated with a recursive CTE.
config "$T/sqlite.json" "$T/bench.sqlite"
start=$(date +%s)
sqlite3 "$T/bench.sqlite" <<SQL || exit 1
PRAGMA journal_mode=WAL;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $N)
INSERT INTO dlr_events ($event_columns)
SELECT 'b34e35ad-fe34-4a8b-977c-' || printf('%012d', n) || ':1', '9189212' || printf('%05d', n % 100000),
  CASE n % 10 WHEN 0 THEN 'UNDELIV' WHEN 1 THEN 'AWAITING-DLR' WHEN 2 THEN 'EXPIRED' ELSE 'DELIVRD' END,
  '2.0000', '2', '2026-01-01 10:00:00', '2026-01-01 09:59:50', '2026-01-01 09:59:40', '1767261600',
  '1767261590', '1767261580', 'cid-' || (n % 977), 'campaign, "q' || (n % 7) || '"',
  CASE n % 3 WHEN 0 THEN 'Delhi' WHEN 1 THEN 'Mumbai' ELSE 'Bangalore' END,
  CASE n % 4 WHEN 0 THEN 'Jio' WHEN 1 THEN 'Airtel' WHEN 2 THEN 'Vi' ELSE 'BSNL' END, 'sms',
  '{"id": "b34e35ad-fe34-4a8b-977c-' || printf('%012d', n) || ':1", "mobile": "918921269xxx", "status": "DELIVRD", "credits": "2.0000", "units": 2, "deliv_at": "1767261600", "sent_at": "1767261590", "submit_at": "1767261580", "deliv_time": "2026-01-01 10:00:00", "cid": "1234444XXXX", "custom": "9882XXXX",}',
  strftime('%Y-%m-%dT%H:%M:%S.000Z', 1767225600 + n * 2, 'unixepoch')
FROM seq;
SQL
echo "# SQLite: $N events generated in $(( $(date +%s) - start )) s ($(du -m "$T/bench.sqlite" | cut -f1) MiB)"
run sqlite "$T/sqlite.json"

if [ "$SERVERS" = 1 ]; then
    start_postgres
    config "$T/pg.json" "$PG_URL"
    pg_sql "INSERT INTO dlr_events ($event_columns)
        SELECT 'b34e35ad-fe34-4a8b-977c-' || lpad(n::text, 12, '0') || ':1', '9189212' || lpad((n % 100000)::text, 5, '0'),
          CASE n % 10 WHEN 0 THEN 'UNDELIV' WHEN 1 THEN 'AWAITING-DLR' WHEN 2 THEN 'EXPIRED' ELSE 'DELIVRD' END,
          '2.0000', '2', '2026-01-01 10:00:00', '2026-01-01 09:59:50', '2026-01-01 09:59:40', '1767261600',
          '1767261590', '1767261580', 'cid-' || (n % 977), 'campaign, \"q' || (n % 7) || '\"',
          CASE n % 3 WHEN 0 THEN 'Delhi' WHEN 1 THEN 'Mumbai' ELSE 'Bangalore' END,
          CASE n % 4 WHEN 0 THEN 'Jio' WHEN 1 THEN 'Airtel' WHEN 2 THEN 'Vi' ELSE 'BSNL' END, 'sms',
          '{\"id\": \"b34e35ad-fe34-4a8b-977c-' || lpad(n::text, 12, '0') || ':1\", \"mobile\": \"918921269xxx\", \"status\": \"DELIVRD\", \"credits\": \"2.0000\", \"units\": 2, \"deliv_at\": \"1767261600\", \"sent_at\": \"1767261590\", \"submit_at\": \"1767261580\", \"deliv_time\": \"2026-01-01 10:00:00\", \"cid\": \"1234444XXXX\", \"custom\": \"9882XXXX\",}',
          to_timestamp(1767225600 + n * 2)
        FROM generate_series(1, $N) AS n; ANALYZE dlr_events" > /dev/null || exit 1
    run postgresql "$T/pg.json"
    stop_postgres quiet

    start_mariadb
    config "$T/my.json" "$MY_URL"
    my_sql "INSERT INTO dlr_events ($event_columns)
        SELECT CONCAT('b34e35ad-fe34-4a8b-977c-', LPAD(seq, 12, '0'), ':1'), CONCAT('9189212', LPAD(seq % 100000, 5, '0')),
          CASE seq % 10 WHEN 0 THEN 'UNDELIV' WHEN 1 THEN 'AWAITING-DLR' WHEN 2 THEN 'EXPIRED' ELSE 'DELIVRD' END,
          '2.0000', '2', '2026-01-01 10:00:00', '2026-01-01 09:59:50', '2026-01-01 09:59:40', '1767261600',
          '1767261590', '1767261580', CONCAT('cid-', seq % 977), CONCAT('campaign, \"q', seq % 7, '\"'),
          CASE seq % 3 WHEN 0 THEN 'Delhi' WHEN 1 THEN 'Mumbai' ELSE 'Bangalore' END,
          CASE seq % 4 WHEN 0 THEN 'Jio' WHEN 1 THEN 'Airtel' WHEN 2 THEN 'Vi' ELSE 'BSNL' END, 'sms',
          CONCAT('{\"id\": \"b34e35ad-fe34-4a8b-977c-', LPAD(seq, 12, '0'), ':1\", \"mobile\": \"918921269xxx\", \"status\": \"DELIVRD\", \"credits\": \"2.0000\", \"units\": 2, \"deliv_at\": \"1767261600\", \"sent_at\": \"1767261590\", \"submit_at\": \"1767261580\", \"deliv_time\": \"2026-01-01 10:00:00\", \"cid\": \"1234444XXXX\", \"custom\": \"9882XXXX\",}'),
          FROM_UNIXTIME(1767225600 + seq * 2)
        FROM seq_1_to_$N" > /dev/null || exit 1
    run mariadb "$T/my.json"
fi

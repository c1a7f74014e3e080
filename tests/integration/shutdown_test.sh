#!/usr/bin/env bash
# SIGTERM to multi-threaded responders while requests are in flight: every process stops, and
# every request answered 200 is in the database (nothing acknowledged is lost). Requests cut off
# by the stop get a 502 from nginx, which the platform retries.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3
make_tmp

SECRET="stop-Secret-1"
DB="$T/dlr.sqlite"
WORKERS=8
PER_WORKER=300

cat > "$T/config.json" <<EOF
{
  "database": "$DB",
  "webhooks": [{"name": "sms", "path": "/receive/callback", "secrets": ["$SECRET"]}]
}
EOF
init_db "$T/config.json"
start_stack

# Idle first: a process whose threads all wait for a connection stops on SIGTERM.
mapfile -t pids < <(responder_pids)
kill -TERM "${pids[0]}"
i=0
while kill -0 "${pids[0]}" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "${pids[0]}" 2>/dev/null; then
    not_ok "an idle multi-threaded responder stops on SIGTERM" "process ${pids[0]} still runs 10 s later"
else
    ok "an idle multi-threaded responder stops on SIGTERM"
fi

# Then under load: workers post unique DLRs and record each answer.
mkdir -p "$T/out"
workers=()
for w in $(seq 1 $WORKERS); do
    (
        for i in $(seq 1 $PER_WORKER); do
            id="stop-$w-$i"
            code=$(curl -s -o /dev/null --max-time 30 -w '%{http_code}' \
                -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
                --data-binary "{\"id\": \"$id\", \"status\": \"DELIVRD\"}" "$BASE/receive/callback")
            echo "$id $code"
        done > "$T/out/$w"
    ) &
    workers+=($!)
done
# Stop once some requests have been answered.
i=0
while [ "$(cat "$T"/out/* 2>/dev/null | grep -c ' 200$')" -lt 50 ] && [ $i -lt 300 ]; do
    sleep 0.1; i=$((i + 1))
done
for p in "${pids[@]:1}"; do kill -TERM "$p" 2>/dev/null; done
alive=1
for i in $(seq 1 100); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
    [ $alive -eq 0 ] && break
    sleep 0.1
done
check_eq "all responder processes stopped on SIGTERM during requests" 0 "$alive"
for w in "${workers[@]}"; do wait "$w"; done

cat "$T"/out/* | awk '$2 == 200 {print $1}' | sort > "$T/answered"
sql "SELECT id FROM dlr_events" | sort > "$T/stored"
n200=$(wc -l < "$T/answered")
missing=$(comm -23 "$T/answered" "$T/stored" | head -n 5 | tr '\n' ' ')
if [ "$n200" -gt 0 ] && [ -z "$missing" ]; then
    ok "every one of the $n200 requests answered 200 is stored"
else
    not_ok "every request answered 200 is stored" "$n200 answered 200; not stored: [$missing]"
fi
others=$(cat "$T"/out/* | awk '$2 != 200 && $2 != 502 {print $2}' | sort | uniq -c | tr '\n' ' ')
check_eq "answers other than 200 (before the stop) and 502 (after it)" "" "$others"
sql_eq "PRAGMA integrity_check = ok" "PRAGMA integrity_check;" ok
# Nothing half-stored: every event has its message row and every message its event.
sql_eq "no event without its message, no message without its event" \
    "SELECT (SELECT count(*) FROM dlr_events e WHERE NOT EXISTS (SELECT 1 FROM dlr_messages m WHERE m.id = e.id))||' '||(SELECT count(*) FROM dlr_messages m WHERE NOT EXISTS (SELECT 1 FROM dlr_events e WHERE e.id = m.id));" \
    "0 0"
finish

#!/usr/bin/env bash
# Two complete stacks, as on two web nodes (each nginx + spawn-fcgi -F 4 responders, own port, own
# socket, own config file), writing to one PostgreSQL under concurrent load from 8 clients:
#   - 400 unique DLRs spread over both stacks: all stored, once;
#   - 50 of them re-posted to both stacks at the same time: duplicates on both, nothing stored;
#   - 30 new DLRs each posted to both stacks at the same time: one stores, the other says duplicate;
#   - 30 messages whose pending report reaches one stack while the final one reaches the other:
#     every message ends final;
# then: no row lost, no duplicate row, all 8 responders still running.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers_lib.sh"

SECRET="multi-Secret-1"
WORKERS=8
N=400
REPOST=50
RACE=30

require_tools nginx spawn-fcgi curl jq
make_tmp
trap servers_cleanup EXIT
TOP=$T
START=$(date +%s)

start_postgres
export DLR_DATABASE_PASSWORD="$PG_PASSWORD"

# Each node has its own directory and config; both name the same database.
start_node() {
    T="$TOP/$1"
    mkdir -p "$T"
    chmod 755 "$T"
    cat > "$T/config.json" <<EOF
{
  "database": "$PG_URL_NOPW",
  "webhooks": [
    {"name": "$1", "path": "/receive/callback", "validation_key": "multi-KEY", "secrets": ["$SECRET"]}
  ]
}
EOF
    start_stack
    T=$TOP
}
start_node node-a
BASE_A="$BASE"
start_node node-b
BASE_B="$BASE"
mkdir -p "$T/bodies" "$T/out" "$T/resp"

# Jobs are lines "TAG URL BODYFILE"; post_jobs runs them with $WORKERS parallel curl workers and
# writes "<code> <compact body>" to out/<TAG>.
post_jobs() {
    local jobs=$1 w pids=()
    for w in $(seq 0 $((WORKERS - 1))); do
        (
            awk -v w="$w" -v n="$WORKERS" '(NR - 1) % n == w' "$jobs" | while read -r tag url file; do
                code=$(curl -sS --max-time 30 -o "$T/resp/$tag" -w '%{http_code}' \
                    -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
                    --data-binary @"$file" "$url/receive/callback" 2>>"$T/resp/curl.err")
                echo "$code $(<"$T/resp/$tag")" > "$T/out/$tag"
            done
        ) &
        pids+=($!)
    done
    for w in "${pids[@]}"; do wait "$w"; done
}

# count_answers TAG_GLOB ANSWER : how many out/TAG_GLOB files hold exactly ANSWER
count_answers() { cat "$T"/out/$1 2>/dev/null | grep -cxF "$2"; }

NEW='200 {"ok":true,"stored":1,"duplicates":0}'
DUP='200 {"ok":true,"stored":0,"duplicates":1}'

# 1. 400 unique DLRs, odd ones to node A, even ones to node B.
: > "$T/jobs1"
for i in $(seq 1 $N); do
    printf '{"id": "mh-%04d", "mobile": "9198%08d", "status": "DELIVRD", "deliv_time": "2024-01-01 10:%02d:%02d"}' \
        "$i" "$i" $((i / 60 % 60)) $((i % 60)) > "$T/bodies/$i.json"
    if [ $((i % 2)) -eq 1 ]; then url=$BASE_A; else url=$BASE_B; fi
    echo "u$i $url $T/bodies/$i.json" >> "$T/jobs1"
done
t0=$(date +%s%N)
post_jobs "$T/jobs1"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# $N DLRs through 2 stacks into one PostgreSQL with $WORKERS clients: ${ms} ms ($(( N * 1000 / (ms > 0 ? ms : 1) )) DLRs/s)"
check_eq "400 unique DLRs over both stacks: all 200 stored 1" $N "$(count_answers 'u*' "$NEW")"
check_eq "200 of them stored through node A, 200 through node B" "200 200" \
    "$(pg_sql "SELECT count(*) FILTER (WHERE webhook = 'node-a') || ' ' || count(*) FILTER (WHERE webhook = 'node-b') FROM dlr_events WHERE id LIKE 'mh-%'")"

# 2. 50 of them again, each to both stacks at once.
: > "$T/jobs2"
for i in $(seq 1 $REPOST); do
    echo "ra$i $BASE_A $T/bodies/$i.json" >> "$T/jobs2"
    echo "rb$i $BASE_B $T/bodies/$i.json" >> "$T/jobs2"
done
post_jobs "$T/jobs2"
check_eq "re-posted to both stacks at once: 100 answers 200 duplicates 1" $((REPOST * 2)) \
    "$(count_answers 'r[ab]*' "$DUP")"

# 3. 30 new DLRs, each to both stacks at the same moment.
: > "$T/jobs3"
for i in $(seq 1 $RACE); do
    printf '{"id": "both-%02d", "status": "UNDELIV", "deliv_time": "2024-01-01 11:00:%02d"}' "$i" "$i" > "$T/bodies/both$i.json"
    echo "ba$i $BASE_A $T/bodies/both$i.json" >> "$T/jobs3"
    echo "bb$i $BASE_B $T/bodies/both$i.json" >> "$T/jobs3"
done
post_jobs "$T/jobs3"
check_eq "a new DLR sent to both stacks at once: stored by one ($RACE)" $RACE "$(count_answers 'b[ab]*' "$NEW")"
check_eq "... and a duplicate for the other ($RACE)" $RACE "$(count_answers 'b[ab]*' "$DUP")"

# 4. Pending to one stack, final to the other, at the same time.
: > "$T/jobs4"
for i in $(seq 1 $RACE); do
    printf '{"id": "pf-%02d", "status": "AWAITING-DLR", "deliv_time": "2024-01-01 12:00:%02d"}' "$i" "$i" > "$T/bodies/p$i.json"
    printf '{"id": "pf-%02d", "status": "DELIVRD", "deliv_time": "2024-01-01 12:05:%02d"}' "$i" "$i" > "$T/bodies/f$i.json"
    if [ $((i % 2)) -eq 1 ]; then
        echo "pa$i $BASE_A $T/bodies/p$i.json" >> "$T/jobs4"; echo "fb$i $BASE_B $T/bodies/f$i.json" >> "$T/jobs4"
    else
        echo "fa$i $BASE_A $T/bodies/f$i.json" >> "$T/jobs4"; echo "pb$i $BASE_B $T/bodies/p$i.json" >> "$T/jobs4"
    fi
done
post_jobs "$T/jobs4"
check_eq "pending and final of one message on two stacks: all 200 stored 1" $((RACE * 2)) \
    "$(count_answers '[pf][ab]*' "$NEW")"
check_eq "every such message ends final (DELIVRD), never moved back to pending" $RACE \
    "$(pg_sql "SELECT count(*) FROM dlr_messages WHERE id LIKE 'pf-%' AND status = 'DELIVRD' AND final = 1 AND delivered = 1")"

# Nothing lost, nothing twice.
check_eq "dlr_events: every DLR once ($N + $RACE + $((RACE * 2)) rows)" $((N + RACE + RACE * 2)) \
    "$(pg_sql "SELECT count(*) FROM dlr_events")"
check_eq "dlr_events: no two rows for one event" 0 \
    "$(pg_sql "SELECT count(*) - count(DISTINCT (id, status, COALESCE(deliv_time, ''))) FROM dlr_events")"
check_eq "dlr_messages: one row per message ($((N + RACE + RACE)))" $((N + RACE + RACE)) \
    "$(pg_sql "SELECT count(*) || '' FROM dlr_messages")"
check_eq "every 400-batch DLR is there with its own mobile number" $N \
    "$(pg_sql "SELECT count(*) FROM dlr_events WHERE id LIKE 'mh-%' AND mobile = '9198' || lpad(substr(id, 4)::int::text, 8, '0')")"
check_eq "no request answered anything but 200" "" \
    "$(cat "$T"/out/* 2>/dev/null | grep -v '^200 ' | sort | uniq -c | head -n 3 | tr '\n' ' ')"
alive=0
for p in $(grep -ho '[0-9][0-9]*' "$TOP/node-a/spawn.pid" "$TOP/node-b/spawn.pid"); do
    kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
check_eq "all 8 responder processes (4 per stack) still running" 8 "$alive"
check_eq "PostgreSQL saw at most 8 client connections from them (one per responder)" "ok" \
    "$(pg_sql "SELECT CASE WHEN count(*) <= 8 THEN 'ok' ELSE count(*)::text END FROM pg_stat_activity WHERE application_name = 'dlr-webhook'")"
echo "# multi-host test took $(( $(date +%s) - START ))s"
finish

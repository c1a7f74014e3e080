#!/usr/bin/env bash
# nginx + spawn-fcgi -F 4 responders sharing one SQLite file, hammered by 8 parallel curl workers.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3 jq
make_tmp

SECRET="conc-Secret-1"
DB="$T/dlr.sqlite"
WORKERS=8
N=400
REPOST=50
RACE=30

cat > "$T/config.json" <<EOF
{
  "database": "$DB",
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "conc-KEY", "secrets": ["$SECRET"]}
  ]
}
EOF

init_db "$T/config.json"
start_stack

mkdir -p "$T/bodies" "$T/out"
for i in $(seq 1 $N); do
    printf '{"id": "conc-%04d", "mobile": "9198%08d", "status": "DELIVRD", "credits": "1.0000", "units": 1, "deliv_time": "2021-04-09 16:%02d:%02d",}' \
        "$i" "$i" $((i / 60 % 60)) $((i % 60)) > "$T/bodies/$i.json"
done

# post_all TAG ID... : posts bodies/<ID>.json with $WORKERS parallel workers; answer K in out/TAG.<K>.{code,body}
post_all() {
    local tag=$1; shift
    local ids=("$@") w pids=() i k
    for w in $(seq 0 $((WORKERS - 1))); do
        (
            for ((k = w; k < ${#ids[@]}; k += WORKERS)); do
                i=${ids[$k]}
                curl -sS --max-time 30 -o "$T/out/$tag.$k.body" -w '%{http_code}\n' \
                    -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
                    --data-binary @"$T/bodies/$i.json" "$BASE/receive/callback" > "$T/out/$tag.$k.code" 2>>"$T/out/$tag.curl.err"
            done
        ) &
        pids+=($!)
    done
    for w in "${pids[@]}"; do wait "$w"; done
}

# check_answers DESC TAG COUNT JQ_FILTER : every code 200 and every body matches the filter
check_answers() {
    local desc=$1 tag=$2 count=$3 filter=$4 n200 nbody bad
    n200=$(cat "$T"/out/"$tag".*.code 2>/dev/null | grep -c '^200$')
    bad=$(for f in "$T"/out/"$tag".*.code; do c=$(cat "$f"); [ "$c" = 200 ] || echo "$(basename "$f" .code)=$c"; done | head -n 5 | tr '\n' ' ')
    check_eq "$desc: $count answers with status 200" "$count" "$n200${bad:+ (first others: $bad)}"
    nbody=$(cat "$T"/out/"$tag".*.body 2>/dev/null | jq -s "map(select($filter)) | length" 2>&1)
    if [ "$nbody" = "$count" ]; then ok "$desc: all $count bodies match $filter"
    else
        bad=$(for f in "$T"/out/"$tag".*.body; do jq -e "$filter" "$f" >/dev/null 2>&1 || { echo "$(basename "$f" .body): $(head -c 120 "$f")"; }; done | head -n 3 | tr '\n' ' ')
        not_ok "$desc: all $count bodies match $filter" "$nbody match; e.g. $bad"
    fi
}

START=$(date +%s)
post_all first $(seq 1 $N)
check_answers "400 unique DLRs by 8 workers" first $N '.ok == true and .stored == 1 and .duplicates == 0'
sql_eq "exactly 400 rows in dlr_events" "SELECT count(*) FROM dlr_events;" $N
sql_eq "exactly 400 rows in dlr_messages" "SELECT count(*) FROM dlr_messages;" $N
sql_eq "400 distinct ids in dlr_events" "SELECT count(DISTINCT id) FROM dlr_events;" $N
sql_eq "no rows in dlr_rejected" "SELECT count(*) FROM dlr_rejected;" 0
sql_eq "every message DELIVRD final=1 delivered=1" \
    "SELECT count(*) FROM dlr_messages WHERE status='DELIVRD' AND final=1 AND delivered=1;" $N

post_all again $(seq 1 $REPOST)
check_answers "re-posting 50 of them" again $REPOST '.ok == true and .stored == 0 and .duplicates == 1'
sql_eq "still 400 rows in dlr_events after re-posting" "SELECT count(*) FROM dlr_events;" $N
sql_eq "still 400 rows in dlr_messages after re-posting" "SELECT count(*) FROM dlr_messages;" $N

# 25 duplicates, each posted twice at once, by different workers (duplicate detection under a race)
post_all dupes $(seq 1 25) $(seq 1 25)
check_answers "the same duplicates posted concurrently" dupes 50 '.ok == true and .stored == 0 and .duplicates == 1'
sql_eq "still 400 rows after concurrent duplicates" "SELECT count(*) FROM dlr_events;" $N

# race: for each of 30 new ids, a pending and a final report arrive at the same time
ids=()
for i in $(seq 1 $RACE); do
    printf '{"id": "race-%02d", "status": "AWAITING-DLR", "deliv_time": "2021-04-09 16:00:%02d"}' "$i" "$i" > "$T/bodies/p$i.json"
    printf '{"id": "race-%02d", "status": "DELIVRD", "deliv_time": "2021-04-09 16:05:%02d"}' "$i" "$i" > "$T/bodies/f$i.json"
    ids+=("p$i" "f$i")
done
post_all race "${ids[@]}"
check_answers "pending and final of the same id concurrently" race $((RACE * 2)) '.ok == true and .stored == 1'
sql_eq "race: every message ends DELIVRD final=1 (pending never replaces final)" \
    "SELECT count(*) FROM dlr_messages WHERE id LIKE 'race-%' AND status='DELIVRD' AND final=1 AND delivered=1;" $RACE
sql_eq "race: 60 events stored" "SELECT count(*) FROM dlr_events WHERE id LIKE 'race-%';" $((RACE * 2))

sql_eq "PRAGMA integrity_check = ok" "PRAGMA integrity_check;" ok
alive=0
for p in $(responder_pids); do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
check_eq "all 4 responder processes still running" 4 "$alive"
echo "# concurrency phases took $(( $(date +%s) - START ))s"
finish

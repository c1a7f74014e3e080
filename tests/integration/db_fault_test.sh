#!/usr/bin/env bash
# A database server that goes away and comes back, behind nginx + spawn-fcgi -F 4 responders:
#   db_fault_test.sh postgresql | mysql
# 1. the responders start while the server is down: 503 with Retry-After;
# 2. the server starts: 200 without restarting anything, the schema created by the responders;
# 3. under a steady load from 4 clients, the server is stopped and started again: answers are
#    only 200 or 503, every DLR answered 200 is stored exactly once, and every DLR answered 503
#    is stored once when sent again (as the platform retries);
# 4. a value the server cannot hold is answered 422 and kept in dlr_rejected;
# 5. the password (given in DLR_DATABASE_PASSWORD, not in the config) shows up in no log;
# 6. the health path follows the server: 503 while it is down, 200 once it is back.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers_lib.sh"

BACKEND=${1:-postgresql}
case $BACKEND in
    postgresql) NAME=PostgreSQL ;;
    mysql) NAME=MariaDB ;;
    *) echo "usage: $0 postgresql|mysql" >&2; exit 2 ;;
esac
SECRET="fault-Secret-1"
LOAD_WORKERS=4

require_tools nginx spawn-fcgi curl jq
make_tmp
trap servers_cleanup EXIT
START=$(date +%s)

if [ "$BACKEND" = postgresql ]; then
    start_postgres
    URL=$PG_URL_NOPW; PASSWORD=$PG_PASSWORD
    db() { pg_sql "$1"; }
    stop_db() { stop_postgres; }
    start_db() { restart_postgres; }
else
    start_mariadb
    URL=$MY_URL_NOPW; PASSWORD=$MY_PASSWORD
    db() { my_sql "$1"; }
    stop_db() { stop_mariadb; }
    start_db() { restart_mariadb; }
fi
export DLR_DATABASE_PASSWORD="$PASSWORD"   # spawn-fcgi passes it on to the responders

cat > "$T/config.json" <<EOF
{
  "database": "$URL",
  "busy_timeout_ms": 3000,
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "fault-KEY", "secrets": ["$SECRET"]}
  ],
  "health": {"path": "/dlr/health"}
}
EOF

# post ID [BODY]: one DLR; sets CODE, $OUT.body, $OUT.hdr ($OUT: $T/resp unless set)
post() {
    local body=${2:-"{\"id\": \"$1\", \"status\": \"DELIVRD\", \"deliv_time\": \"2024-01-01 10:00:00\"}"}
    local out=${OUT:-$T/resp}
    CODE=$(curl -sS --max-time 30 -o "$out.body" -D "$out.hdr" -w '%{http_code}' \
        -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
        --data-binary "$body" "$BASE/receive/callback" 2>"$out.err")
    REQ_DESC="POST $1"
}

# health DESC WANT: GET /dlr/health is answered WANT (retried for up to 5 s: a reconnection)
health() {
    local code i
    for i in $(seq 1 50); do
        code=$(curl -s -o "$T/health.body" --max-time 20 -w '%{http_code}' "$BASE/dlr/health")
        [ "$code" = "$2" ] && break
        sleep 0.1
    done
    check_eq "$1" "$2" "$code"
}

# 1. The responders start while the server is down.
stop_db
start_stack
post f-down-1
answer "server down from the start: 503" 503 '.ok == false' '.error == "unavailable"'
header_matches "server down from the start: Retry-After" Retry-After '^[0-9]+$'
health "health while the server is down: 503" 503

# 2. The server comes up: the 4 responders create the schema on first use, racing each other.
start_db
pids=()
for i in $(seq 1 8); do
    ( OUT="$T/upr.$i"; post "f-up-$i"; echo "$CODE $(jq -c . "$OUT.body" 2>/dev/null)" > "$T/up.$i" ) &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
check_eq "server up: 8 concurrent first requests (schema created on first use) all 200 stored 1" \
    "8" "$(cat "$T"/up.* | grep -c '^200 {"ok":true,"stored":1,"duplicates":0}$')"
check_eq "server up: 8 rows" "8" "$(db "SELECT count(*) FROM dlr_events WHERE id LIKE 'f-up-%'")"
health "health once the server is up: 200" 200
check_eq "the answer 503 stored nothing" "0" "$(db "SELECT count(*) FROM dlr_events WHERE id = 'f-down-1'")"

# A value the server cannot hold (an id over 255 characters): 422, the body kept in dlr_rejected.
long_id="f-long-$(printf 'L%.0s' $(seq 1 300))"
long_body="{\"id\": \"$long_id\", \"status\": \"DELIVRD\"}"
post f-long "$long_body"
answer "an id longer than the column: 422 invalid_dlr" 422 '.ok == false' '.error == "invalid_dlr"'
check_eq "... its body kept in dlr_rejected" 1 \
    "$(db "SELECT count(*) FROM dlr_rejected WHERE http_status = 422 AND error = 'invalid_dlr' AND LENGTH(raw) = ${#long_body}")"
check_eq "... and nothing in dlr_events" 0 "$(db "SELECT count(*) FROM dlr_events WHERE id LIKE 'f-long-%'")"

# 3. A steady load; the server stops and starts again underneath it.
load_worker() {
    local w=$1 n=0 code
    while [ ! -e "$T/load.stop" ]; do
        n=$((n + 1))
        code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' \
            -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
            --data-binary "{\"id\": \"L-$w-$n\", \"status\": \"DELIVRD\"}" "$BASE/receive/callback")
        echo "L-$w-$n $code" >> "$T/load.$w"
        sleep 0.02
    done
}
load_pids=()
for w in $(seq 1 $LOAD_WORKERS); do load_worker "$w" & load_pids+=($!); done
sleep 1
stop_db
sleep 0.5
post f-outage-1
answer "server stopped under load: 503" 503 '.ok == false' '.error == "unavailable"'
header_matches "server stopped under load: Retry-After" Retry-After '^[0-9]+$'
post f-outage-bad '{"id": "f-outage-bad", "status": '
answer "a body to keep in dlr_rejected while the server is down: 503, not 400" 503 '.error == "unavailable"'
health "health when the server stops under load: 503" 503
sleep 1
start_db
t0=$(date +%s%N)
tries=0
while :; do
    tries=$((tries + 1))
    post "f-back-$tries"
    [ "$CODE" = 200 ] && break
    [ $tries -ge 100 ] && break
    sleep 0.05
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_eq "server back: 200 without restarting the responders" 200 "$CODE"
health "health once the server is back: 200" 200
echo "# $NAME: first 200 ${ms} ms after the restarted server accepted connections ($tries request(s))"
sleep 1
touch "$T/load.stop"
for p in "${load_pids[@]}"; do wait "$p"; done

cat "$T"/load.* > "$T/load.all"
total=$(wc -l < "$T/load.all")
n200=$(awk '$2 == 200' "$T/load.all" | wc -l)
n503=$(awk '$2 == 503' "$T/load.all" | wc -l)
other=$(awk '$2 != 200 && $2 != 503 {print $2}' "$T/load.all" | sort | uniq -c | tr '\n' ' ')
echo "# $NAME: load during the restart: $total requests, $n200 answered 200, $n503 answered 503"
check_eq "load: every answer is 200 or 503" "" "$other"
[ "$n503" -gt 0 ] && ok "load: the outage was seen ($n503 answers 503)" || not_ok "load: the outage was seen" "no 503 among $total answers"
[ "$n200" -gt 0 ] || not_ok "load: some answers 200" "none"

awk '$2 == 200 {print $1}' "$T/load.all" | sort > "$T/acked"
db "SELECT id FROM dlr_events WHERE id LIKE 'L-%'" | sort > "$T/stored"
missing=$(comm -23 "$T/acked" "$T/stored" | head -n 5 | tr '\n' ' ')
check_eq "load: every DLR answered 200 is stored ($n200)" "" "$missing"
check_eq "load: no event stored twice" "" "$(uniq -d "$T/stored" | head -n 5 | tr '\n' ' ')"

# What was answered 503 is sent again, as the platform does, and then stored once.
bad=0
while read -r id code; do
    [ "$code" = 503 ] || continue
    post "$id" "{\"id\": \"$id\", \"status\": \"DELIVRD\"}"
    [ "$CODE" = 200 ] || bad=$((bad + 1))
done < "$T/load.all"
check_eq "load: every DLR answered 503 is accepted when sent again" 0 "$bad"
check_eq "load: every DLR of the load stored exactly once" "$total $total" \
    "$(db "SELECT count(*), count(DISTINCT id) FROM dlr_events WHERE id LIKE 'L-%'" | tr '\t|' '  ')"
check_eq "load: one message per DLR" "$total" "$(db "SELECT count(*) FROM dlr_messages WHERE id LIKE 'L-%'")"

alive=0
for p in $(responder_pids); do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
check_eq "all 4 responder processes are the ones started at first (none restarted)" 4 "$alive"
if grep -qF -e "$PASSWORD" -e "s3cret" "$T/responder.log" "$T/error.log" 2>/dev/null; then
    not_ok "the password appears in no log" "$(grep -hF -e "$PASSWORD" -e s3cret "$T/responder.log" "$T/error.log" | head -n 2)"
else
    ok "the password appears in no log (responder.log, nginx error.log)"
fi
grep -q "cannot connect to $NAME\|cannot connect to MySQL\|cannot connect to PostgreSQL" "$T/responder.log" "$T/error.log" 2>/dev/null &&
    ok "the log says why it answered 503" || not_ok "the log says why it answered 503" "$(tail -n 3 "$T/error.log" | tr '\n' ' ')"
echo "# $NAME fault test took $(( $(date +%s) - START ))s"
finish

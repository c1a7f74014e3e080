#!/usr/bin/env bash
# Durability under faults, through nginx + spawn-fcgi -F 4:
#  (a) while 6 clients post unique DLRs, every responder is killed with SIGKILL again and again
#      and spawned anew on the same socket; afterwards every id that was answered 200 is in
#      dlr_events (and dlr_messages), and PRAGMA integrity_check is ok.
#  (b) the database's filesystem (a 2 MiB tmpfs) fills up: answers are 503, never a 200 for a row
#      that is not there; when space returns the responders store again without a restart.
# Prints "# kill -9: tried N, acknowledged A, lost L" for the record.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools nginx spawn-fcgi curl sqlite3 jq mount umount
make_tmp

SECRET="dur-Secret-1"
CLIENTS=${DURABILITY_CLIENTS:-6}
SECONDS_UNDER_FIRE=${DURABILITY_SECONDS:-20}
DB="$T/dlr.sqlite"

write_config() {
    cat > "$T/config.json" <<EOC
{
  "database": "$1",
  "busy_timeout_ms": 3000,
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "dur-KEY", "secrets": ["$SECRET"]}
  ]
}
EOC
}

SMALL="$T/small"
MOUNTED=0
durability_cleanup() {
    kill_responders
    if [ "$MOUNTED" = 1 ]; then umount "$SMALL" 2>/dev/null || umount -l "$SMALL" 2>/dev/null; fi
    cleanup
}
trap durability_cleanup EXIT

write_config "$DB"
init_db "$T/config.json"
start_stack

# post_loop WORKER DEADLINE : posts unique DLRs until DEADLINE (epoch seconds); every 5th request is
# an array of 3. Writes "CODE ID..." a line per request to $T/acks.WORKER.
post_loop() {
    local w=$1 deadline=$2 n=0 code ids body
    : > "$T/acks.$w"
    while [ "$EPOCHSECONDS" -lt "$deadline" ]; do
        n=$((n + 1))
        if [ $((n % 5)) -eq 0 ]; then
            ids="k$w-$n-a k$w-$n-b k$w-$n-c"
            body=$(printf '[{"id":"k%s-%s-a","status":"DELIVRD","deliv_time":"2021-04-09 16:27:51"},{"id":"k%s-%s-b","status":"UNDELIV"},{"id":"k%s-%s-c","status":"AWAITING-DLR"},]' "$w" "$n" "$w" "$n" "$w" "$n")
        else
            ids="k$w-$n"
            body=$(printf '{"id":"k%s-%s","mobile":"9198%08d","status":"DELIVRD","units":1,"deliv_time":"2021-04-09 16:27:51",}' "$w" "$n" "$n")
        fi
        code=$(curl -s --max-time 15 -o "$T/resp.$w" -w '%{http_code}' \
            -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
            --data-binary "$body" "$BASE/receive/callback" 2>/dev/null)
        # a 200 counts only with the body that says the rows were stored
        if [ "$code" = 200 ] && ! grep -q '^{"ok":true,"stored":[1-9]' "$T/resp.$w"; then
            code="200-bad-body"
        fi
        echo "$code $ids" >> "$T/acks.$w"
        [ "$code" = 200 ] || sleep 0.05   # the platform, too, waits before it tries again
    done
}

# ---------------------------------------------------------------- (a) kill -9 under load
deadline=$(( $(date +%s) + SECONDS_UNDER_FIRE ))
client_pids=()
for w in $(seq 1 "$CLIENTS"); do
    post_loop "$w" "$deadline" &
    client_pids+=($!)
done

rounds=0 respawn_retry=0 respawn_fail=0
while [ "$EPOCHSECONDS" -lt "$deadline" ]; do
    sleep "0.$((RANDOM % 5 + 2))"
    # one at random first (the others keep serving), then the rest
    victims=($(responder_pids))
    [ "${#victims[@]}" -gt 0 ] || break
    kill -KILL "${victims[$((RANDOM % ${#victims[@]}))]}" 2>/dev/null
    sleep "0.$((RANDOM % 3 + 1))"
    kill_responders
    # spawn-fcgi refuses a socket path it finds still in use; once in a while (slow sanitizer
    # builds) the kernel needs a moment after the last holder died: one retry, then a failure.
    if ! spawn_responders 4; then
        respawn_retry=$((respawn_retry + 1)); sleep 0.5
        spawn_responders 4 || respawn_fail=$((respawn_fail + 1))
    fi
    rounds=$((rounds + 1))
done
for p in "${client_pids[@]}"; do wait "$p"; done
check_eq "every kill round respawned the responders (at most one retry; $respawn_retry retried)" 0 "$respawn_fail"
[ -f "$T/spawn.pid" ] || spawn_responders 4 || die "responders running after the kill rounds" "$SPAWN_ERR"

cat "$T"/acks.* > "$T/acks"
tried=$(awk '{ n += NF - 1 } END { print n + 0 }' "$T/acks")
requests=$(wc -l < "$T/acks")
awk '$1 == "200" { for (i = 2; i <= NF; i++) print $i }' "$T/acks" | sort > "$T/acked"
awk '$1 != "200" { for (i = 2; i <= NF; i++) print $i }' "$T/acks" | sort > "$T/unacked"
acked=$(wc -l < "$T/acked")
sql "SELECT id FROM dlr_events WHERE id LIKE 'k%';" | sort > "$T/stored"
lost=$(comm -23 "$T/acked" "$T/stored" | wc -l)
stored_unacked=$(comm -12 "$T/unacked" "$T/stored" | wc -l)
codes=$(awk '{ c[$1]++ } END { for (k in c) printf "%s:%d ", k, c[k] }' "$T/acks")

echo "# kill -9: $rounds rounds of SIGKILL to all 4 responders (one, then the rest) and a respawn; $requests requests carrying $tried DLRs; answers $codes"
echo "# kill -9: tried $tried, acknowledged $acked, lost $lost (stored without a 200: $stored_unacked, which the platform would retry and we would count as duplicates)"
[ "$rounds" -ge 5 ] && ok "at least 5 kill rounds under load ($rounds)" || not_ok "at least 5 kill rounds under load" "only $rounds"
[ "$acked" -ge 50 ] && ok "at least 50 DLRs acknowledged between the kills ($acked)" || not_ok "at least 50 DLRs acknowledged between the kills" "only $acked of $tried"
check_eq "every acknowledged DLR is stored (lost)" 0 "$lost"
[ "$lost" -eq 0 ] || echo "# lost ids: $(comm -23 "$T/acked" "$T/stored" | head -n 10 | tr '\n' ' ')"
bad=$(awk '$1 != "200" && $1 != "502" && $1 != "503" && $1 != "000" { print }' "$T/acks" | head -n 3 | tr '\n' ' ')
check_eq "every answer is 200, or 502/503/none while the responders were down" "" "$bad"
sql_eq "PRAGMA integrity_check = ok after the kills" "PRAGMA integrity_check;" ok
sql_eq "every stored event has its dlr_messages row (same transaction)" \
    "SELECT count(*) FROM dlr_events e WHERE e.id LIKE 'k%' AND NOT EXISTS (SELECT 1 FROM dlr_messages m WHERE m.id = e.id);" 0
sql_eq "no id stored twice" "SELECT count(*) - count(DISTINCT id) FROM dlr_events WHERE id LIKE 'k%';" 0
sql_eq "arrays stored whole or not at all" \
    "SELECT count(*) FROM (SELECT substr(id, 1, length(id) - 2) AS req, count(*) AS n FROM dlr_events WHERE id GLOB 'k*-*-[abc]' GROUP BY req) WHERE n != 3;" 0

# After all that, a fresh request is served and stored.
req POST /receive/callback -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
    --data-binary '{"id": "after-kills", "status": "DELIVRD"}'
answer "a DLR after the kill rounds is stored" 200 '.stored == 1'

# ---------------------------------------------------------------- (b) disk full
mkdir -p "$SMALL"
if mount -t tmpfs -o size=2m,mode=0755 tmpfs "$SMALL" 2>"$T/mount.err"; then
    MOUNTED=1
    ok "a 2 MiB tmpfs for the database"
else
    die "a 2 MiB tmpfs for the database (needs root)" "$(cat "$T/mount.err")"
fi
kill_responders
DB="$SMALL/dlr.sqlite"
write_config "$DB"
init_db "$T/config.json"
spawn_responders 4 || die "responders on the small database" "$SPAWN_ERR"

custom=$(head -c 3000 /dev/zero | tr '\0' 'x')
# post_full TAG N : N DLRs with 3 kB each, one after another; "CODE ID" lines in $T/full.TAG
# (CODE "503-no-retry-after" for a 503 without its Retry-After header)
post_full() {
    local tag=$1 n=$2 i code
    : > "$T/full.$tag"
    for i in $(seq 1 "$n"); do
        code=$(curl -s --max-time 15 -o "$T/resp.full" -D "$T/hdr.full" -w '%{http_code}' \
            -H 'Content-Type: application/json' -H "Authorization: Bearer $SECRET" \
            --data-binary "{\"id\":\"full-$tag-$i\",\"status\":\"DELIVRD\",\"custom\":\"$custom\"}" \
            "$BASE/receive/callback" 2>/dev/null)
        if [ "$code" = 503 ] && ! grep -qi '^retry-after:' "$T/hdr.full"; then code=503-no-retry-after; fi
        echo "$code full-$tag-$i" >> "$T/full.$tag"
    done
}

# Fill the filesystem to the last block with a file, then post.
dd if=/dev/zero of="$SMALL/filler" bs=4k 2>/dev/null
post_full fill 40
n503=$(grep -c '^503 ' "$T/full.fill")
other=$(grep -vcE '^(200|503) ' "$T/full.fill")
echo "# disk full: $(awk '{ c[$1]++ } END { for (k in c) printf "%s:%d ", k, c[k] }' "$T/full.fill")"
[ "$n503" -ge 10 ] && ok "a full disk is answered 503 ($n503 of $(wc -l < "$T/full.fill"))" \
    || not_ok "a full disk is answered 503" "$(awk '{ c[$1]++ } END { for (k in c) printf "%s:%d ", k, c[k] }' "$T/full.fill")"
check_eq "nothing but 200 or 503 while the disk is full" 0 "$other"
alive=0
for p in $(responder_pids); do is_running "$p" && alive=$((alive + 1)); done
check_eq "all 4 responders survive the full disk" 4 "$alive"

# Space returns: the same responders store again.
rm -f "$SMALL/filler"
post_full back 10
first_ok=$(grep -n '^200 ' "$T/full.back" | head -n 1 | cut -d: -f1)
n200=$(grep -c '^200 ' "$T/full.back")
[ -n "$first_ok" ] && [ "$first_ok" -le 2 ] && [ "$n200" -ge 9 ] \
    && ok "space back: stored again at once, no restart ($n200 of 10 answered 200, the first at try $first_ok)" \
    || not_ok "space back: stored again at once, no restart" "$(tr '\n' ' ' < "$T/full.back")"

cat "$T"/full.* > "$T/full"
awk '$1 == "200" { print $2 }' "$T/full" | sort > "$T/full.acked"
awk '$1 != "200" { print $2 }' "$T/full" | sort > "$T/full.refused"
sql "SELECT id FROM dlr_events;" | sort > "$T/full.stored"
check_eq "every DLR answered 200 is stored" 0 "$(comm -23 "$T/full.acked" "$T/full.stored" | wc -l)"
check_eq "no DLR answered 503 is stored (nothing half-written)" 0 "$(comm -12 "$T/full.refused" "$T/full.stored" | wc -l)"
sql_eq "PRAGMA integrity_check = ok after the full disk" "PRAGMA integrity_check;" ok

finish

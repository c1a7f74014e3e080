#!/usr/bin/env bash
# `make soak`: minutes of wrk load on nginx + spawn-fcgi -F 4 with the responders' RSS sampled,
# to show that memory stays flat. Not part of `make test` or CI.
#
# Environment: SOAK_SECONDS (default 180), SOAK_SAMPLE (seconds between samples, default 5),
# SOAK_CONNECTIONS (default 16), BUILD (default build).
# Prints every sample, wrk's summary, and "soak: RSS flat" or "soak: RSS grew"; exits 1 when it grew
# (more than 1 MiB a process between the end of the warm-up and the end) or anything failed.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

SECONDS_TOTAL=${SOAK_SECONDS:-180}
SAMPLE=${SOAK_SAMPLE:-5}
CONNS=${SOAK_CONNECTIONS:-16}
SECRET="soak-Secret-1"

if ! command -v wrk >/dev/null 2>&1; then
    echo "soak: wrk is missing; installing the project's packages (scripts/deps.sh --install)"
    bash "$ROOT/scripts/deps.sh" --install </dev/null || die "wrk installed" "scripts/deps.sh --install failed"
fi
require_tools nginx spawn-fcgi curl sqlite3 wrk
make_tmp
DB="$T/dlr.sqlite"
cat > "$T/config.json" <<EOF2
{
  "database": "$DB",
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "soak-KEY", "secrets": ["$SECRET"]}
  ]
}
EOF2
init_db "$T/config.json"
start_stack

sum_rss() {
    local p t=0 v
    for p in $(responder_pids); do v=$(rss_kb "$p"); t=$((t + ${v:-0})); done
    echo "$t"
}
per_process() {
    local p out=""
    for p in $(responder_pids); do out="$out $(rss_kb "$p")"; done
    echo "${out# }"
}

wrk -t 2 -c "$CONNS" -d "${SECONDS_TOTAL}s" --timeout 10s -s "$ROOT/tests/soak/post.lua" \
    "$BASE/receive/callback" -- "$SECRET" > "$T/wrk.out" 2>&1 &
WRK_PID=$!
STARTED_PIDS+=("$WRK_PID")

echo "# soak: ${SECONDS_TOTAL}s of wrk (-c $CONNS) on nginx + 4 responders, RSS every ${SAMPLE}s"
printf '# %6s %10s  %s\n' "t(s)" "sum(kB)" "per responder (kB)"
samples=()
start=$EPOCHSECONDS
while kill -0 "$WRK_PID" 2>/dev/null; do
    sleep "$SAMPLE"
    kill -0 "$WRK_PID" 2>/dev/null || break
    s=$(sum_rss)
    samples+=("$s")
    printf '# %6d %10d  %s\n' $((EPOCHSECONDS - start)) "$s" "$(per_process)"
done
wait "$WRK_PID"
cat "$T/wrk.out" | grep '^#' || cat "$T/wrk.out"

n=${#samples[@]}
if [ "$n" -lt 6 ]; then
    die "enough RSS samples" "only $n; run longer (SOAK_SECONDS)"
fi
# Warm-up: the first fifth of the run (page cache, allocator arenas). Then compare the mean of the
# first three samples after it with the mean of the last three.
w=$((n / 5)); [ "$w" -lt 1 ] && w=1
a=$(( (samples[w] + samples[w + 1] + samples[w + 2]) / 3 ))
b=$(( (samples[n - 3] + samples[n - 2] + samples[n - 1]) / 3 ))
growth=$((b - a))
limit=$((1024 * 4))
echo "# soak: RSS after warm-up ${a} kB, at the end ${b} kB: growth ${growth} kB (limit ${limit} kB for 4 processes)"
if [ "$growth" -le "$limit" ]; then ok "soak: RSS flat"; else not_ok "soak: RSS flat" "soak: RSS grew by ${growth} kB"; fi

alive=0
for p in $(responder_pids); do is_running "$p" && alive=$((alive + 1)); done
check_eq "all 4 responders alive after the soak" 4 "$alive"
sql_eq "PRAGMA integrity_check = ok after the soak" "PRAGMA integrity_check;" ok
echo "# soak: rows: $(counts) (events messages rejected)"
finish

#!/usr/bin/env bash
# `make bench`: dlr-webhook against its anchors, in one run on this machine.
#
#   bench/run.sh [-c CONNECTIONS] [-d SECONDS] [-r ROUNDS] [-w WARMUP_SECONDS] [-t WRK_THREADS]
#                [-p PROCESSES] [-T THREADS] [-n CGI_REQUESTS] [--cases abcdefg] [--keep]
#
#   -c  wrk connections (default 32)            -d  seconds measured per case (default 15)
#   -r  rounds the seconds are split into (3)   -w  warm-up seconds per case (default 2)
#   -t  wrk threads (default: nproc)            -n  CGI requests, one after another (300)
#   -p  dlr-webhook processes (default 1)       -T  threads per dlr-webhook process (32)
#   --cases  which cases to run (default abcdefg); --keep  keep the temporary directory
#   (BARE_PROCS=N in the environment: processes of the bare responder, default 2)
#
# It installs what is missing (as root: the build dependencies with scripts/deps.sh, then wrk,
# php-fpm, php-sqlite3 and webhook), builds, starts its own servers on 127.0.0.1 in a temporary
# directory, measures with wrk (bench/unique.lua gives every DLR a unique id), stops exactly the
# processes it started, and prints a table and the ratios the issue targets:
#   (a) nginx `return 200`                      (b) bench/bare_fcgi.c behind nginx (FastCGI ceiling)
#   (c) dlr-webhook, verification handshake     (d) dlr-webhook storing unique DLRs, SQLite FULL
#   (e) the same on PostgreSQL (when built)     (f) PHP-FPM + PDO SQLite (bench/receiver.php)
#   (g) adnanh/webhook with an Authorization rule (bench/hooks.json.in), wrk straight to it
# and the CGI mode: wall time per request, process start to exit, durable insert included.
#
# A shared machine's load and disk change from one minute to the next, so every server runs for
# the whole benchmark and the cases take turns: ROUNDS rounds of (a), (b), ... each measured for
# SECONDS/ROUNDS. The table shows each case's median over the rounds and the range; a ratio is the
# median of the ratios within each round, where both cases met the same conditions.
set -uo pipefail
export LC_ALL=C   # numbers as wrk, dd and awk print them here

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BENCH=$ROOT/bench
BIN=$ROOT/build/dlr-webhook
CTL=$ROOT/build/dlrctl

CONNS=32
DURATION=15
ROUNDS=3
WARMUP=2
WRK_THREADS=$(nproc)
PROCS=1
THREADS=32
BARE_PROCS=${BARE_PROCS:-2}
CGI_N=300
CASES=abcdefg
KEEP=0
SECRET=bench-secret
KEY=bench-key

usage() { sed -n '2,27s/^# \{0,1\}//p' "$0"; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench: %s\n' "$*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    -c) CONNS=${2:-}; shift 2 ;;
    -d) DURATION=${2:-}; shift 2 ;;
    -r) ROUNDS=${2:-}; shift 2 ;;
    -w) WARMUP=${2:-}; shift 2 ;;
    -t) WRK_THREADS=${2:-}; shift 2 ;;
    -p) PROCS=${2:-}; shift 2 ;;
    -T) THREADS=${2:-}; shift 2 ;;
    -n) CGI_N=${2:-}; shift 2 ;;
    --cases) CASES=${2:-}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
for v in CONNS DURATION ROUNDS WARMUP WRK_THREADS PROCS THREADS CGI_N BARE_PROCS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v: not a number: ${!v}"
done
[ "$ROUNDS" -ge 1 ] || die "-r: at least one round"
[ "$CONNS" -ge 1 ] && [ "$PROCS" -ge 1 ] && [ "$THREADS" -ge 1 ] || die "-c, -p, -T: at least 1"
[ "$CONNS" -ge "$WRK_THREADS" ] || WRK_THREADS=$CONNS
SLICE=$(( (DURATION + ROUNDS - 1) / ROUNDS ))
[ "$SLICE" -ge 1 ] || SLICE=1
want() { [[ $CASES == *$1* ]]; }

# ---------------------------------------------------------------- what it needs
find_prog() {
  local d
  command -v "$1" 2>/dev/null && return 0
  for d in /usr/sbin /sbin /usr/local/sbin; do [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }; done
  return 1
}
php_fpm_bin() { ls /usr/sbin/php-fpm* 2>/dev/null | sort -V | tail -n 1; }

install_missing() {
  local miss=() policy="" php rc
  if ! bash "$ROOT/scripts/deps.sh" --check >/dev/null 2>&1; then
    bash "$ROOT/scripts/deps.sh" --install || exit 1
  fi
  command -v wrk >/dev/null || miss+=(wrk)
  command -v webhook >/dev/null || miss+=(webhook)
  php=$(php_fpm_bin)
  [ -n "$php" ] || miss+=(php-fpm php-opcache)
  if [ -z "$php" ] || ! "$php" -m 2>/dev/null | grep -qx pdo_sqlite; then miss+=(php-sqlite3); fi
  [ ${#miss[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing: ${miss[*]}; run as root, or: sudo apt-get install -y --no-install-recommends ${miss[*]}"
  fi
  say "installing: ${miss[*]}"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # Keep the packages from starting their system services (php-fpm on its own socket).
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"
  fi
  export DEBIAN_FRONTEND=noninteractive
  { apt-get -o DPkg::Lock::Timeout=300 update &&
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${miss[@]}"; } \
    </dev/null >&2
  rc=$?
  [ -n "$policy" ] && rm -f "$policy"
  [ $rc -eq 0 ] || die "apt-get install failed"
}

install_missing
NGINX=$(find_prog nginx) || die "nginx not found"
PHP_FPM=$(php_fpm_bin)
make -s -C "$ROOT" all >&2 || die "make failed"

# ---------------------------------------------------------------- temp dir and processes
T=$(mktemp -d "${TMPDIR:-/var/tmp}/dlr-bench.XXXXXX") || die "mktemp failed"
chmod 755 "$T"
STARTED=()   # every PID started here; only these are stopped

stop_pids() {
  local p i
  for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
  for p in "$@"; do
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  return 0
}
cleanup() {
  stop_pids "${STARTED[@]}"
  if [ "$KEEP" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p=$((20000 + (RANDOM * 7 + $$) % 40000)) i
  for i in $(seq 1 200); do
    port_free "$p" && { echo "$p"; return 0; }
    p=$((p + 1)); [ $p -gt 64000 ] && p=20000
  done
  return 1
}
wait_http() {  # URL: until it answers anything but a connection error or 502
  local i code
  for i in $(seq 1 300); do
    code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$1" 2>/dev/null)
    [ -n "$code" ] && [ "$code" != 000 ] && [ "$code" != 502 ] && return 0
    sleep 0.1
  done
  return 1
}
children() {
  local p
  for p in "$@"; do cat "/proc/$p/task/"*/children 2>/dev/null; done | tr ' ' '\n' | grep .
}
cpu_ticks() {  # PIDS -> utime + stime (+ waited-for children), summed, in clock ticks
  local p s=0 f
  for p in "$@"; do
    f=$(cut -d')' -f2- "/proc/$p/stat" 2>/dev/null) || continue
    s=$((s + $(echo "$f" | awk '{print $12 + $13 + $14 + $15}')))
  done
  echo "$s"
}
peak_rss_mib() {  # PIDS -> the largest VmHWM among them, MiB
  local p m=0 k
  for p in "$@"; do
    k=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null) || continue
    [ -n "$k" ] && [ "$k" -gt "$m" ] && m=$k
  done
  awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }'
}
fsync_ms() {  # ms per synchronous 4 KiB write in $T (dd oflag=dsync): the disk's pace
  local s
  s=$( { dd if=/dev/zero of="$T/dsync.test" bs=4k count=200 oflag=dsync 2>&1 >/dev/null; } |
       awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) print $(i - 1) }')
  rm -f "$T/dsync.test"
  awk -v s="${s:-0}" 'BEGIN { printf "%.2f", s * 1000 / 200 }'
}
rows() { sqlite3 "$1" 'SELECT count(*) FROM dlr_events' 2>/dev/null || echo 0; }
write_config() {  # FILE DATABASE PATH
  cat > "$1" <<EOF
{
  "database": "$2",
  "webhooks": [
    {"name": "sms", "path": "$3", "validation_key": "$KEY", "secrets": ["$SECRET"]}
  ]
}
EOF
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
  else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { tr ' ' '\n' | grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) print lo "–" hi }'; }
declare -A LABEL STATE URL ARGS PIDS_OF DB_OF
LABEL[a]="nginx return 200"
LABEL[b]="bare libfcgi responder (bench/bare_fcgi.c), $BARE_PROCS processes"
LABEL[c]="dlr-webhook, verification handshake"
LABEL[d]="dlr-webhook, unique DLRs, SQLite synchronous=FULL"
LABEL[e]="dlr-webhook, unique DLRs, PostgreSQL"
LABEL[f]="PHP-FPM + PDO SQLite (bench/receiver.php), WAL, FULL, Debian pool defaults"
LABEL[g]="adnanh/webhook, Authorization rule (wrk straight to it, no nginx)"

FSYNC=("$(fsync_ms)")

# ---------------------------------------------------------------- nginx in front of (a)-(f)
PORT=$(free_port) || die "no free port"
HZ=$(getconf CLK_TCK)
userline=""; [ "$(id -u)" = 0 ] && userline="user root;"
fcgi_location() {  # PATH SOCKET
  printf '        location = %s { include /etc/nginx/fastcgi_params; fastcgi_pass unix:%s; }\n' "$1" "$2"
}
cat > "$T/nginx.conf" <<EOF
$userline
daemon off;
worker_processes $(nproc);
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $T/client_body_temp;
    fastcgi_temp_path $T/fastcgi_temp;
    proxy_temp_path $T/proxy_temp;
    uwsgi_temp_path $T/uwsgi_temp;
    scgi_temp_path $T/scgi_temp;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$PORT;
        location = /ceiling { default_type application/json; return 200 '{"ok":true}'; }
$(fcgi_location /bare "$T/bare.sock")
$(fcgi_location /c/callback "$T/dlr-c.sock")
$(fcgi_location /d/callback "$T/dlr-d.sock")
$(fcgi_location /e/callback "$T/dlr-e.sock")
        location = /php {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $BENCH/receiver.php;
            fastcgi_param BENCH_SECRET $SECRET;
            fastcgi_param BENCH_DB $T/php.sqlite;
            fastcgi_pass unix:$T/php.sock;
        }
    }
}
EOF
"$NGINX" -p "$T/" -c "$T/nginx.conf" -e "$T/nginx-error.log" >"$T/nginx.out" 2>&1 &
NGINX_PID=$!
STARTED+=("$NGINX_PID")
BASE="http://127.0.0.1:$PORT"
wait_http "$BASE/ceiling" ||
  die "nginx did not start: $(cat "$T/nginx.out" "$T/nginx-error.log" 2>/dev/null | tail -n 3)"
NGINX_WORKERS=$(children "$NGINX_PID" | tr '\n' ' ')

# ---------------------------------------------------------------- the servers, all started now
spawn() {  # CASE SOCKET PROCESSES COMMAND...: spawn-fcgi; PIDS_OF[CASE]; false if none answers
  local k=$1 sock=$2 n=$3; shift 3
  spawn-fcgi -s "$sock" -F "$n" -P "$T/$k.pid" -- "$@" >/dev/null 2>&1 || return 1
  PIDS_OF[$k]=$(grep -o '[0-9][0-9]*' "$T/$k.pid" | tr '\n' ' ')
  # shellcheck disable=SC2206
  STARTED+=(${PIDS_OF[$k]})
}
start_dlr() {  # CASE DATABASE PATH
  local k=$1
  write_config "$T/config-$k.json" "$2" "$3"
  if ! out=$("$CTL" init --config "$T/config-$k.json" 2>&1); then
    STATE[$k]="dlrctl init failed: $out"; return 1
  fi
  spawn "$k" "$T/dlr-$k.sock" "$PROCS" /bin/sh -c 'exec "$0" --config "$1" --threads "$2" 2>>"$3"' \
    "$BIN" "$T/config-$k.json" "$THREADS" "$T/dlr-$k.log" || { STATE[$k]="spawn-fcgi failed"; return 1; }
  URL[$k]="$BASE$3"
  wait_http "${URL[$k]}" || { STATE[$k]="did not answer: $(tail -n 1 "$T/dlr-$k.log")"; return 1; }
}

if want a; then
  URL[a]="$BASE/ceiling"; ARGS[a]="dlr $SECRET"; PIDS_OF[a]=$NGINX_WORKERS
fi
if want b; then
  if cc -O2 -o "$T/bare_fcgi" "$BENCH/bare_fcgi.c" -lfcgi &&
     spawn b "$T/bare.sock" "$BARE_PROCS" "$T/bare_fcgi" && wait_http "$BASE/bare"; then
    URL[b]="$BASE/bare"; ARGS[b]="dlr $SECRET"
  else
    STATE[b]="did not start"
  fi
fi
if want c && start_dlr c "$T/dlr-c.sqlite" /c/callback; then
  URL[c]="$BASE/c/callback?token=$KEY"; ARGS[c]="handshake $SECRET $KEY"
fi
if want d && start_dlr d "$T/dlr-d.sqlite" /d/callback; then
  ARGS[d]="dlr $SECRET"; DB_OF[d]=$T/dlr-d.sqlite
fi
if want e; then
  # A build without the backend refuses the URL before connecting anywhere.
  write_config "$T/config-probe.json" "postgresql://bench@127.0.0.1:1/bench" /e/callback
  probe=$("$CTL" init --config "$T/config-probe.json" 2>&1)
  if echo "$probe" | grep -qi 'not part of this build\|unknown scheme'; then
    STATE[e]="not built"
  else
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$PGBIN" ] && [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
        --no-install-recommends postgresql </dev/null >&2
      PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    if [ -z "$PGBIN" ]; then
      STATE[e]="no PostgreSQL server"
    else
      as_pg=()
      [ "$(id -u)" = 0 ] && as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
      PGPORT=$(free_port)
      mkdir -p "$T/pg"; [ "$(id -u)" = 0 ] && chown postgres: "$T/pg"
      "${as_pg[@]}" "$PGBIN/initdb" -D "$T/pg/data" -A trust -U bench >"$T/pg-init.log" 2>&1
      "${as_pg[@]}" "$PGBIN/postgres" -D "$T/pg/data" -k "$T/pg" -p "$PGPORT" \
        -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on >"$T/pg.log" 2>&1 &
      STARTED+=($!)
      for i in $(seq 1 100); do
        "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" >/dev/null 2>&1 && break; sleep 0.1
      done
      "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U bench bench >>"$T/pg-init.log" 2>&1
      if start_dlr e "postgresql://bench@127.0.0.1:$PGPORT/bench" /e/callback; then
        ARGS[e]="dlr $SECRET"
      fi
    fi
  fi
fi
if want f; then
  # The same schema as dlr-webhook's, created by dlrctl.
  write_config "$T/config-f.json" "$T/php.sqlite" /php
  "$CTL" init --config "$T/config-f.json" >/dev/null || die "dlrctl init failed"
  cat > "$T/php-fpm.conf" <<EOF
[global]
pid = $T/php-fpm.pid
error_log = $T/php-fpm.log
daemonize = no
[bench]
listen = $T/php.sock
user = $(id -un)
group = $(id -gn)
; Debian's default pool settings (www.conf)
pm = dynamic
pm.max_children = 5
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
clear_env = yes
EOF
  root_flag=(); [ "$(id -u)" = 0 ] && root_flag=(-R)
  "$PHP_FPM" -y "$T/php-fpm.conf" -F "${root_flag[@]}" >"$T/php-fpm.out" 2>&1 &
  PHP_PID=$!
  STARTED+=("$PHP_PID")
  if wait_http "$BASE/php"; then
    URL[f]="$BASE/php"; ARGS[f]="dlr $SECRET"; DB_OF[f]=$T/php.sqlite
  else
    STATE[f]="did not start: $(tail -n 1 "$T/php-fpm.log" 2>/dev/null)"
  fi
fi
if want g; then
  WPORT=$(free_port) || die "no free port"
  sed "s/@SECRET@/$SECRET/" "$BENCH/hooks.json.in" > "$T/hooks.json"
  webhook -hooks "$T/hooks.json" -ip 127.0.0.1 -port "$WPORT" >"$T/webhook.log" 2>&1 &
  PIDS_OF[g]=$!
  STARTED+=("${PIDS_OF[g]}")
  if wait_http "http://127.0.0.1:$WPORT/hooks/dlr"; then
    URL[g]="http://127.0.0.1:$WPORT/hooks/dlr"; ARGS[g]="dlr $SECRET"
  else
    STATE[g]="did not start: $(tail -n 1 "$T/webhook.log")"
  fi
fi
pids_of() {  # CASE -> the responder processes now (PHP-FPM's pool changes size: its master
  # counts, as its children's CPU time moves to the master when they exit)
  if [ "$1" = f ]; then echo "$PHP_PID $(children "$PHP_PID" | tr '\n' ' ')"; else echo "${PIDS_OF[$1]:-}"; fi
}

# ---------------------------------------------------------------- CGI mode
# One request per process, as a web server runs a CGI program: each round times CGI_N/ROUNDS
# requests one after another, from before the fork to after the exit.
cgi_fail=0
CGI_PER_ROUND=$(( (CGI_N + ROUNDS - 1) / ROUNDS ))
if [ "$CGI_N" -gt 0 ]; then
  write_config "$T/config-cgi.json" "$T/cgi.sqlite" /receive/callback
  "$CTL" init --config "$T/config-cgi.json" >/dev/null || die "dlrctl init failed"
  : > "$T/cgi-times"
fi
cgi_round() {  # ROUND
  local r=$1 i n t0 t1 body
  for i in $(seq 1 "$CGI_PER_ROUND"); do
    n=$(( (r - 1) * CGI_PER_ROUND + i ))
    body="{\"id\": \"cgi-$n\", \"mobile\": \"919800000000\", \"status\": \"DELIVRD\", \"deliv_time\": \"2024-01-01 10:00:00\"}"
    t0=$EPOCHREALTIME
    REQUEST_METHOD=POST REQUEST_URI=/receive/callback CONTENT_TYPE=application/json \
      CONTENT_LENGTH=${#body} HTTP_AUTHORIZATION="Bearer $SECRET" REMOTE_ADDR=127.0.0.1 \
      DLR_WEBHOOK_CONFIG="$T/config-cgi.json" "$BIN" <<<"$body" >"$T/cgi.out" 2>>"$T/cgi.err"
    t1=$EPOCHREALTIME
    grep -q '^Status: 200' "$T/cgi.out" || cgi_fail=$((cgi_fail + 1))
    echo "$r $t0 $t1" >> "$T/cgi-times"
  done
  R_CGI[$r]=$(awk -v r="$r" '$1 == r { s += ($3 - $2) * 1000; n++ } END { if (n) printf "%.2f", s / n }' "$T/cgi-times")
  say "round $r (cgi): mean ${R_CGI[$r]} ms"
}
declare -A R_CGI

# ---------------------------------------------------------------- rounds
declare -A R_RPS R_P50 R_P99 REQS CPU NCPU NON2XX ERRS
to_ms() {  # wrk's "1.23ms" / "850.00us" / "1.02s" -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n;
                         else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
run_wrk() {  # SECONDS CASE -> wrk's output
  # shellcheck disable=SC2086
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"${1}s" --latency -s "$BENCH/unique.lua" "${URL[$2]}" \
    -- ${ARGS[$2]} 2>&1
}
measure() {  # CASE ROUND
  local k=$1 r=$2 out c0 c1 n0 n1 reqs
  # shellcheck disable=SC2046,SC2086
  c0=$(cpu_ticks $(pids_of "$k")); n0=$(cpu_ticks $NGINX_WORKERS)
  out=$(run_wrk "$SLICE" "$k")
  # shellcheck disable=SC2046,SC2086
  c1=$(cpu_ticks $(pids_of "$k")); n1=$(cpu_ticks $NGINX_WORKERS)
  echo "$out" > "$T/wrk-$k-$r.txt"
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  R_RPS[$k,$r]=$(echo "$out" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')
  R_P50[$k,$r]=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
  R_P99[$k,$r]=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  REQS[$k]=$(( ${REQS[$k]:-0} + ${reqs:-0} ))
  CPU[$k]=$(( ${CPU[$k]:-0} + c1 - c0 ))
  NCPU[$k]=$(( ${NCPU[$k]:-0} + n1 - n0 ))
  NON2XX[$k]=$(( ${NON2XX[$k]:-0} + $(echo "$out" | awk '/Non-2xx/ {print $NF; f=1} END {if (!f) print 0}') ))
  if echo "$out" | grep -q 'Socket errors'; then
    ERRS[$k]="${ERRS[$k]:-}$(echo "$out" | sed -n 's/^ *Socket errors: //p'); "
  fi
  [ -n "${R_RPS[$k,$r]}" ] || { R_RPS[$k,$r]=0; ERRS[$k]="${ERRS[$k]:-}wrk: $(echo "$out" | tail -n 1); "; }
  say "round $r ($k): ${R_RPS[$k,$r]} req/s, p50 ${R_P50[$k,$r]} ms, p99 ${R_P99[$k,$r]} ms"
}

ACTIVE=()
for k in a b c d e f g; do
  want "$k" && [ -z "${STATE[$k]:-}" ] && [ -n "${URL[$k]:-}" ] && ACTIVE+=("$k")
done
for k in "${ACTIVE[@]}"; do
  [ "$WARMUP" -gt 0 ] && run_wrk "$WARMUP" "$k" >/dev/null
done
# Before each measurement, the file system's dirty pages are written out: on ext4 an fsync that
# commits the journal also waits for other files' dirty data, and no case should pay for the
# rows the case before it wrote.
settle() { sync -f "$T" 2>/dev/null || sync; }
for r in $(seq 1 "$ROUNDS"); do
  for k in "${ACTIVE[@]}"; do
    settle
    [ "$k" = d ] && FSYNC+=("$(fsync_ms)")
    measure "$k" "$r"
  done
  if [ "$CGI_N" -gt 0 ]; then settle; cgi_round "$r"; fi
done
CGI_MEAN=""
if [ "$CGI_N" -gt 0 ]; then
  CGI_MEAN=$(for r in $(seq 1 "$ROUNDS"); do echo "${R_CGI[$r]}"; done | median)
  CGI_RANGE=$(for r in $(seq 1 "$ROUNDS"); do echo "${R_CGI[$r]}"; done | range)
  read -r CGI_P50 CGI_P99 < <(awk '{ print ($3 - $2) * 1000 }' "$T/cgi-times" | sort -n |
    awk '{ v[NR] = $1 } END { i50 = int(NR * 0.50); if (i50 < 1) i50 = 1;
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1; printf "%.2f %.2f\n", v[i50], v[i99] }')
  CGI_ROWS=$(rows "$T/cgi.sqlite")
fi

FSYNC+=("$(fsync_ms)")

# ---------------------------------------------------------------- the table
series() {  # ARRAY CASE -> the round values
  local -n arr=$1; local r out=""
  for r in $(seq 1 "$ROUNDS"); do out="$out ${arr[$2,$r]:-}"; done
  echo "$out"
}
per_req_us() {  # TICKS REQUESTS
  awk -v d="$1" -v n="$2" -v hz="$HZ" 'BEGIN { if (n > 0) printf "%.0f", d / hz * 1e6 / n; else print "-" }'
}
declare -A MED
for k in "${ACTIVE[@]}"; do MED[$k]=$(series R_RPS "$k" | median); done

echo
echo "dlr-webhook bench, $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n 1)); wrk on the same machine"
echo "wrk -t$WRK_THREADS -c$CONNS, $ROUNDS rounds of ${SLICE}s per case (after ${WARMUP}s of warm-up); dlr-webhook: $PROCS process(es) x $THREADS threads"
echo "disk, ms per synchronous 4 KiB write (dd oflag=dsync) at the start, before each round of (d), at the end: ${FSYNC[*]}"
echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), $("$PHP_FPM" -v 2>/dev/null | head -n 1 | awk '{print $1, $2}'), webhook $(webhook -version 2>/dev/null | awk '{print $3}'), SQLite $(sqlite3 --version | awk '{print $1}')"
echo
echo "| case | what | req/s (median) | req/s (range) | p50 ms | p99 ms (median, range) | RSS MiB/process | CPU µs/req responder | CPU µs/req nginx | notes |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for k in a b c d e f g; do
  want "$k" || continue
  if [ -n "${STATE[$k]:-}" ]; then
    echo "| ($k) | ${LABEL[$k]} | ${STATE[$k]} | | | | | | | |"
    continue
  fi
  [ -n "${MED[$k]:-}" ] || continue
  notes=""
  if [ -n "${DB_OF[$k]:-}" ]; then
    stored=$(rows "${DB_OF[$k]}")
    notes="$stored rows stored"
    [ "$stored" -ge "${REQS[$k]}" ] || notes="$notes, FEWER than the ${REQS[$k]} answers"
    notes="$notes; "
  fi
  [ "${NON2XX[$k]:-0}" -gt 0 ] && notes="${notes}non-2xx: ${NON2XX[$k]}; "
  [ -n "${ERRS[$k]:-}" ] && notes="${notes}socket errors: ${ERRS[$k]}"
  ncpu="-"; [ "$k" != g ] && ncpu=$(per_req_us "${NCPU[$k]}" "${REQS[$k]}")
  nproc_k=$(pids_of "$k" | wc -w)
  # shellcheck disable=SC2046
  echo "| ($k) | ${LABEL[$k]} | ${MED[$k]} | $(series R_RPS "$k" | range) | $(series R_P50 "$k" | median) | $(series R_P99 "$k" | median) ($(series R_P99 "$k" | range)) | $(peak_rss_mib $(pids_of "$k")) (x$nproc_k) | $(per_req_us "${CPU[$k]}" "${REQS[$k]}") | $ncpu | ${notes%; } |"
done
if [ -n "${MED[d]:-}" ]; then
  line="(d) by round, req/s at the disk's pace then:"
  for r in $(seq 1 "$ROUNDS"); do line="$line ${R_RPS[d,$r]} at ${FSYNC[$r]} ms;"; done
  D_ROUNDS=${line%;}
fi
if [ -n "$CGI_MEAN" ]; then
  echo "| CGI | dlr-webhook as a CGI program: $((CGI_PER_ROUND * ROUNDS)) requests one after another, process start to exit, durable insert | $(awk -v m="$CGI_MEAN" 'BEGIN { printf "%.0f", 1000 / m }') | | $CGI_P50 | $CGI_P99 | | | | mean per request by round: $CGI_MEAN ms ($CGI_RANGE); $CGI_ROWS rows; $cgi_fail failed |"
fi

[ -n "${D_ROUNDS:-}" ] && { echo; echo "$D_ROUNDS"; }

ratio() {  # A B -> median [range] of the per-round ratios A/B
  local r vals=""
  for r in $(seq 1 "$ROUNDS"); do
    vals="$vals $(awk -v a="${R_RPS[$1,$r]:-0}" -v b="${R_RPS[$2,$r]:-0}" \
      'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b }')"
  done
  local m; m=$(echo "$vals" | median)
  [ "$m" = "-" ] && { echo "- -"; return; }
  echo "$(printf '%.2f' "$m") $(echo "$vals" | range)"
}
verdict() {  # VALUE OP LIMIT
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "-" || v == "") { print "n/a"; exit }
    ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0); print ok ? "met" : "MISSED" }'
}
target_row() {  # TEXT A B LIMIT
  local m rg
  read -r m rg < <(ratio "$2" "$3")
  echo "| $1 | $m | ${rg:-} | >= $4 | $(verdict "$m" '>=' "$4") |"
}
echo
echo "| target | measured (median) | rounds | goal | |"
echo "| --- | ---: | ---: | ---: | --- |"
target_row "(c)/(b) handshake vs the FastCGI ceiling" c b 0.9
target_row "(d)/(b) durable storing vs the FastCGI ceiling" d b 0.7
target_row "(d)/(f) vs PHP-FPM + PDO SQLite" d f 8
target_row "(d)/(g) vs adnanh/webhook" d g 1.5
p99d=$(series R_P99 d | median)
echo "| (d) p99 latency, ms | $p99d | $(series R_P99 d | range) | <= 10 | $(verdict "$p99d" '<=' 10) |"
# shellcheck disable=SC2046
rss=$(peak_rss_mib $(pids_of c) $(pids_of d)); [ "$rss" = "0.0" ] && rss="-"
echo "| RSS per dlr-webhook process, MiB | $rss | | <= 8 | $(verdict "$rss" '<=' 8) |"
echo "| CGI mode, mean ms per request | ${CGI_MEAN:--} | ${CGI_RANGE:-} | <= 3 | $(verdict "${CGI_MEAN:--}" '<=' 3) |"

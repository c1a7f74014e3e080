#!/usr/bin/env bash
# `make bench`: dlr-webhook against its anchors, in one run on this machine.
#
#   bench/run.sh [-c CONNECTIONS] [-d SECONDS] [-w WARMUP_SECONDS] [-t WRK_THREADS]
#                [-p PROCESSES] [-T THREADS] [-n CGI_REQUESTS] [--cases abcdefg] [--keep]
#
#   -c  wrk connections (default 32)          -d  seconds measured per case (default 15)
#   -w  warm-up seconds per case (default 2)  -t  wrk threads (default: nproc)
#   -p  dlr-webhook processes (default 1)     -T  threads per dlr-webhook process (default 32)
#   -n  CGI requests timed one after another (default 300)
#   --cases  which cases to run (default abcdefg); --keep  keep the temporary directory
#
# It installs what is missing (as root: the build dependencies with scripts/deps.sh, then wrk,
# php-fpm, php-sqlite3 and webhook), builds, starts its own servers on 127.0.0.1 in a temporary
# directory, measures each case with wrk (bench/unique.lua gives every DLR a unique id), stops
# exactly the processes it started, and prints a table and the ratios the issue targets:
#   (a) nginx `return 200`                      (b) bench/bare_fcgi.c behind nginx (FastCGI ceiling)
#   (c) dlr-webhook, verification handshake     (d) dlr-webhook storing unique DLRs, SQLite FULL
#   (e) the same on PostgreSQL (when built)     (f) PHP-FPM + PDO SQLite (bench/receiver.php)
#   (g) adnanh/webhook with an Authorization rule (bench/hooks.json.in), wrk straight to it
# and the CGI mode: wall time per request, process start to exit, durable insert included.
# Figures are noisy on a shared machine: compare the ratios of one run, and run it twice.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BENCH=$ROOT/bench
BIN=$ROOT/build/dlr-webhook
CTL=$ROOT/build/dlrctl

CONNS=32
DURATION=15
WARMUP=2
WRK_THREADS=$(nproc)
PROCS=1
THREADS=32
BARE_PROCS=${BARE_PROCS:-2}
CGI_N=300
CASES=abcdefg
KEEP=0
FSYNC_MS=""
SECRET=bench-secret
KEY=bench-key

usage() { sed -n '2,22s/^# \{0,1\}//p' "$0"; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench: %s\n' "$*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    -c) CONNS=$2; shift 2 ;;
    -d) DURATION=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -t) WRK_THREADS=$2; shift 2 ;;
    -p) PROCS=$2; shift 2 ;;
    -T) THREADS=$2; shift 2 ;;
    -n) CGI_N=$2; shift 2 ;;
    --cases) CASES=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
for v in CONNS DURATION WARMUP WRK_THREADS PROCS THREADS CGI_N; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "-${v}: not a number: ${!v}"
done
[ "$CONNS" -ge "$WRK_THREADS" ] || WRK_THREADS=$CONNS
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
  local miss=() policy=""
  bash "$ROOT/scripts/deps.sh" --check >/dev/null 2>&1 || {
    bash "$ROOT/scripts/deps.sh" --install || exit 1
  }
  command -v wrk >/dev/null || miss+=(wrk)
  command -v webhook >/dev/null || miss+=(webhook)
  [ -n "$(php_fpm_bin)" ] || miss+=(php-fpm)
  if [ -n "$(php_fpm_bin)" ] && ! "$(php_fpm_bin)" -m 2>/dev/null | grep -qx pdo_sqlite; then
    miss+=(php-sqlite3)
  elif [ -z "$(php_fpm_bin)" ]; then
    miss+=(php-sqlite3)
  fi
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
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends \
      "${miss[@]}" php-opcache; } </dev/null >&2
  local rc=$?
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
children() { local p; for p in "$@"; do cat "/proc/$p/task/"*/children 2>/dev/null; done | tr ' ' '\n' | grep .; }
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

fsync_ms() {  # DIR -> ms per synchronous 4 KiB write there (dd oflag=dsync), the disk's pace
  local s
  s=$( { dd if=/dev/zero of="$1/dsync.test" bs=4k count=200 oflag=dsync 2>&1 >/dev/null; } |
       awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) print $(i - 1) }')
  rm -f "$1/dsync.test"
  awk -v s="${s:-0}" 'BEGIN { printf "%.2f", s * 1000 / 200 }'
}

FSYNC_START=$(fsync_ms "$T")

# ---------------------------------------------------------------- nginx in front of (a)-(f)
PORT=$(free_port) || die "no free port"
HZ=$(getconf CLK_TCK)
userline=""; [ "$(id -u)" = 0 ] && userline="user root;"
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
        location = /bare { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$T/bare.sock; }
        location = /receive/callback {
            include /etc/nginx/fastcgi_params;
            fastcgi_pass unix:$T/dlr.sock;
        }
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
wait_http "$BASE/ceiling" || die "nginx did not start: $(cat "$T/nginx.out" "$T/nginx-error.log" 2>/dev/null | tail -n 3)"
nginx_workers() { children "$NGINX_PID"; }

# ---------------------------------------------------------------- one measurement
# measure NAME URL RESPONDER_PIDS_FUNCTION WRK_ARGS... ; sets R_* for the row
ROWS=()
declare -A RPS P50 P99
to_ms() {  # wrk's "1.23ms" / "850.00us" / "1.02s" -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n;
                         else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
measure() {
  local name=$1 url=$2 pids_fn=$3; shift 3
  local out rps p50 p99 reqs non2xx errs pids c0 c1 n0 n1 rss cpu ncpu note=""
  [ "$WARMUP" -gt 0 ] && wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$BENCH/unique.lua" \
    "$url" -- "$@" >/dev/null 2>&1
  pids=$($pids_fn)
  c0=$(cpu_ticks $pids); n0=$(cpu_ticks $(nginx_workers))
  out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$BENCH/unique.lua" \
    "$url" -- "$@" 2>&1)
  c1=$(cpu_ticks $pids); n1=$(cpu_ticks $(nginx_workers))
  echo "$out" > "$T/wrk-$name.txt"
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
  p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  errs=$(echo "$out" | awk '/Socket errors/ {print}' | sed 's/^ *//')
  rss=$(peak_rss_mib $pids)
  [ -n "$rps" ] || { note="wrk failed: $(echo "$out" | tail -n 2 | tr '\n' ' ')"; rps=0; reqs=0; }
  cpu="-"; ncpu="-"
  if [ "${reqs:-0}" -gt 0 ]; then
    cpu=$(awk -v d=$((c1 - c0)) -v n="$reqs" -v hz="$HZ" 'BEGIN { printf "%.0f", d / hz * 1e6 / n }')
    [ "$name" != g ] && ncpu=$(awk -v d=$((n1 - n0)) -v n="$reqs" -v hz="$HZ" \
      'BEGIN { printf "%.0f", d / hz * 1e6 / n }')
  fi
  [ -n "$non2xx" ] && note="$note non-2xx: $non2xx;"
  [ -n "$errs" ] && note="$note $errs;"
  RPS[$name]=$rps; P50[$name]=$p50; P99[$name]=$p99; RSS[$name]=$rss; REQS[$name]=${reqs:-0}
  NOTE[$name]="$note"; CPU[$name]=$cpu; NCPU[$name]=$ncpu
  NPROC[$name]=$(echo $pids | wc -w)
  say "($name) $rps req/s, p50 $p50 ms, p99 $p99 ms, RSS $rss MiB${note:+ ($note)}"
}
declare -A RSS REQS NOTE CPU NCPU NPROC LABEL STATE

LABEL[a]="nginx return 200"
LABEL[b]="bare libfcgi responder (bench/bare_fcgi.c), $BARE_PROCS processes"
LABEL[c]="dlr-webhook, verification handshake"
LABEL[d]="dlr-webhook, unique DLRs, SQLite synchronous=FULL"
LABEL[e]="dlr-webhook, unique DLRs, PostgreSQL"
LABEL[f]="PHP-FPM + PDO SQLite (bench/receiver.php), WAL, FULL, Debian pool defaults"
LABEL[g]="adnanh/webhook, Authorization rule (direct, no nginx)"

# ---------------------------------------------------------------- (a)
if want a; then
  measure a "$BASE/ceiling" nginx_workers dlr "$SECRET"
fi

# ---------------------------------------------------------------- (b)
BARE_PIDS=()
bare_pids() { echo "${BARE_PIDS[@]}"; }
if want b; then
  cc -O2 -o "$T/bare_fcgi" "$BENCH/bare_fcgi.c" -lfcgi || die "cannot build bench/bare_fcgi.c"
  spawn-fcgi -s "$T/bare.sock" -F "$BARE_PROCS" -P "$T/bare.pid" -- "$T/bare_fcgi" >/dev/null 2>&1 \
    || die "spawn-fcgi (bare) failed"
  mapfile -t BARE_PIDS < <(grep -o '[0-9][0-9]*' "$T/bare.pid")
  STARTED+=("${BARE_PIDS[@]}")
  if wait_http "$BASE/bare"; then
    measure b "$BASE/bare" bare_pids dlr "$SECRET"
  else
    STATE[b]="did not start"
  fi
  stop_pids "${BARE_PIDS[@]}"
fi

# ---------------------------------------------------------------- (c), (d), (e): dlr-webhook
DLR_PIDS=()
dlr_pids() { echo "${DLR_PIDS[@]}"; }
write_config() {  # FILE DATABASE
  cat > "$1" <<EOF
{
  "database": "$2",
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "$KEY", "secrets": ["$SECRET"]}
  ]
}
EOF
}
start_dlr() {  # CONFIG; false when it does not answer
  rm -f "$T/dlr.sock" "$T/dlr.pid"
  spawn-fcgi -s "$T/dlr.sock" -F "$PROCS" -P "$T/dlr.pid" -- \
    /bin/sh -c 'exec "$0" --config "$1" --threads "$2" 2>>"$3"' \
    "$BIN" "$1" "$THREADS" "$T/dlr-webhook.log" >/dev/null 2>&1 || die "spawn-fcgi (dlr-webhook) failed"
  mapfile -t DLR_PIDS < <(grep -o '[0-9][0-9]*' "$T/dlr.pid")
  STARTED+=("${DLR_PIDS[@]}")
  wait_http "$BASE/receive/callback"
}
rows() { sqlite3 "$1" 'SELECT count(*) FROM dlr_events' 2>/dev/null || echo 0; }
declare -A STORED

if want c; then
  write_config "$T/config-c.json" "$T/dlr-c.sqlite"
  "$CTL" init --config "$T/config-c.json" >/dev/null || die "dlrctl init failed"
  if start_dlr "$T/config-c.json"; then
    measure c "$BASE/receive/callback?token=$KEY" dlr_pids handshake "$SECRET" "$KEY"
  else
    STATE[c]="did not start: $(tail -n 1 "$T/dlr-webhook.log")"
  fi
  stop_pids "${DLR_PIDS[@]}"
fi
if want d; then
  write_config "$T/config-d.json" "$T/dlr-d.sqlite"
  "$CTL" init --config "$T/config-d.json" >/dev/null || die "dlrctl init failed"
  FSYNC_MS=$(fsync_ms "$T")
  if start_dlr "$T/config-d.json"; then
    measure d "$BASE/receive/callback" dlr_pids dlr "$SECRET"
    # Every answered request of the warm-up and the measured run must be a row.
    total=$(rows "$T/dlr-d.sqlite")
    STORED[d]=$total
    [ "$total" -ge "${REQS[d]}" ] || NOTE[d]="${NOTE[d]} only $total rows for ${REQS[d]} answers;"
  else
    STATE[d]="did not start: $(tail -n 1 "$T/dlr-webhook.log")"
  fi
  stop_pids "${DLR_PIDS[@]}"
fi

PG_PID=""
if want e; then
  STATE[e]=""
  # A build without the backend refuses the URL before connecting anywhere.
  write_config "$T/config-e.json" "postgresql://bench@127.0.0.1:1/bench"
  probe=$("$CTL" init --config "$T/config-e.json" 2>&1)
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
        -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on \
        >"$T/pg.log" 2>&1 &
      PG_PID=$!
      STARTED+=("$PG_PID")
      for i in $(seq 1 100); do
        "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" >/dev/null 2>&1 && break; sleep 0.1
      done
      "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U bench bench >>"$T/pg-init.log" 2>&1
      write_config "$T/config-e.json" "postgresql://bench@127.0.0.1:$PGPORT/bench"
      if "$CTL" init --config "$T/config-e.json" >>"$T/pg-init.log" 2>&1 &&
         start_dlr "$T/config-e.json"; then
        measure e "$BASE/receive/callback" dlr_pids dlr "$SECRET"
        stop_pids "${DLR_PIDS[@]}"
      else
        stop_pids "${DLR_PIDS[@]}"
        STATE[e]="PostgreSQL setup failed: $(tail -n 1 "$T/pg-init.log")"
      fi
      stop_pids "$PG_PID"
    fi
  fi
fi

# ---------------------------------------------------------------- (f) PHP-FPM
PHP_PIDS=()
php_pids() { children "${PHP_PIDS[0]}"; }
if want f; then
  # The same schema as dlr-webhook's, created by dlrctl.
  write_config "$T/config-f.json" "$T/php.sqlite"
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
  PHP_PIDS=($!)
  STARTED+=("${PHP_PIDS[0]}")
  if wait_http "$BASE/php"; then
    measure f "$BASE/php" php_pids dlr "$SECRET"
    total=$(rows "$T/php.sqlite")
    STORED[f]=$total
    [ "$total" -ge "${REQS[f]}" ] || NOTE[f]="${NOTE[f]} only $total rows for ${REQS[f]} answers;"
  else
    STATE[f]="did not start: $(tail -n 1 "$T/php-fpm.log" 2>/dev/null)"
  fi
  stop_pids "${PHP_PIDS[@]}"
fi

# ---------------------------------------------------------------- (g) adnanh/webhook
WH_PIDS=()
wh_pids() { echo "${WH_PIDS[@]}"; }
if want g; then
  WPORT=$(free_port) || die "no free port"
  sed "s/@SECRET@/$SECRET/" "$BENCH/hooks.json.in" > "$T/hooks.json"
  webhook -hooks "$T/hooks.json" -ip 127.0.0.1 -port "$WPORT" >"$T/webhook.log" 2>&1 &
  WH_PIDS=($!)
  STARTED+=("${WH_PIDS[0]}")
  if wait_http "http://127.0.0.1:$WPORT/hooks/dlr"; then
    measure g "http://127.0.0.1:$WPORT/hooks/dlr" wh_pids dlr "$SECRET"
  else
    STATE[g]="did not start: $(tail -n 1 "$T/webhook.log")"
  fi
  stop_pids "${WH_PIDS[@]}"
fi

# ---------------------------------------------------------------- CGI mode
CGI_MEAN=""; CGI_P50=""; CGI_P99=""
if [ "$CGI_N" -gt 0 ]; then
  write_config "$T/config-cgi.json" "$T/cgi.sqlite"
  "$CTL" init --config "$T/config-cgi.json" >/dev/null || die "dlrctl init failed"
  : > "$T/cgi-times"
  cgi_fail=0
  for i in $(seq 1 "$CGI_N"); do
    body="{\"id\": \"cgi-$i\", \"mobile\": \"919800000000\", \"status\": \"DELIVRD\", \"deliv_time\": \"2024-01-01 10:00:00\"}"
    t0=$EPOCHREALTIME
    REQUEST_METHOD=POST REQUEST_URI=/receive/callback CONTENT_TYPE=application/json \
      CONTENT_LENGTH=${#body} HTTP_AUTHORIZATION="Bearer $SECRET" REMOTE_ADDR=127.0.0.1 \
      DLR_WEBHOOK_CONFIG="$T/config-cgi.json" "$BIN" <<<"$body" >"$T/cgi.out" 2>>"$T/cgi.err"
    t1=$EPOCHREALTIME
    grep -q '^Status: 200' "$T/cgi.out" || cgi_fail=$((cgi_fail + 1))
    echo "$t0 $t1" >> "$T/cgi-times"
  done
  read -r CGI_MEAN CGI_P50 CGI_P99 < <(awk '{ d = ($2 - $1) * 1000; print d }' "$T/cgi-times" |
    sort -n | awk '{ v[NR] = $1; s += $1 } END {
      i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1;
      printf "%.2f %.2f %.2f\n", s / NR, v[i50], v[i99] }')
  CGI_ROWS=$(rows "$T/cgi.sqlite")
  say "(cgi) mean $CGI_MEAN ms, p50 $CGI_P50 ms, p99 $CGI_P99 ms; $CGI_ROWS rows; $cgi_fail failed"
fi

# ---------------------------------------------------------------- the table
ratio() { awk -v a="${RPS[$1]:-0}" -v b="${RPS[$2]:-0}" 'BEGIN { if (b > 0 && a > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() {  # VALUE OP LIMIT
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "-" || v == "") { print "n/a"; exit }
    ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0); print ok ? "met" : "MISSED" }'
}

echo
echo "dlr-webhook bench, $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s (warm-up ${WARMUP}s) on the same machine; dlr-webhook: $PROCS process(es) x $THREADS threads;"
echo "disk: ms per synchronous 4 KiB write (dd oflag=dsync), at the start / just before (d) / at the end:" \
  "$FSYNC_START / ${FSYNC_MS:--} / $(fsync_ms "$T") (every durable commit waits for one)"
echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), $("$PHP_FPM" -v 2>/dev/null | head -n 1 | awk '{print $1, $2}'), webhook $(webhook -version 2>/dev/null | awk '{print $3}'), SQLite $(sqlite3 --version | awk '{print $1}')"
echo
echo "| case | what | req/s | p50 ms | p99 ms | RSS MiB/process | CPU µs/req (responder) | CPU µs/req (nginx) | notes |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for k in a b c d e f g; do
  want "$k" || continue
  if [ -n "${STATE[$k]:-}" ]; then
    echo "| ($k) | ${LABEL[$k]} | ${STATE[$k]} | | | | | | |"
    continue
  fi
  [ -n "${RPS[$k]:-}" ] || continue
  notes="${NOTE[$k]}"
  [ -n "${STORED[$k]:-}" ] && notes="${STORED[$k]} rows stored; $notes"
  echo "| ($k) | ${LABEL[$k]} | ${RPS[$k]} | ${P50[$k]} | ${P99[$k]} | ${RSS[$k]} (x${NPROC[$k]}) | ${CPU[$k]} | ${NCPU[$k]} | ${notes% } |"
done
if [ -n "$CGI_MEAN" ]; then
  echo "| CGI | dlr-webhook as a CGI program, $CGI_N requests one after another (process start to exit, durable insert) | $(awk -v m="$CGI_MEAN" 'BEGIN { printf "%.0f", 1000 / m }') | $CGI_P50 | $CGI_P99 | | | | mean $CGI_MEAN ms; $CGI_ROWS rows; $cgi_fail failed |"
fi
echo
echo "| target | measured | goal | |"
echo "| --- | ---: | ---: | --- |"
r=$(ratio c b); echo "| (c)/(b) handshake vs FastCGI ceiling | $r | >= 0.9 | $(verdict "$r" '>=' 0.9) |"
r=$(ratio d b); echo "| (d)/(b) durable storing vs FastCGI ceiling | $r | >= 0.7 | $(verdict "$r" '>=' 0.7) |"
r=$(ratio d f); echo "| (d)/(f) vs PHP-FPM + PDO SQLite | $r | >= 8 | $(verdict "$r" '>=' 8) |"
r=$(ratio d g); echo "| (d)/(g) vs adnanh/webhook | $r | >= 1.5 | $(verdict "$r" '>=' 1.5) |"
echo "| (d) p99 latency, ms | ${P99[d]:--} | <= 10 | $(verdict "${P99[d]:--}" '<=' 10) |"
m=$(awk -v a="${RSS[c]:-0}" -v b="${RSS[d]:-0}" 'BEGIN { print (a > b ? a : b) }')
[ "$m" = 0 ] && m="-"
echo "| RSS per dlr-webhook process, MiB | $m | <= 8 | $(verdict "$m" '<=' 8) |"
echo "| CGI mode, mean ms per request | ${CGI_MEAN:--} | <= 3 | $(verdict "${CGI_MEAN:--}" '<=' 3) |"

#!/usr/bin/env bash
# Instructions per request of the responder, counted by valgrind's callgrind: unlike req/s or CPU
# time, the count does not move with the machine's load, so it shows a change of the request
# path's cost of a few percent in one run.
#
#   bench/callgrind.sh [N] ["KINDS"] [--keep]    (defaults: 200, "handshake dlr")
#
# KINDS among: handshake (the verification request, ?token=), dlr (one DLR stored in SQLite,
# WAL, synchronous=FULL). The bare libfcgi responder (bench/bare_fcgi.c) is always measured too,
# as the floor. Each runs under callgrind on a unix socket; bench/fcgi_requests.py sends 20
# warm-up requests, the counters are zeroed (callgrind_control -z), N requests follow one after
# another (each on a new connection, with nginx's parameters), and the counters are dumped
# (callgrind_control -d): the user-space instructions of every thread of the process (the group
# commit's writer included) divided by N. Kernel time is not counted. --keep keeps the temporary
# directory with the dumps (callgrind_annotate FILE) and prints its path.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD=${BUILD:-$ROOT/build}
N=200 KINDS="handshake dlr" KEEP=0 pos=0
for a in "$@"; do
  case $a in
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) if [ $pos -eq 0 ]; then N=$a; else KINDS=$a; fi; pos=$((pos + 1)) ;;
  esac
done
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "callgrind.sh: N must be a positive number: $N" >&2; exit 2; }
for k in $KINDS; do
  case $k in handshake | dlr) ;; *) echo "callgrind.sh: unknown kind: $k" >&2; exit 2 ;; esac
done
for tool in valgrind callgrind_control python3 spawn-fcgi cc; do
  command -v "$tool" >/dev/null || { echo "callgrind.sh: $tool not found" >&2; exit 1; }
done
if ! [ -x "$BUILD/dlr-webhook" ] || ! [ -x "$BUILD/dlrctl" ]; then
  echo "callgrind.sh: build $BUILD/dlr-webhook and dlrctl first (make)" >&2; exit 1
fi

T=$(mktemp -d /tmp/dlr-callgrind.XXXXXX)
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill "$PID" 2>/dev/null || true; fi
  if [ $KEEP -eq 1 ]; then echo "callgrind.sh: kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
SECRET=bench-secret KEY=bench-key
cat >"$T/config.json" <<EOF
{
  "database": "$T/dlr.sqlite",
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "$KEY", "secrets": ["$SECRET"]}
  ]
}
EOF
"$BUILD/dlrctl" init --config "$T/config.json" >/dev/null
cc -O2 -o "$T/bare_fcgi" "$ROOT/bench/bare_fcgi.c" -lfcgi

wait_socket() {  # SOCKET: until it accepts (valgrind starts slowly)
  local _
  for _ in $(seq 1 300); do
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' \
      "$1" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
measure() {  # KIND: prints instructions per request
  local kind=$1 sock="$T/$1.sock" out="$T/callgrind.$1" dump
  rm -f "$sock"
  if [ "$kind" = bare ]; then
    spawn-fcgi -n -s "$sock" -- /usr/bin/env valgrind --tool=callgrind \
      --callgrind-out-file="$out" "$T/bare_fcgi" >"$T/$kind.log" 2>&1 &
  else
    valgrind --tool=callgrind --callgrind-out-file="$out" "$BUILD/dlr-webhook" \
      --config "$T/config.json" --listen "unix:$sock" >"$T/$kind.log" 2>&1 &
  fi
  PID=$!
  wait_socket "$sock" || { echo "callgrind.sh: $kind did not start:" >&2; tail "$T/$kind.log" >&2; exit 1; }
  python3 "$ROOT/bench/fcgi_requests.py" "unix:$sock" "$kind" 20 "$SECRET" "$KEY"
  callgrind_control -z "$PID" >/dev/null 2>&1 ||
    { echo "callgrind.sh: callgrind_control -z failed" >&2; exit 1; }
  python3 "$ROOT/bench/fcgi_requests.py" "unix:$sock" "$kind" "$N" "$SECRET" "$KEY"
  callgrind_control -d "$PID" >/dev/null 2>&1 ||
    { echo "callgrind.sh: callgrind_control -d failed" >&2; exit 1; }
  dump=$(find "$T" -name "callgrind.$kind.*" | head -n 1)
  [ -n "$dump" ] || { echo "callgrind.sh: no dump for $kind" >&2; exit 1; }
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  awk -v n="$N" '/^summary:/ { printf "%.1f", $2 / n / 1000 }' "$dump"
}

printf 'dlr-webhook %s, %s requests of each kind after 20 of warm-up, one at a time\n' \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" "$N"
printf '%-10s %14s\n' kind "k instr/req"
for k in $KINDS bare; do
  printf '%-10s %14s\n' "$k" "$(measure "$k")"
done

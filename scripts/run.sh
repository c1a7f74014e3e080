#!/usr/bin/env bash
# `make run`: install what is missing, build, and serve the DLR receiver behind nginx on
# 127.0.0.1:8080, storing into SQLite under var/ in the repository.
#
#   scripts/run.sh                start, print the curl lines, wait; Ctrl-C stops everything
#   scripts/run.sh --background   start, print the curl lines, return (PIDs in var/run/)
#   scripts/run.sh --stop         stop what --background started
#
# Environment: PORT (default 8080) for the nginx listener on 127.0.0.1.
#
# What it creates, all under var/ (git-ignored):
#   var/config.json        generated once (mode 0600): database dlr.sqlite, webhook "sms" on
#                          /receive/callback with a random validation key and secret, the health,
#                          metrics and status page paths under /dlr/; edit freely
#   var/dlr.sqlite         the database (`dlrctl init`)
#   var/nginx.conf         regenerated on every start; nginx runs with prefix var/
#   var/run/               dlr.sock (FastCGI socket), spawn.pid (responder PIDs), nginx.pid
#   var/*.log              nginx-error.log, nginx-access.log, dlr-webhook.log (responder stderr)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VAR=$ROOT/var
RUN=$VAR/run
CONFIG=$VAR/config.json
NGINX_CONF=$VAR/nginx.conf
SOCK=$RUN/dlr.sock
SPAWN_PID=$RUN/spawn.pid
NGINX_PID=$RUN/nginx.pid
RESPONDER_LOG=$VAR/dlr-webhook.log
NGINX_ERR=$VAR/nginx-error.log
BIN=$ROOT/build/dlr-webhook
CTL=$ROOT/build/dlrctl
HOST=127.0.0.1
PORT=${PORT:-8080}
PROCESSES=1   # one process per SQLite file; its threads share one writer (README: tuning)

say() { printf 'run: %s\n' "$*"; }
die() { printf 'run: error: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,20s/^# \{0,1\}//p' "$0"; }

find_prog() {
  # /usr/sbin is not in a normal user's PATH on Debian.
  command -v "$1" 2>/dev/null && return 0
  local d
  for d in /usr/sbin /sbin /usr/local/sbin; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  return 1
}

# --- the processes we started, and only those ----------------------------------------------

# A PID from our files counts only while it is still the program we started there.
is_our_responder() {
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}          # the binary may have been rebuilt since
  [ "$exe" = "$BIN" ]
}

is_our_nginx() {
  [ -r "/proc/$1/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$NGINX_CONF"
}

responder_pids() {
  local p
  [ -f "$SPAWN_PID" ] || return 0
  # shellcheck disable=SC2013  # one PID a line (the last one may lack its newline)
  for p in $(cat "$SPAWN_PID"); do
    case $p in ''|*[!0-9]*) continue ;; esac
    is_our_responder "$p" && echo "$p"
  done
  return 0
}

nginx_pid() {
  local p
  [ -f "$NGINX_PID" ] || return 0
  p=$(tr -dc '0-9' < "$NGINX_PID")
  [ -n "$p" ] && is_our_nginx "$p" && echo "$p"
  return 0
}

# kill_wait CHECK_FUNCTION PID...: SIGTERM, up to 5 s grace, then SIGKILL.
kill_wait() {
  local check=$1; shift
  local p left
  [ "$#" -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 50); do
    left=()
    for p in "$@"; do "$check" "$p" && left+=("$p"); done
    [ "${#left[@]}" -eq 0 ] && return 0
    sleep 0.1
  done
  say "still running after 5 s, sending SIGKILL to ${left[*]}"
  kill -KILL "${left[@]}" 2>/dev/null || true
}

stop_all() {
  local n r
  n=$(nginx_pid)
  mapfile -t r < <(responder_pids)
  if [ -z "$n" ] && [ "${#r[@]}" -eq 0 ]; then
    rm -f "$NGINX_PID" "$SPAWN_PID" "$SOCK"
    return 1
  fi
  if [ -n "$n" ]; then
    say "stopping nginx (PID $n)"
    kill_wait is_our_nginx "$n"
  fi
  if [ "${#r[@]}" -gt 0 ]; then
    say "stopping dlr-webhook (PIDs ${r[*]})"
    kill_wait is_our_responder "${r[@]}"
  fi
  rm -f "$NGINX_PID" "$SPAWN_PID" "$SOCK"
  return 0
}

# --- pieces of the start ------------------------------------------------------------------------

hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

write_config() {
  local key secret
  key=$(hex 8)
  secret=$(hex 16)
  (
    umask 077
    cat > "$CONFIG.tmp" <<JSON
{
  "database": "dlr.sqlite",
  "max_body_bytes": 65536,
  "webhooks": [
    {
      "name": "sms",
      "path": "/receive/callback",
      "validation_key": "$key",
      "secrets": ["$secret"]
    }
  ],
  "health": {"path": "/dlr/health"},
  "metrics": {"path": "/dlr/metrics", "loopback_without_password": true},
  "dashboard": {"path": "/dlr/status", "loopback_without_password": true}
}
JSON
  )
  chmod 600 "$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
  say "created $CONFIG (mode 0600)"
}

port_in_use() {
  (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
}

nginx_has() {
  # nginx_has uwsgi: true unless built --without-http_uwsgi_module
  ! "$NGINX" -V 2>&1 | grep -q -- "--without-http_$1_module"
}

write_nginx_conf() {
  local user_line="" params temp locations="" catchall="" p t page
  local -a paths ops
  if [ "$(id -u)" -eq 0 ]; then
    # Workers must reach the socket spawn-fcgi creates for the same user.
    user_line="user $(id -un) $(id -gn);"
  fi
  params=$(dirname "$("$NGINX" -V 2>&1 | tr ' ' '\n' | sed -n 's/^--conf-path=//p')")
  [ -f "$params/fastcgi_params" ] || params=/etc/nginx
  [ -f "$params/fastcgi_params" ] || die "fastcgi_params not found (looked in $params)"

  temp="    client_body_temp_path \"$VAR/nginx/client_body\";"
  for t in fastcgi proxy uwsgi scgi; do
    nginx_has "$t" && temp+=$'\n'"    ${t}_temp_path \"$VAR/nginx/$t\";"
  done

  # One exact location per configured webhook path; a webhook without "path" answers every path.
  mapfile -t paths < <(jq -r '.webhooks[]? | (.path // "/")' "$CONFIG")
  [ "${#paths[@]}" -gt 0 ] || paths=("/")
  if ! printf '%s\n' "${paths[@]}" | grep -qx /; then
    catchall="        location / {
            return 404 '{\"ok\": false, \"error\": \"not_found\", \"message\": \"no webhook at this path\"}\\n';
        }"
  fi
  # The operator's paths: health and metrics exact, the status page and what is below it.
  mapfile -t ops < <(jq -r '(.health.path // empty), (.metrics.path // empty)' "$CONFIG")
  page=$(jq -r '.dashboard.path // empty' "$CONFIG")
  for p in "${paths[@]}" "${ops[@]}" ${page:+"^~$page"}; do
    if [ "$p" = "/" ]; then
      locations+="        location / {"$'\n'
    elif [ "${p#^~}" != "$p" ]; then
      locations+="        location ^~ ${p#^~} {"$'\n'
    else
      locations+="        location = $p {"$'\n'
    fi
    locations+="            include \"$params/fastcgi_params\";
            fastcgi_param DLR_WEBHOOK_CONFIG \"$CONFIG\";
            fastcgi_pass \"unix:$SOCK\";
        }
"
  done

  cat > "$NGINX_CONF.tmp" <<CONF
# Generated by scripts/run.sh on every start; edits are overwritten.
$user_line
worker_processes 1;
pid "$NGINX_PID";
error_log "$NGINX_ERR" notice;

events {
    worker_connections 1024;
}

http {
    access_log "$VAR/nginx-access.log";
$temp
    default_type application/json;
    client_max_body_size 1m;     # the responder enforces max_body_bytes (413) itself
    server_tokens off;

    server {
        listen $HOST:$PORT;
        server_name localhost;

$locations$catchall
    }
}
CONF
  mv "$NGINX_CONF.tmp" "$NGINX_CONF"
}

print_examples() {
  local key secret path url auth db
  key=$(jq -r '.webhooks[0].validation_key // empty' "$CONFIG")
  secret=$(jq -r '.webhooks[0].secrets[0]? // empty' "$CONFIG")
  path=$(jq -r '.webhooks[0].path // "/receive/callback"' "$CONFIG")
  db=$(jq -r '.database // empty' "$CONFIG")
  url="http://$HOST:$PORT$path"
  auth=""
  [ -n "$secret" ] && auth="  -H 'Authorization: Bearer $secret' \\"$'\n'

  cat <<EOF

dlr-webhook is listening: $url
  nginx on $HOST:$PORT -> unix:$SOCK -> $PROCESSES x build/dlr-webhook (32 request threads each)
  config:         $CONFIG
  validation key: ${key:-(none: the verification request will be answered 403)}
  secret:         ${secret:-(none: requests are not authenticated)}
  logs:           $NGINX_ERR, $VAR/nginx-access.log, $RESPONDER_LOG

# The platform's verification request (expect 200 with the challenge and the validation key):
curl -i -X POST '$url?token=$key' \\
$auth  -H 'Content-Type: application/json' \\
  -d '{"validation_key": "$key", "challenge": "a234qwe"}'

# The platform's DLR example, trailing comma included (expect 200 {"ok":true,"stored":1,"duplicates":0};
# sent again: stored 0, duplicates 1):
curl -i -X POST '$url' \\
$auth  -H 'Content-Type: application/json' \\
  -d '{
      "id": "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1",
      "mobile": "918921269xxx",
      "status": "DELIVRD",
      "credits": "2.0000",
      "units": 2,
      "deliv_time": "2021-04-09 16:27:51",
      "sent_time": "2021-04-09 16:27:35",
      "submit_time": "2021-04-09 16:27:39",
      "cid": "1234444XXXX",
      "custom": "9882XXXX",
      "custom1": "campaign-3344",
      "custom2": "new-campXXX",
      "location": "India",
      "region" : "Bangalore",
      "provider": "Jio",
      "location_code": "in",
      "region_code": "KA",
      "provider_code": "RJ",
    }'

EOF
  local health metrics page
  health=$(jq -r '.health.path // empty' "$CONFIG")
  metrics=$(jq -r '.metrics.path // empty' "$CONFIG")
  page=$(jq -r '.dashboard.path // empty' "$CONFIG")
  [ -n "$page" ] && echo "# The status page (a browser on this host; loopback only without dashboard.password):" \
    && echo "#   http://$HOST:$PORT$page        JSON: http://$HOST:$PORT$page/data.json"
  [ -n "$health" ] && echo "curl -i http://$HOST:$PORT$health     # 200 while the database answers, else 503"
  [ -n "$metrics" ] && echo "curl -s http://$HOST:$PORT$metrics    # Prometheus counters (loopback or metrics.secrets)"
  echo
  case $db in
    *://*) ;;
    "") ;;
    /*) echo "# The stored rows:"; echo "sqlite3 '$db' 'select id,status,received_at from dlr_events'" ;;
    *)  echo "# The stored rows:"; echo "sqlite3 '$VAR/$db' 'select id,status,received_at from dlr_events'" ;;
  esac
  echo
}

wait_ready() {
  local code auth=()
  local secret path
  secret=$(jq -r '.webhooks[0].secrets[0]? // empty' "$CONFIG")
  path=$(jq -r '.webhooks[0].path // "/receive/callback"' "$CONFIG")
  [ -n "$secret" ] && auth=(-H "Authorization: Bearer $secret")
  for _ in $(seq 50); do
    # A GET with no body, no token and no DLR is a reachability ping: nothing is stored.
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${auth[@]}" "http://$HOST:$PORT$path" || true)
    case $code in
      200|401|403|404) return 0 ;;
    esac
    sleep 0.1
  done
  say "no answer from http://$HOST:$PORT$path (last HTTP status: ${code:-none})"
  return 1
}

show_logs() {
  local f
  for f in "$NGINX_ERR" "$RESPONDER_LOG"; do
    [ -s "$f" ] || continue
    echo "--- last lines of $f" >&2
    tail -n 15 "$f" >&2
  done
}

start() {
  local n r

  case $PORT in ''|*[!0-9]*) die "PORT must be a number (got '$PORT')" ;; esac

  n=$(nginx_pid)
  mapfile -t r < <(responder_pids)
  if [ -n "$n" ] || [ "${#r[@]}" -gt 0 ]; then
    die "already running (nginx ${n:-not running}, dlr-webhook ${r[*]:-not running}); stop it with: scripts/run.sh --stop"
  fi
  rm -f "$NGINX_PID" "$SPAWN_PID" "$SOCK"

  bash "$ROOT/scripts/deps.sh" --install
  make -C "$ROOT" -j"$(nproc)" all

  [ -x "$BIN" ] || die "$BIN was not built"
  [ -x "$CTL" ] || die "$CTL was not built"
  NGINX=$(find_prog nginx) || die "nginx not found"
  SPAWN=$(find_prog spawn-fcgi) || die "spawn-fcgi not found"
  [ "${#SOCK}" -lt 108 ] || die "socket path too long for a unix socket (${#SOCK} chars): $SOCK"

  umask 027
  mkdir -p "$RUN" "$VAR/nginx"
  if [ -f "$CONFIG" ]; then
    say "using existing $CONFIG"
  else
    write_config
  fi
  "$CTL" check-config --config "$CONFIG"
  "$CTL" init --config "$CONFIG"

  if port_in_use; then
    die "$HOST:$PORT is already in use; free it or choose another port: PORT=8081 make run"
  fi

  write_nginx_conf
  if ! "$NGINX" -t -q -p "$VAR/" -c "$NGINX_CONF" -e "$NGINX_ERR"; then
    die "nginx rejected $NGINX_CONF"
  fi

  # The config reaches the responder as the FastCGI parameter DLR_WEBHOOK_CONFIG (nginx
  # fastcgi_param), so a DLR_WEBHOOK_CONFIG from the caller's environment must not override it.
  # spawn-fcgi writes one PID a line to -P, one per -F child, and points the children's
  # stdout/stderr at /dev/null: the sh in front (which execs, keeping the PID) sends the
  # responder's stderr to var/dlr-webhook.log instead.
  # From here on an interrupt stops whatever was started (--background clears this at the end).
  trap on_signal INT TERM HUP
  say "starting $PROCESSES dlr-webhook process(es) on unix:$SOCK"
  # shellcheck disable=SC2016,SC2094
  if ! env -u DLR_WEBHOOK_CONFIG "$SPAWN" -s "$SOCK" -F "$PROCESSES" -P "$SPAWN_PID" -- \
      /bin/sh -c 'exec "$1" 2>>"$2"' sh "$BIN" "$RESPONDER_LOG" \
      >>"$RESPONDER_LOG" 2>&1 </dev/null; then
    show_logs
    stop_all || true
    die "spawn-fcgi failed"
  fi

  say "starting nginx on $HOST:$PORT"
  if ! "$NGINX" -p "$VAR/" -c "$NGINX_CONF" -e "$NGINX_ERR" </dev/null; then
    show_logs
    stop_all || true
    die "nginx did not start"
  fi
  for _ in $(seq 30); do
    [ -n "$(nginx_pid)" ] && break
    sleep 0.1
  done
  [ -n "$(nginx_pid)" ] || { show_logs; stop_all || true; die "nginx did not write $NGINX_PID"; }

  if ! wait_ready; then
    show_logs
    stop_all || true
    die "the receiver did not answer"
  fi
  print_examples
}

STOPPING=0
RUNNING=0
on_signal() {
  [ "$STOPPING" -eq 1 ] && return
  STOPPING=1
  echo
  stop_all || true
  # Ctrl-C is the normal way to end a foreground run; during the start it is an interruption.
  [ "$RUNNING" -eq 1 ] && exit 0
  exit 130
}

foreground() {
  RUNNING=1
  say "running; Ctrl-C stops nginx and dlr-webhook"
  while :; do
    sleep 1 &
    wait $! || true
    if [ -z "$(nginx_pid)" ]; then
      say "nginx exited"; show_logs; stop_all || true; exit 1
    fi
    if [ -z "$(responder_pids)" ]; then
      say "all dlr-webhook processes exited"; show_logs; stop_all || true; exit 1
    fi
  done
}

case "${1:-}" in
  "")
    start
    foreground
    ;;
  --background)
    start
    trap - INT TERM HUP
    say "running in the background (PIDs in $RUN); stop with: scripts/run.sh --stop"
    ;;
  --stop)
    if stop_all; then say "stopped"; else say "nothing was running"; fi
    ;;
  -h|--help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# dlr-webhook behind a real Apache 2.4 (Debian's apache2), in each way apache/ describes, with
# the shipped files (apache/*.conf, apache/*.htaccess; only their paths changed):
#   - mod_fcgid (Apache starts the responders),
#   - mod_proxy_fcgi to responders started by spawn-fcgi on a unix socket,
#   - plain CGI with the portable binary: an .htaccess in cgi-bin/, one in a directory of the
#     document root (config and database beside the program), and that one again with the
#     RewriteRule fallback for servers without CGIPassAuth, and apache/suexec-wrapper.cgi (the
#     config named on the command line, for hosts whose suEXEC drops SetEnv variables).
# Through each: the verification handshake, a DLR stored, a wrong secret 401, an oversized body
# 413. Then 20 concurrent CGI requests on one SQLite file. One Apache (mpm_event, mod_cgid), its
# own config in the temp dir, three loopback ports, stopped on exit. As root, Apache's children,
# the CGI programs and the responders run as www-data (Apache refuses to serve as root).
# A missing apache2, module or binary is a failure, never a skip.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APACHE_BIN="${APACHE_BIN:-/usr/sbin/apache2}"
APACHE_MODULES="${APACHE_MODULES:-/usr/lib/apache2/modules}"
PORTABLE_BIN="${PORTABLE_BIN:-$BUILD_DIR/portable/dlr-webhook}"
case "$PORTABLE_BIN" in /*) ;; *) PORTABLE_BIN="$ROOT/$PORTABLE_BIN" ;; esac
MODULES="mpm_event authz_core mime alias env setenvif rewrite cgid fcgid proxy proxy_fcgi"

require_tools curl sqlite3 jq spawn-fcgi od
[ -x "$APACHE_BIN" ] || die "apache2 present" "$APACHE_BIN not found (apt install apache2; this is a failure, not a skip)"
missing=""
for m in $MODULES; do [ -f "$APACHE_MODULES/mod_$m.so" ] || missing="$missing mod_$m"; done
[ -z "$missing" ] || die "Apache modules present" "missing in $APACHE_MODULES:$missing (apt install apache2 libapache2-mod-fcgid)"
[ -x "$PORTABLE_BIN" ] || die "portable binary built" "$PORTABLE_BIN not found (run make portable)"
ok "apache2 ($("$APACHE_BIN" -v 2>/dev/null | sed -n 's/^Server version: //p')), modules and the portable binary present"
make_tmp

SECRET="1233XXX"
KEY="9012XX"
AUTH="Authorization: Bearer $SECRET"
JSON="Content-Type: application/json"

# ------------------------------------------------------------------ the user Apache's children run as
RUN_USER=""
if [ "$(id -u)" = 0 ]; then
    for u in www-data nobody; do
        if id "$u" >/dev/null 2>&1; then RUN_USER=$u; break; fi
    done
    [ -n "$RUN_USER" ] || die "an unprivileged user for Apache" "neither www-data nor nobody exists"
    RUN_GROUP=$(id -gn "$RUN_USER")
fi
# as_run_user CMD...: runs CMD as the user the web server's programs run as
as_run_user() {
    if [ -n "$RUN_USER" ]; then setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups -- "$@"
    else "$@"; fi
}
# owned_by_run_user DIR...: the programs write their databases there
owned_by_run_user() { if [ -n "$RUN_USER" ]; then chown "$RUN_USER:$RUN_GROUP" "$@"; fi; }

# ------------------------------------------------------------------ layout
#   $T/bin              dlr-webhook (FastCGI setups), dlrctl
#   $T/etc/<setup>/     config.json + dlr.sqlite of fcgid and proxy
#   $T/home/dlr-webhook config.json + dlr.sqlite of the cgi-bin install (outside the web space)
#   $T/www              the CGI virtual host's document root: cgi-bin/, dlr/, legacy/
#   $T/apache           httpd.conf, the shipped files with their paths, logs, runtime files
#   $T/home/wrapped     portable binary, config.json + dlr.sqlite behind www/wrapped/dlr-webhook.cgi
mkdir -p "$T/bin" "$T/etc/fcgid" "$T/etc/proxy" "$T/home/dlr-webhook" "$T/home/wrapped" \
    "$T/www/cgi-bin" "$T/www/dlr" "$T/www/legacy" "$T/www/wrapped" "$T/apache/run" "$T/run"
cp "$BIN" "$CTL" "$T/bin/"
for d in cgi-bin dlr legacy; do install -m 755 "$PORTABLE_BIN" "$T/www/$d/dlr-webhook.cgi"; done
install -m 755 "$PORTABLE_BIN" "$T/home/wrapped/dlr-webhook"
owned_by_run_user "$T/etc/fcgid" "$T/etc/proxy" "$T/home/dlr-webhook" "$T/home/wrapped" \
    "$T/www/dlr" "$T/www/legacy" "$T/run"

# write_config FILE DATABASE MAX_BODY [PATH]
write_config() {
    local path_line=""
    [ -n "${4:-}" ] && path_line="\"path\": \"$4\","
    cat > "$1" <<EOF
{
  "database": "$2",
  "max_body_bytes": $3,
  "webhooks": [
    {"name": "sms", $path_line "validation_key": "$KEY", "secrets": ["$SECRET"]}
  ]
}
EOF
    chmod 644 "$1"
}
# mod_fcgid: max_body_bytes above mod_fcgid's default FcgidMaxRequestLen (131072), so that a
# 200 KB DLR shows the shipped FcgidMaxRequestLen is in force.
write_config "$T/etc/fcgid/config.json" "$T/etc/fcgid/dlr.sqlite" 262144 /receive/callback
write_config "$T/etc/proxy/config.json" "$T/etc/proxy/dlr.sqlite" 4096 /receive/callback
write_config "$T/home/dlr-webhook/config.json" "$T/home/dlr-webhook/dlr.sqlite" 4096   # no path
write_config "$T/www/dlr/config.json" "dlr.sqlite" 4096 /dlr/callback        # beside the program
write_config "$T/www/legacy/config.json" "dlr.sqlite" 4096 /legacy/callback
write_config "$T/home/wrapped/config.json" "dlr.sqlite" 4096 /wrapped/dlr-webhook.cgi

for c in "$T/etc/fcgid" "$T/etc/proxy" "$T/home/dlr-webhook" "$T/www/dlr" "$T/www/legacy" \
    "$T/home/wrapped"; do
    out=$(as_run_user "$T/bin/dlrctl" init --config "$c/config.json" 2>&1) \
        || die "dlrctl init ${c#"$T"/}" "$out"
done
ok "six configs and databases ready${RUN_USER:+ (owned by $RUN_USER)}"

# The shipped files, their paths pointed into $T.
# shipped FILE [CONFIG_PATH] -> stdout
shipped() {
    sed -e "s#/usr/local/bin/dlr-webhook#$T/bin/dlr-webhook#g" \
        -e "s#/etc/dlr-webhook/config.json#${2:-}#g" \
        -e "s#/run/dlr-webhook/dlr-webhook.sock#$T/run/dlr.sock#g" \
        -e "s#/home/USER/dlr-webhook/config.json#${2:-}#g" "$ROOT/apache/$1"
}
shipped dlr-webhook-fcgid.conf "$T/etc/fcgid/config.json" > "$T/apache/fcgid.conf"
shipped dlr-webhook-proxy-fcgi.conf > "$T/apache/proxy-fcgi.conf"
shipped cgi-bin.htaccess "$T/home/dlr-webhook/config.json" > "$T/www/cgi-bin/.htaccess"
shipped docroot.htaccess "$T/www/dlr/config.json" > "$T/www/dlr/.htaccess"
# legacy/: the documented fallback for servers older than 2.4.13 instead of CGIPassAuth
shipped docroot.htaccess "$T/www/legacy/config.json" \
    | sed -e 's#^CGIPassAuth On#\# (CGIPassAuth removed)#' \
          -e 's#^RewriteEngine On#RewriteEngine On\nRewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]#' \
    > "$T/www/legacy/.htaccess"
grep -q '^RewriteRule \.\* - \[E=HTTP_AUTHORIZATION' "$T/www/legacy/.htaccess" \
    && ! grep -q '^CGIPassAuth' "$T/www/legacy/.htaccess" \
    || die "legacy .htaccess derived from docroot.htaccess" "$(cat "$T/www/legacy/.htaccess")"
# wrapped/: the suEXEC wrapper, and the cgi-bin .htaccess without its SetEnv line, so that the
# config can only come from the wrapper's --config
sed -e "s#/home/USER/dlr-webhook#$T/home/wrapped#g" "$ROOT/apache/suexec-wrapper.cgi" > "$T/www/wrapped/dlr-webhook.cgi"
chmod 755 "$T/www/wrapped/dlr-webhook.cgi"
grep -v '^SetEnv DLR_WEBHOOK_CONFIG' "$ROOT/apache/cgi-bin.htaccess" > "$T/www/wrapped/.htaccess"
chmod 644 "$T"/www/*/.htaccess "$T"/apache/*.conf

# ------------------------------------------------------------------ spawn-fcgi for mod_proxy_fcgi
# Four responders on $T/run/dlr.sock, named config, as RUN_USER; socket owned by Apache's user.
spawn_args=(-s "$T/run/dlr.sock" -M 0660 -F 4 -P "$T/spawn.pid")
[ -n "$RUN_USER" ] && spawn_args+=(-U "$RUN_USER" -G "$RUN_GROUP" -u "$RUN_USER" -g "$RUN_GROUP")
out=$(cd "$T" && env -u DLR_WEBHOOK_CONFIG spawn-fcgi "${spawn_args[@]}" -- /bin/sh -c \
    'exec "$0" --config "$1" 2>>"$2"' "$T/bin/dlr-webhook" "$T/etc/proxy/config.json" \
    "$T/run/responder.log" 2>&1); rc=$?
for p in $(responder_pids); do STARTED_PIDS+=("$p"); done
[ $rc -eq 0 ] && [ "$(responder_pids | wc -l)" -eq 4 ] \
    || die "spawn-fcgi started 4 responders for mod_proxy_fcgi" "exit $rc: $out"
ok "spawn-fcgi: 4 responders on $T/run/dlr.sock"

# ------------------------------------------------------------------ Apache
# write_httpd_conf PORT_FCGID PORT_PROXY PORT_CGI
write_httpd_conf() {
    local m userlines=""
    [ -n "$RUN_USER" ] && userlines="User $RUN_USER
Group $RUN_GROUP"
    {
        cat <<EOF
ServerRoot "$T/apache"
ServerName 127.0.0.1
PidFile "$T/apache/httpd.pid"
DefaultRuntimeDir "$T/apache/run"
Mutex file:$T/apache/run default
ErrorLog "$T/apache/error.log"
LogLevel warn
$userlines
EOF
        for m in $MODULES; do echo "LoadModule ${m}_module $APACHE_MODULES/mod_$m.so"; done
        cat <<EOF
LogFormat "%h \"%r\" %>s %b %Dus" short
CustomLog "$T/apache/access.log" short
TypesConfig /dev/null
ScriptSock "$T/apache/run/cgid.sock"
FcgidIPCDir "$T/apache/run/fcgid"
FcgidProcessTableFile "$T/apache/run/fcgid_shm"
Timeout 30
StartServers 2
ThreadsPerChild 25
MaxRequestWorkers 100

Listen 127.0.0.1:$1
Listen 127.0.0.1:$2
Listen 127.0.0.1:$3

DocumentRoot "$T/www"
<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
<Files ".ht*">
    Require all denied
</Files>

# mod_fcgid, apache/dlr-webhook-fcgid.conf
<VirtualHost 127.0.0.1:$1>
    Include "$T/apache/fcgid.conf"
</VirtualHost>

# mod_proxy_fcgi, apache/dlr-webhook-proxy-fcgi.conf
<VirtualHost 127.0.0.1:$2>
    Include "$T/apache/proxy-fcgi.conf"
</VirtualHost>

# plain CGI, as on a shared host: .htaccess files in the document root
<VirtualHost 127.0.0.1:$3>
    DocumentRoot "$T/www"
    <Directory "$T/www">
        Options None
        AllowOverride All
        Require all granted
    </Directory>
</VirtualHost>
EOF
    } > "$T/apache/httpd.conf"
}

APACHE_PID=""
start_apache() {
    local attempt i code p1 p2 p3 out
    for attempt in 1 2 3; do
        p1=$(free_port) && p2=$(free_port) && p3=$(free_port) || die "free loopback ports" "none found"
        [ "$p1" != "$p2" ] && [ "$p2" != "$p3" ] && [ "$p1" != "$p3" ] || continue
        write_httpd_conf "$p1" "$p2" "$p3"
        if ! out=$("$APACHE_BIN" -t -f "$T/apache/httpd.conf" 2>&1); then
            die "apache2 -t accepts the generated config with the shipped files" "$out"
        fi
        rm -f "$T/apache/error.log"
        "$APACHE_BIN" -f "$T/apache/httpd.conf" -DFOREGROUND >"$T/apache/stdout.log" 2>&1 &
        APACHE_PID=$!
        STARTED_PIDS+=("$APACHE_PID")
        for i in $(seq 1 100); do
            kill -0 "$APACHE_PID" 2>/dev/null || break
            code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://127.0.0.1:$p3/__probe__" 2>/dev/null)
            if [ "$code" = 404 ] || [ "$code" = 403 ]; then
                FCGID_BASE="http://127.0.0.1:$p1"
                PROXY_BASE="http://127.0.0.1:$p2"
                CGI_BASE="http://127.0.0.1:$p3"
                ok "apache2 -DFOREGROUND answers on ports $p1 (fcgid), $p2 (proxy_fcgi), $p3 (CGI)${RUN_USER:+, children as $RUN_USER}"
                return 0
            fi
            sleep 0.1
        done
        if kill -0 "$APACHE_PID" 2>/dev/null; then
            die "apache2 ready" "no answer after 10s; error.log: $(tail -n 5 "$T/apache/error.log" 2>/dev/null | tr '\n' ' ')"
        fi
        wait "$APACHE_PID" 2>/dev/null
        grep -q 'Address already in use' "$T/apache/error.log" "$T/apache/stdout.log" 2>/dev/null || break
    done
    die "apache2 started" "it exited: $(cat "$T/apache/stdout.log" 2>/dev/null | tr '\n' ' ') $(tail -n 5 "$T/apache/error.log" 2>/dev/null | tr '\n' ' ')"
}
start_apache

# ------------------------------------------------------------------ the checks, for each setup
# checks NAME BASE URL MAX_BODY : handshake, a DLR stored, no / wrong bearer 401, too large 413
checks() {
    local name=$1 url=$3 max=$4 id
    BASE=$2
    id="apache-$name-1"

    req POST "$url?token=$KEY" -H "$AUTH" -H "$JSON" --data-binary @"$DATA/platform_verify.json"
    answer "$name: verification request -> 200 with the challenge and the validation key" 200 \
        '.challenge == "a234qwe"' ".validation_key == \"$KEY\""
    delta "$name: verification stores nothing" 0 0 0

    req POST "$url" -H "$AUTH" -H "$JSON" --data-binary @"$DATA/platform_example.json"
    answer "$name: the platform's DLR with the bearer secret (Authorization passed through) -> 200 stored 1" 200 \
        '.ok == true' '.stored == 1' '.duplicates == 0'
    delta "$name: the DLR is stored" 1 1 0
    sql_eq "$name: stored row (id, status, webhook, raw exact)" \
        "SELECT status||'|'||webhook||'|'||(hex(raw) = '$(hexof < "$DATA/platform_example.json")') FROM dlr_events WHERE id='b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1';" \
        "DELIVRD|sms|1"

    req POST "$url" -H "$JSON" -H "Authorization: Bearer ${SECRET}x" --data-binary "{\"id\": \"$id\", \"status\": \"DELIVRD\"}"
    err_answer "$name: wrong secret -> 401 unauthorized" 401 unauthorized
    header_matches "$name: 401 has WWW-Authenticate: Bearer" WWW-Authenticate '^[Bb]earer'
    delta "$name: 401 stores nothing" 0 0 0

    req POST "$url" -H "$JSON" --data-binary "{\"id\": \"$id\", \"status\": \"DELIVRD\"}"
    err_answer "$name: no Authorization header -> 401 unauthorized" 401 unauthorized
    delta "$name: 401 (no header) stores nothing" 0 0 0

    # Apache maps the normalised path but passes the path as sent: refused, never routed.
    local p
    for p in "${url%/*}/x/../${url##*/}" "${url%/*}/./${url##*/}" "${url%/*}//${url##*/}"; do
        req POST "$p" --path-as-is -H "$AUTH" -H "$JSON" --data-binary "{\"id\": \"$id-dot\", \"status\": \"DELIVRD\"}"
        err_answer "$name: --path-as-is $p -> 400 bad_request" 400 bad_request
        delta "$name: $p stores nothing" 0 0 0
    done

    head -c $((max + 1000)) /dev/zero | tr '\0' 'x' > "$T/big.in"
    req POST "$url" -H "$AUTH" -H "$JSON" --data-binary @"$T/big.in"
    err_answer "$name: body of $((max + 1000)) bytes over max_body_bytes $max -> 413 too_large" 413 too_large
    delta "$name: 413 stores nothing" 0 0 0

    # more than a pipe or socket buffer holds: the web server blocks writing it unless it is read
    head -c 300000 /dev/zero | tr '\0' 'x' > "$T/big.in"
    req POST "$url" -H "$AUTH" -H "$JSON" --data-binary @"$T/big.in"
    err_answer "$name: body of 300000 bytes -> 413 too_large" 413 too_large
    delta "$name: 413 (300000 bytes) stores nothing" 0 0 0
}

DB="$T/etc/fcgid/dlr.sqlite"
checks mod_fcgid "$FCGID_BASE" /receive/callback 262144
# 200 KB: above mod_fcgid's default FcgidMaxRequestLen (131072, answered 500), under max_body_bytes (in a key without a column of its own, kept in raw, so max_field_bytes does not apply)
{ printf '{"id": "apache-fcgid-big", "status": "DELIVRD", "note": "'; head -c 200000 /dev/zero | tr '\0' 'y'; printf '"}'; } > "$T/big200k.json"
req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$T/big200k.json"
answer "mod_fcgid: a 200 KB DLR (over mod_fcgid's default FcgidMaxRequestLen) -> 200 stored 1" 200 '.stored == 1'
delta "mod_fcgid: the 200 KB DLR is stored" 1 1 0

DB="$T/etc/proxy/dlr.sqlite"
checks mod_proxy_fcgi "$PROXY_BASE" /receive/callback 4096

DB="$T/home/dlr-webhook/dlr.sqlite"
checks "CGI cgi-bin" "$CGI_BASE" /cgi-bin/dlr-webhook.cgi 4096

DB="$T/www/dlr/dlr.sqlite"
checks "CGI document root" "$CGI_BASE" /dlr/callback 4096
BASE=$CGI_BASE
for f in config.json dlr.sqlite dlr.sqlite-wal dlr.sqlite-shm .htaccess; do
    req GET "/dlr/$f"
    check_eq "CGI document root: /dlr/$f is not served (403)" 403 "$CODE"
done
req GET /dlr/
case "$CODE" in 403|404) ok "CGI document root: no directory listing of /dlr/ ($CODE)" ;;
    *) not_ok "CGI document root: no directory listing of /dlr/" "answered $CODE: $(body_short)" ;; esac

DB="$T/www/legacy/dlr.sqlite"
checks "CGI RewriteRule E=HTTP_AUTHORIZATION fallback" "$CGI_BASE" /legacy/callback 4096

DB="$T/home/wrapped/dlr.sqlite"
checks "CGI suEXEC wrapper (--config, no SetEnv)" "$CGI_BASE" /wrapped/dlr-webhook.cgi 4096

# ------------------------------------------------------------------ 20 concurrent CGI requests
# Twenty CGI processes at once on one SQLite file (busy_timeout_ms: 5000 by default): each is
# 200 (stored) or, at worst, 503; never another answer, never a SQLite message in a body.
DB="$T/home/dlr-webhook/dlr.sqlite"
BASE=$CGI_BASE
snap
mkdir -p "$T/conc"
t0=$(date +%s%N)
pids=()
for i in $(seq 1 20); do
    curl -sS --max-time 30 -o "$T/conc/$i.body" -w '%{http_code}' -H "$AUTH" -H "$JSON" \
        --data-binary "{\"id\": \"apache-conc-$i\", \"status\": \"DELIVRD\", \"deliv_time\": \"2021-04-09 16:27:51\"}" \
        "$BASE/cgi-bin/dlr-webhook.cgi" > "$T/conc/$i.code" 2>"$T/conc/$i.err" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
n200=0; n503=0
for i in $(seq 1 20); do
    case "$(cat "$T/conc/$i.code")" in 200) n200=$((n200 + 1)) ;; 503) n503=$((n503 + 1)) ;; esac
done
others=$(for i in $(seq 1 20); do c=$(cat "$T/conc/$i.code"); [ "$c" = 200 ] || [ "$c" = 503 ] || echo "$i=$c"; done | tr '\n' ' ')
echo "# 20 concurrent CGI requests: $n200 x 200, $n503 x 503 in ${ms} ms"
check_eq "20 concurrent CGI requests: every answer is 200 or 503" "" "$others"
check_eq "20 concurrent CGI requests: 20 answered 200 (503 count: $n503)" 20 "$n200"
stored=$(sql "SELECT count(*) FROM dlr_events WHERE id LIKE 'apache-conc-%';")
check_eq "20 concurrent CGI requests: one row per 200 answer" "$n200" "$stored"
check_eq "20 concurrent CGI requests: 20 rows" 20 "$stored"
if grep -il 'locked\|sqlite' "$T"/conc/*.body >/dev/null 2>&1; then
    not_ok "20 concurrent CGI requests: no SQLite error text in any answer" "$(grep -il 'locked\|sqlite' "$T"/conc/*.body | head -n 3 | xargs cat)"
else
    ok "20 concurrent CGI requests: no SQLite error text in any answer"
fi
sql_eq "PRAGMA integrity_check = ok after the concurrent CGI requests" "PRAGMA integrity_check;" ok

# ------------------------------------------------------------------ Apache's view
# Expected at level error: the responder's own log lines (mod_proxy_fcgi logs a FastCGI stderr
# record as AH01071) and the files refused on purpose above (AH01630). Not expected: a broken
# pipe or a reset while Apache passes a refused body to a CGI program (AH02651, AH00574).
grep -E '\[[a-z_]+:(error|crit|alert|emerg)\]' "$T/apache/error.log" \
    | grep -Ev "AH01071: Got error '[^']*dlr-webhook\[|AH01630: .*/www/dlr/" > "$T/apache/errors.txt"
if [ -s "$T/apache/errors.txt" ]; then
    not_ok "Apache's error.log has no unexpected errors" "$(head -n 5 "$T/apache/errors.txt" | tr '\n' ' ')"
else
    ok "Apache's error.log has no unexpected errors"
fi
finish

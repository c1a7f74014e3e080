#!/usr/bin/env bash
# The portable binary (make portable): fully static (static-pie: no shared library, no glibc
# symbol version); it answers CGI requests from an empty environment: the handshake and a DLR
# stored in SQLite, then in a real MariaDB server (over TCP, over a socket given in the URL, and
# over the socket "localhost" finds), and never opens a shared library while doing so (no NSS
# module, no MariaDB client plugin: strace); a server asking for a client plugin it does not carry
# is refused with a 503 that says so. Then as FastCGI behind nginx (spawn-fcgi, threads and group
# commit): concurrent DLRs stored in MariaDB, every process alive.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers_lib.sh"

PORTABLE_BIN="${PORTABLE_BIN:-$BUILD_DIR/portable/dlr-webhook}"
case "$PORTABLE_BIN" in /*) ;; *) PORTABLE_BIN="$ROOT/$PORTABLE_BIN" ;; esac

require_tools readelf objdump file sqlite3 jq od strace unshare nginx spawn-fcgi curl
[ -x "$PORTABLE_BIN" ] || die "portable binary built" "$PORTABLE_BIN not found (run make portable)"
make_tmp
trap servers_cleanup EXIT

needed=$(readelf -d "$PORTABLE_BIN" 2>&1 | grep -c '(NEEDED)')
check_eq "readelf -d: no NEEDED entry (no shared library)" 0 "$needed"
interp=$(readelf -l "$PORTABLE_BIN" | grep -c 'Requesting program interpreter')
check_eq "readelf -l: no program interpreter (no dynamic loader)" 0 "$interp"
versions=$(objdump -T "$PORTABLE_BIN" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sort -u | tr '\n' ' ')
check_eq "objdump -T: no GLIBC_ symbol version" "" "$versions"
case "$(file -b "$PORTABLE_BIN")" in
    *static-pie*) ok "file: static-pie" ;;
    *) not_ok "file: static-pie" "$(file -b "$PORTABLE_BIN")" ;;
esac

v=$("$PORTABLE_BIN" --version 2>&1)
case "$v" in "dlr-webhook "*) ok "--version: $v" ;; *) not_ok "--version" "$v" ;; esac

mkdir -p "$T/site"
# site_config DATABASE: the site's config, storing to DATABASE
site_config() {
    jq -n --arg db "$1" '{database: $db, webhooks: [{name: "sms", validation_key: "9012XX", secrets: ["1233XXX"]}]}' \
        > "$T/site/config.json"
}
site_config dlr.sqlite
DB="$T/site/dlr.sqlite"

# pcgi BODYFILE URI [VAR=VALUE...]: one CGI request to the portable binary, from an empty
# environment (plus the VAR=VALUEs), under strace: the files it opened in $T/opened
PCGI_WRAP=()
pcgi() {
    local body=$1 uri=$2 q=""
    shift 2
    case "$uri" in *\?*) q=${uri#*\?} ;; esac
    (cd / && "${PCGI_WRAP[@]}" env -i REQUEST_METHOD=POST REQUEST_URI="$uri" QUERY_STRING="$q" CONTENT_TYPE=application/json \
        CONTENT_LENGTH="$(wc -c < "$body" | tr -d ' ')" HTTP_AUTHORIZATION="Bearer 1233XXX" \
        DLR_WEBHOOK_CONFIG="$T/site/config.json" REMOTE_ADDR=127.0.0.1 "$@" \
        strace -f -qq -e trace=open,openat,connect -o "$T/opened" "$PORTABLE_BIN" < "$body" > "$T/out" 2>"$T/err")
    awk 'BEGIN{h=1} { if (h) { sub(/\r$/, ""); if ($0 == "") { h=0; next } print > hf } else print > bf }' \
        hf="$T/resp.hdr" bf="$T/resp.body" "$T/out"
    CODE=$(header Status); CODE=${CODE%% *}
    REQ_DESC="portable CGI POST $uri"
}

# dlr_body N: a copy of the platform's DLR with message id ...:N, its path printed
dlr_body() {
    sed "s/cd7d6:1\"/cd7d6:$1\"/" "$DATA/platform_example.json" > "$T/dlr$1.json"
    echo "$T/dlr$1.json"
}

# connected_to DESC PATH: the last request connected to the unix socket PATH
connected_to() {
    if grep -qF "sun_path=\"$2\"" "$T/opened"; then ok "$1"
    else not_ok "$1" "no connect() to $2: $(grep connect "$T/opened" | head -n 3 | tr '\n' ' ')"; fi
}

# no_shared_objects DESC: the last request opened no shared library (NSS module, client plugin)
no_shared_objects() {
    local so
    so=$(grep -E 'open(at)?\(.*\.so(\.[0-9]+)*"' "$T/opened" | head -n 3 | tr '\n' ' ')
    check_eq "$1: opened no shared library" "" "$so"
}

pcgi "$DATA/platform_verify.json" "/cgi-bin/dlr-webhook.cgi?token=9012XX"
answer "portable, CGI: verification request -> 200 with the challenge" 200 '.challenge == "a234qwe"' '.validation_key == "9012XX"'
no_shared_objects "portable, CGI handshake"
pcgi "$DATA/platform_example.json" /cgi-bin/dlr-webhook.cgi
answer "portable, CGI: the platform's DLR -> 200 stored 1" 200 '.stored == 1'
sql_eq "portable, CGI: the row is in the SQLite database it created" "SELECT count(*) FROM dlr_events;" 1
no_shared_objects "portable, CGI DLR to SQLite"

# MySQL/MariaDB, linked in
start_mariadb
my_events() { my_sql "SELECT count(*) FROM dlr_events"; }

site_config "$MY_URL"
pcgi "$DATA/platform_example.json" /cgi-bin/dlr-webhook.cgi
answer "portable, CGI, MariaDB over TCP (127.0.0.1:$MY_PORT): the DLR -> 200 stored 1" 200 '.stored == 1'
check_eq "portable, CGI, MariaDB over TCP: the row is in MariaDB" 1 "$(my_events)"
# The client looks up the "mysql" service at its first use: through NSS (services: db files
# here), which would load libnss_db.so.2 but for portable_nss.cc.
no_shared_objects "portable, CGI DLR to MariaDB over TCP (NSS: services, hosts)"

site_config "mysql://dlr_app:$MY_PASSWORD_URL@localhost/$DB_NAME?socket=$MY_SOCK"
pcgi "$(dlr_body 2)" /cgi-bin/dlr-webhook.cgi
answer "portable, CGI, MariaDB over the socket the URL names: the DLR -> 200 stored 1" 200 '.stored == 1'
connected_to "portable, CGI, MariaDB over the URL's socket" "$MY_SOCK"
check_eq "portable, CGI, MariaDB over the URL's socket: the row is in MariaDB" 2 "$(my_events)"
no_shared_objects "portable, CGI DLR to MariaDB over a socket"

# "localhost" and no socket: the host's socket, wherever its distribution puts it. In a mount
# namespace of its own, /run holds none and /var/lib/mysql/mysql.sock (RHEL, AlmaLinux, CloudLinux,
# cPanel) leads to the test's server; the client's built-in default is Debian's
# /run/mysqld/mysqld.sock.
site_config "mysql://dlr_app:$MY_PASSWORD_URL@localhost/$DB_NAME"
PCGI_WRAP=(unshare --mount --propagation private -- bash -c \
    'mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/mysql &&
     ln -s "$0" /var/lib/mysql/mysql.sock && exec "$@"' "$MY_SOCK")
pcgi "$(dlr_body 3)" /cgi-bin/dlr-webhook.cgi
PCGI_WRAP=()
answer "portable, CGI, MariaDB at localhost with no socket given: the DLR -> 200 stored 1" 200 '.stored == 1'
connected_to "portable, CGI, MariaDB at localhost: found /var/lib/mysql/mysql.sock" /var/lib/mysql/mysql.sock
check_eq "portable, CGI, MariaDB at localhost: the row is in MariaDB" 3 "$(my_events)"

# A user whose server-side plugin needs a client plugin (ed25519 here; caching_sha2_password on
# MySQL 8): refused with a 503 naming the one authentication carried, no plugin loaded.
my_sql "INSTALL SONAME 'auth_ed25519'; CREATE USER 'dlr_ed'@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('Ed-s3cret'); GRANT ALL ON $DB_NAME.* TO 'dlr_ed'@'127.0.0.1';" >/dev/null
site_config "mysql://dlr_ed:Ed-s3cret@127.0.0.1:$MY_PORT/$DB_NAME"
pcgi "$(dlr_body 4)" /cgi-bin/dlr-webhook.cgi
check_eq "portable, CGI, MariaDB user with ed25519: 503 (retry later)" 503 "$CODE"
if grep -q 'mysql_native_password' "$T/err"; then ok "portable, CGI, ed25519: the log says only mysql_native_password is carried"
else not_ok "portable, CGI, ed25519: the log names mysql_native_password" "$(head -c 400 "$T/err")"; fi
if grep -q 'Ed-s3cret' "$T/err" "$T/out"; then not_ok "portable, CGI, ed25519: no password in the log or answer" "found"
else ok "portable, CGI, ed25519: no password in the log or answer"; fi
no_shared_objects "portable, CGI, MariaDB user with ed25519 (no client plugin loaded)"

# FastCGI: the same binary under spawn-fcgi (4 processes, $RESPONDER_THREADS threads each) behind
# nginx, storing in MariaDB over TCP; 24 DLRs at once.
jq -n --arg db "$MY_URL" '{database: $db, webhooks: [{name: "sms", validation_key: "9012XX", secrets: ["1233XXX"]}]}' \
    > "$T/config.json"
BIN="$PORTABLE_BIN"
start_stack
req POST "/receive/callback?token=9012XX" -H "Authorization: Bearer 1233XXX" \
    -H "Content-Type: application/json" --data-binary "@$DATA/platform_verify.json"
answer "portable, FastCGI behind nginx: the handshake -> 200" 200 '.challenge == "a234qwe"'
curls=()
for i in $(seq 10 33); do
    curl -sS --max-time 20 -o "$T/fcgi$i.body" -w '%{http_code}\n' -H "Authorization: Bearer 1233XXX" \
        -H "Content-Type: application/json" --data-binary "@$(dlr_body "$i")" \
        "$BASE/receive/callback" > "$T/fcgi$i.code" 2>&1 &
    curls+=($!)
done
wait "${curls[@]}"
codes=$(cat "$T"/fcgi*.code | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
check_eq "portable, FastCGI behind nginx: 24 DLRs at once -> 24 x 200" "200x24 " "$codes"
check_eq "portable, FastCGI behind nginx: 24 more rows in MariaDB" 27 "$(my_events)"
check_responders
alive=0
for p in $(responder_pids); do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
check_eq "portable, FastCGI: the 4 responder processes are alive" 4 "$alive"
finish

#!/usr/bin/env bash
# The Debian package on this machine, as root: `make deb` (or DEB=path, and DEB_NEW=path for the
# newer version), `dpkg -i`, what it installed (files, modes, owners, the user, a config with a
# key and secret of its own, the units enabled, nothing started without systemd); the contract's
# requests through the system's nginx (started here on a free 127.0.0.1 port with its own config
# and pid file in the temp dir, the packaged snippet included) to the responder started as the
# units would start it where systemd is not running; an upgrade to a newer version keeping an
# edited config; then `dpkg -r` and `dpkg -P`, leaving no file, user or process behind.
# Not run under SANITIZE=1 (the package is built without sanitizers): it says so.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -n "${SANITIZER_LOG_DIR:-}" ] || [ "${SANITIZE:-0}" = 1 ]; then
    echo "# deb_test.sh is not run under SANITIZE=1: the package is built without sanitizers (make test runs it)"
    finish
fi
[ "$(id -u)" = 0 ] || die "deb_test.sh runs as root" "dpkg -i needs root (CI runs as root); this is a failure, not a skip"
require_tools dpkg dpkg-deb dpkg-query spawn-fcgi setpriv curl jq sqlite3 nginx
PKG=dlr-webhook
SVC_USER=dlr-webhook
if dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null | grep -q '^[a-z]i\|^rc'; then
    die "package $PKG not on this machine before the test" "it is: dpkg -P $PKG first (the test installs and purges it)"
fi
getent passwd "$SVC_USER" >/dev/null && die "no user $SVC_USER before the test" "it exists (left by an earlier install?)"
[ -e /etc/dlr-webhook ] || [ -e /var/lib/dlr-webhook ] || [ -e /run/dlr-webhook ] &&
    die "no /etc/dlr-webhook, /var/lib/dlr-webhook, /run/dlr-webhook before the test" "$(ls -d /etc/dlr-webhook /var/lib/dlr-webhook /run/dlr-webhook 2>/dev/null | tr '\n' ' ')"
ok "no $PKG package, user or directories before the test"
make_tmp

# ------------------------------------------------------------------ the packages
VERSION=$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version)
NEW_VERSION="$VERSION+1"
ARCH=$(dpkg --print-architecture)
if [ -z "${DEB:-}" ]; then
    t0=$(date +%s)
    make -C "$ROOT" --no-print-directory deb > "$T/make-deb.log" 2>&1 ||
        die "make deb" "$(tail -n 20 "$T/make-deb.log")"
    DEB="$ROOT/build/deb/${PKG}_${VERSION}_$ARCH.deb"
    ok "make deb: $(basename "$DEB") built, lintian clean ($(($(date +%s) - t0)) s)"
fi
if [ -z "${DEB_NEW:-}" ]; then
    t0=$(date +%s)
    make -C "$ROOT" --no-print-directory deb DEB_VERSION="$NEW_VERSION" > "$T/make-deb-new.log" 2>&1 ||
        die "make deb DEB_VERSION=$NEW_VERSION" "$(tail -n 20 "$T/make-deb-new.log")"
    DEB_NEW="$ROOT/build/deb/${PKG}_${NEW_VERSION}_$ARCH.deb"
    ok "make deb DEB_VERSION=$NEW_VERSION: the newer package built, lintian clean ($(($(date +%s) - t0)) s)"
fi
[ -f "$DEB" ] && [ -f "$DEB_NEW" ] || die "the two packages exist" "$DEB, $DEB_NEW"
check_eq "the newer package's version" "$NEW_VERSION" "$(dpkg-deb -f "$DEB_NEW" Version)"
if dpkg-deb -c "$DEB" | grep -q '/etc/dlr-webhook'; then
    not_ok "the package ships nothing in /etc/dlr-webhook (the config is made at installation)" "$(dpkg-deb -c "$DEB" | grep /etc/dlr-webhook)"
else
    ok "the package ships nothing in /etc/dlr-webhook (the config is made at installation)"
fi

# dpkg, waiting while another dpkg or apt holds the lock
dpkg_do() {
    local i rc
    for i in $(seq 1 90); do
        DEBIAN_FRONTEND=noninteractive dpkg "$@" > "$T/dpkg.out" 2>&1; rc=$?
        [ $rc -ne 0 ] && grep -qi 'lock' "$T/dpkg.out" && { sleep 2; continue; }
        return $rc
    done
    return 1
}

# ------------------------------------------------------------------ the processes of this test
SOCK=/run/dlr-webhook/dlr-webhook.sock
RESP_PID=""
stop_responder() {
    local i=0
    if [ -n "$RESP_PID" ]; then
        kill -TERM "$RESP_PID" 2>/dev/null
        while is_running "$RESP_PID" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        kill -KILL "$RESP_PID" 2>/dev/null
        RESP_PID=""
    fi
    # systemd removes the socket when the socket unit stops
    rm -f "$SOCK"
    rmdir /run/dlr-webhook 2>/dev/null
}
stop_nginx() {
    local i=0
    [ -n "$NGINX_PID" ] || return 0
    kill -TERM "$NGINX_PID" 2>/dev/null
    while kill -0 "$NGINX_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    wait "$NGINX_PID" 2>/dev/null
    NGINX_PID=""
}
# On any exit: what this test started stopped, and the package purged if still there.
deb_cleanup() {
    stop_responder
    stop_nginx
    if dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null | grep -q '^[a-z][ic]'; then
        echo "# purging $PKG left by the test" >&2
        dpkg_do -P "$PKG" || cat "$T/dpkg.out" >&2
    fi
}
trap 'deb_cleanup; cleanup' EXIT

# ------------------------------------------------------------------ install
if dpkg_do -i "$DEB"; then ok "dpkg -i $(basename "$DEB")"
else die "dpkg -i $(basename "$DEB")" "$(tail -n 20 "$T/dpkg.out")"; fi
grep -q 'wrote /etc/dlr-webhook/config.json' "$T/dpkg.out" && ok "postinst says it wrote the config" ||
    not_ok "postinst says it wrote the config" "$(cat "$T/dpkg.out")"
check_eq "dpkg status" "install ok installed $VERSION" "$(dpkg-query -W -f='${Status} ${Version}' "$PKG")"

for f in /usr/bin/dlr-webhook /usr/bin/dlrctl; do
    [ -x "$f" ] && ok "$f installed" || not_ok "$f installed" "missing or not executable"
done
for f in /usr/lib/dlr-webhook/dlr-webhook-postgres.so /usr/lib/dlr-webhook/dlr-webhook-mysql.so; do
    [ -f "$f" ] && ok "$f installed" || not_ok "$f installed" "missing"
done
for m in dlr-webhook dlrctl; do
    th=$(zcat "/usr/share/man/man8/$m.8.gz" 2>/dev/null | grep -m1 '^\.TH' | cut -d' ' -f2,3)
    check_eq "man page $m(8)" "$(echo "$m" | tr a-z A-Z) 8" "$th"
done
check_eq "/usr/bin/dlr-webhook --version" "$(/usr/bin/dlr-webhook --version 2>&1)" "$("$BIN" --version 2>&1)"

pw=$(getent passwd "$SVC_USER")
uid=$(echo "$pw" | cut -d: -f3)
if [ -n "$pw" ] && [ "$uid" -lt 1000 ] && [ "$(echo "$pw" | cut -d: -f7)" = /usr/sbin/nologin ]; then
    ok "system user $SVC_USER (uid $uid, no login shell)"
else
    not_ok "system user $SVC_USER (uid < 1000, no login shell)" "passwd entry: [$pw]"
fi
getent group "$SVC_USER" >/dev/null && ok "group $SVC_USER" || not_ok "group $SVC_USER" "missing"
check_eq "/var/lib/dlr-webhook: owner, group, mode" "$SVC_USER:$SVC_USER 750" "$(stat -c '%U:%G %a' /var/lib/dlr-webhook 2>&1)"
check_eq "/etc/dlr-webhook: owner, group, mode" "root:$SVC_USER 750" "$(stat -c '%U:%G %a' /etc/dlr-webhook 2>&1)"
CONF=/etc/dlr-webhook/config.json
check_eq "$CONF: owner, group, mode" "root:$SVC_USER 640" "$(stat -c '%U:%G %a' "$CONF" 2>&1)"
KEY=$(jq -r '.webhooks[0].validation_key' "$CONF")
SECRET=$(jq -r '.webhooks[0].secrets[0]' "$CONF")
if [[ "$KEY" =~ ^[0-9a-f]{16}$ ]] && [[ "$SECRET" =~ ^[0-9a-f]{32}$ ]]; then
    ok "the config has a validation key (16 hex digits) and a secret (32) of its own"
else
    not_ok "the config has a validation key and a secret" "key [$KEY] secret length ${#SECRET}"
fi
if dpkg-deb --fsys-tarfile "$DEB" | grep -aqF -e "$KEY" -e "$SECRET"; then
    not_ok "the key and secret are not in the package" "found in $(basename "$DEB")"
else
    ok "the key and secret are not in the package"
fi
check_eq "the config is no dpkg conffile (written by postinst)" "" \
    "$(dpkg-query -W -f='${Conffiles}' "$PKG" | grep -F "$CONF")"
check_eq "the database, made by dlrctl init as $SVC_USER" "$SVC_USER:$SVC_USER" \
    "$(stat -c '%U:%G' /var/lib/dlr-webhook/dlr.sqlite 2>&1)"
out=$(setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --clear-groups -- /usr/bin/dlrctl check-config --config "$CONF" 2>&1) &&
    ok "dlrctl check-config accepts the generated config" || not_ok "dlrctl check-config accepts the generated config" "$out"

# the web servers' files, as in the tree, and conffiles
for pair in "nginx/dlr-webhook.conf /etc/nginx/snippets/dlr-webhook.conf" \
            "apache/dlr-webhook-proxy-fcgi.conf /etc/apache2/conf-available/dlr-webhook.conf"; do
    read -r src dst <<< "$pair"
    if cmp -s "$ROOT/$src" "$dst"; then ok "$dst is $src"; else not_ok "$dst is $src" "differs or missing"; fi
    dpkg-query -W -f='${Conffiles}' "$PKG" | grep -q " $dst " && ok "$dst is a conffile" ||
        not_ok "$dst is a conffile" "$(dpkg-query -W -f='${Conffiles}' "$PKG")"
done

# the units: installed with the programs in /usr/bin, enabled
UNIT=/lib/systemd/system/dlr-webhook.service
SUNIT=/lib/systemd/system/dlr-webhook.socket
unit_val() { sed -n "s/^$2=//p" "$1" | head -n 1; }
check_eq "service unit's ExecStart" /usr/bin/dlr-webhook "$(unit_val "$UNIT" ExecStart)"
if command -v systemd-analyze >/dev/null 2>&1; then
    out=$(systemd-analyze verify --man=no "$SUNIT" "$UNIT" 2>&1)
    check_eq "systemd-analyze verify: nothing about the installed units" "" \
        "$(printf '%s\n' "$out" | grep -i 'dlr-webhook' | head -n 5 | tr '\n' ' ')"
else
    not_ok "systemd-analyze verify of the installed units" "systemd-analyze not found (apt install systemd)"
fi
[ -L /etc/systemd/system/sockets.target.wants/dlr-webhook.socket ] && ok "dlr-webhook.socket enabled (sockets.target.wants)" ||
    not_ok "dlr-webhook.socket enabled" "no /etc/systemd/system/sockets.target.wants/dlr-webhook.socket"
our_procs() {
    local p e
    for p in /proc/[0-9]*; do
        e=$(readlink "$p/exe" 2>/dev/null) || continue
        case "$e" in /usr/bin/dlr-webhook|/usr/bin/dlr-webhook\ *) echo "${p#/proc/}" ;; esac
    done
}
SYSTEMD=0
[ -d /run/systemd/system ] && SYSTEMD=1
if [ $SYSTEMD = 1 ]; then
    check_eq "systemd runs: dlr-webhook.socket started" active "$(systemctl is-active dlr-webhook.socket)"
else
    check_eq "no systemd here: nothing started by the installation" "" "$(our_procs | tr '\n' ' ')"
fi

# ------------------------------------------------------------------ the responder, as the units start it
# Without systemd: the socket unit's socket (ListenStream, SocketUser/Group, SocketMode), the
# service's user, group, UMask, environment and ExecStartPre, its ExecStart with the socket as fd 0.
start_responder() {
    local env_kv user group mode sgroup suser pre out sowner
    env_kv=$(unit_val "$UNIT" Environment)
    user=$(unit_val "$UNIT" User); group=$(unit_val "$UNIT" Group)
    suser=$(unit_val "$SUNIT" SocketUser); sgroup=$(unit_val "$SUNIT" SocketGroup)
    mode=$(unit_val "$SUNIT" SocketMode)
    # spawn-fcgi creates the socket as root and refuses -U root
    sowner=()
    [ "$suser" = root ] || sowner=(-U "$suser")
    check_eq "socket unit's ListenStream" "$SOCK" "$(unit_val "$SUNIT" ListenStream)"
    pre=$(unit_val "$UNIT" ExecStartPre)
    # shellcheck disable=SC2086  # the unit's command line, split as systemd splits it
    out=$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$env_kv" \
        setpriv --reuid="$user" --regid="$group" --clear-groups -- $pre 2>&1) ||
        die "ExecStartPre ($pre)" "$out"
    install -d -m "$(unit_val "$SUNIT" DirectoryMode)" /run/dlr-webhook
    : > "$T/responder.log"; chown "$user:$group" "$T/responder.log"
    rm -f "$T/spawn.pid"
    # shellcheck disable=SC2016  # $0 and $1 are the sh -c script's own arguments
    out=$(umask "$(unit_val "$UNIT" UMask)" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$env_kv" \
        spawn-fcgi -s "$SOCK" -M "$mode" ${sowner[@]+"${sowner[@]}"} -G "$sgroup" -u "$user" -g "$group" -F 1 \
        -P "$T/spawn.pid" -- /bin/sh -c 'exec "$0" 2>>"$1"' "$(unit_val "$UNIT" ExecStart)" "$T/responder.log" 2>&1) ||
        die "spawn-fcgi started $(unit_val "$UNIT" ExecStart) as the units would" "$out"
    RESP_PID=$(responder_pids | head -n 1)
    STARTED_PIDS+=("$RESP_PID")
    check_eq "responder $RESP_PID runs as $user" "$user" "$(ps -o user= -p "$RESP_PID" | tr -d ' ')"
    # (its owner is the service's user here, root under systemd: the group lets nginx in)
    check_eq "$SOCK: group and mode" "$sgroup ${mode#0}" "$(stat -c '%G %a' "$SOCK" 2>&1)"
}
if [ $SYSTEMD = 1 ]; then
    ok "systemd runs: the responder comes from dlr-webhook.socket"
else
    start_responder
fi

# nginx: the system's, its own config here, the packaged snippet
cp /etc/nginx/fastcgi_params "$T/fastcgi_params"
NGINX_USER=www-data
id "$NGINX_USER" >/dev/null 2>&1 || die "user www-data for nginx's workers (the socket's group)" "missing"
start_nginx() {
    local i code
    for _ in 1 2 3; do
        PORT=$(free_port) || die "free loopback port" "none found"
        { nginx_conf_head "$NGINX_USER" 1 64; cat <<EOF
    server {
        listen 127.0.0.1:$PORT;
        server_name localhost;
        include /etc/nginx/snippets/dlr-webhook.conf;
    }
}
EOF
        } > "$T/nginx.conf"
        "$NGINX_BIN" -p "$T/" -c "$T/nginx.conf" -e "$T/error.log" >"$T/nginx.out" 2>&1 &
        NGINX_PID=$!
        STARTED_PIDS+=("$NGINX_PID")
        BASE="http://127.0.0.1:$PORT"
        for i in $(seq 1 100); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$BASE/dlr/health" 2>/dev/null)
            if [ "$code" = 200 ]; then
                ok "nginx (port $PORT, workers as $NGINX_USER) with the packaged snippet reaches the responder (/dlr/health 200)"
                return 0
            fi
            sleep 0.1
        done
        if kill -0 "$NGINX_PID" 2>/dev/null; then
            die "nginx + the packaged snippet ready" "/dlr/health answered '$code'; error.log: $(tail -n 5 "$T/error.log" | tr '\n' ' '); responder: $(tail -n 3 "$T/responder.log" | tr '\n' ' ')"
        fi
        wait "$NGINX_PID" 2>/dev/null
        grep -q 'Address already in use' "$T/error.log" "$T/nginx.out" 2>/dev/null || break
    done
    die "nginx started" "$(cat "$T/nginx.out") $(tail -n 5 "$T/error.log" | tr '\n' ' ')"
}
start_nginx

# ------------------------------------------------------------------ the contract's requests
DB=/var/lib/dlr-webhook/dlr.sqlite
# the rows read as the service's user, so that no file of the database is made root's
sql() { setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --clear-groups -- sqlite3 -batch -noheader "$DB" "$@" 2>&1; }
AUTH="Authorization: Bearer $SECRET"
JSON="Content-Type: application/json"

# contract TAG MAX_BODY_BYTES NEW: NEW=1 when the platform's DLR is not stored yet
contract() {
    local tag=$1 max=$2 new=$3
    req POST "/receive/callback?token=$KEY" -H "$AUTH" -H "$JSON" --data-binary '{"validation_key": "'"$KEY"'", "challenge": "a234qwe"}'
    answer "$tag: verification request -> 200 with the challenge and the validation key" 200 \
        '.challenge == "a234qwe"' ".validation_key == \"$KEY\""
    delta "$tag: verification stores nothing" 0 0 0
    req POST "/receive/callback?token=wrong" -H "$AUTH" -H "$JSON" --data-binary '{"challenge": "x"}'
    err_answer "$tag: verification with a wrong token -> 403" 403 forbidden
    req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$DATA/platform_example.json"
    if [ "$new" = 1 ]; then
        answer "$tag: the platform's DLR -> 200 stored 1" 200 '.ok == true' '.stored == 1' '.duplicates == 0'
        delta "$tag: the DLR is stored" 1 1 0
    else
        answer "$tag: the platform's DLR, stored before the upgrade -> 200 duplicates 1" 200 '.stored == 0' '.duplicates == 1'
        delta "$tag: it is not stored twice" 0 0 0
    fi
    sql_eq "$tag: the stored row" "SELECT status||'|'||webhook FROM dlr_events WHERE id='b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1';" "DELIVRD|sms"
    req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$DATA/platform_example.json"
    answer "$tag: the same DLR again -> 200 duplicates 1" 200 '.stored == 0' '.duplicates == 1'
    delta "$tag: the duplicate is not stored twice" 0 0 0
    req POST /receive/callback -H "$JSON" -H "Authorization: Bearer ${SECRET}x" --data-binary '{"id": "deb-1", "status": "DELIVRD"}'
    err_answer "$tag: wrong secret -> 401" 401 unauthorized
    req POST /receive/callback -H "$JSON" --data-binary '{"id": "deb-1", "status": "DELIVRD"}'
    err_answer "$tag: no secret -> 401" 401 unauthorized
    delta "$tag: the 401s store nothing" 0 0 0
    head -c $((max + 5000)) /dev/zero | tr '\0' 'x' > "$T/big.in"
    req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$T/big.in"
    err_answer "$tag: $((max + 5000)) bytes over max_body_bytes $max -> 413" 413 too_large
    delta "$tag: the 413 stores nothing" 0 0 0
    req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary '{"id": "deb-1"'
    err_answer "$tag: broken JSON -> 400" 400 bad_request
    delta "$tag: the broken JSON is kept among the refused requests only" 0 0 1
    req GET /dlr/metrics
    if [ "$CODE" = 200 ] && grep -q '^dlr_webhook_dlrs_stored_total ' "$T/resp.body"; then
        ok "$tag: /dlr/metrics from loopback -> 200 with the counters"
    else
        not_ok "$tag: /dlr/metrics from loopback -> 200 with the counters" "answer $CODE: $(body_short); responder log: $(tail -n 3 "$T/responder.log" | tr '\n' ' '); $(ls -l /var/lib/dlr-webhook | tr '\n' ' ')"
    fi
}
contract "$VERSION" 65536 1
if grep -qF -e "$SECRET" -e "$KEY" "$T/error.log" "$T/responder.log"; then
    not_ok "no secret or key in nginx's or the responder's log" "found"
else
    ok "no secret or key in nginx's or the responder's log"
fi

# ------------------------------------------------------------------ upgrade, the config edited
SECRET2=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
jq --arg s "$SECRET2" '.webhooks[0].secrets += [$s] | .max_body_bytes = 80000' "$CONF" > "$T/config.edited"
cat "$T/config.edited" > "$CONF"   # the file itself: its owner and mode stay
sum_before=$(sha256sum < "$CONF")
rows_before=$(sql "SELECT count(*) FROM dlr_events;")
if dpkg_do -i "$DEB_NEW"; then ok "dpkg -i $(basename "$DEB_NEW") (upgrade)"
else die "dpkg -i $(basename "$DEB_NEW") (upgrade)" "$(tail -n 20 "$T/dpkg.out")"; fi
check_eq "dpkg status after the upgrade" "install ok installed $NEW_VERSION" "$(dpkg-query -W -f='${Status} ${Version}' "$PKG")"
check_eq "the edited config is kept byte for byte" "$sum_before" "$(sha256sum < "$CONF")"
check_eq "$CONF after the upgrade: owner, group, mode" "root:$SVC_USER 640" "$(stat -c '%U:%G %a' "$CONF")"
check_eq "the rows are kept" "$rows_before" "$(sql "SELECT count(*) FROM dlr_events;")"
if [ $SYSTEMD = 0 ]; then
    stop_responder
    start_responder
fi
AUTH="Authorization: Bearer $SECRET2"
req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary '{"id": "deb-after-upgrade", "status": "DELIVRD"}'
answer "after the upgrade: a DLR with the secret added to the edited config -> 200 stored 1" 200 '.stored == 1'
head -c 70000 /dev/zero | tr '\0' 'x' | sed 's/^/{"id": "deb-big", "status": "DELIVRD", "note": "/; s/$/"}/' > "$T/big.json"
req POST /receive/callback -H "$AUTH" -H "$JSON" --data-binary @"$T/big.json"
answer "after the upgrade: 70000 bytes under the edited max_body_bytes 80000 -> 200" 200 '.stored == 1'
AUTH="Authorization: Bearer $SECRET"
contract "$NEW_VERSION" 80000 0

# ------------------------------------------------------------------ remove, purge
stop_nginx
stop_responder
if dpkg_do -r "$PKG"; then ok "dpkg -r $PKG"; else not_ok "dpkg -r $PKG" "$(tail -n 10 "$T/dpkg.out")"; fi
[ ! -e /usr/bin/dlr-webhook ] && [ ! -e /usr/bin/dlrctl ] && [ ! -e /usr/lib/dlr-webhook ] &&
    ok "remove: the programs and plugins are gone" || not_ok "remove: the programs and plugins are gone" "$(ls -d /usr/bin/dlr* /usr/lib/dlr-webhook 2>&1)"
[ -f "$CONF" ] && getent passwd "$SVC_USER" >/dev/null && ok "remove: the config and the user stay (until purge)" ||
    not_ok "remove: the config and the user stay" "config or user gone"
if dpkg_do -P "$PKG"; then ok "dpkg -P $PKG"; else not_ok "dpkg -P $PKG" "$(tail -n 10 "$T/dpkg.out")"; fi
check_eq "purge: dpkg knows no $PKG" "" "$(dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null | tr -d ' ')"
left=$(find /etc /usr /lib/systemd /var/lib /var/cache/dlr-webhook /var/log /run -name '*dlr-webhook*' 2>/dev/null | tr '\n' ' ')
check_eq "purge: no file named dlr-webhook left in /etc, /usr, /lib/systemd, /var, /run" "" "$left"
getent passwd "$SVC_USER" >/dev/null && not_ok "purge: no user $SVC_USER" "it exists" || ok "purge: no user $SVC_USER"
getent group "$SVC_USER" >/dev/null && not_ok "purge: no group $SVC_USER" "it exists" || ok "purge: no group $SVC_USER"
check_eq "purge: no file owned by uid $uid in /etc, /var, /run" "" \
    "$(find /etc /var /run -xdev -uid "$uid" 2>/dev/null | head -n 5 | tr '\n' ' ')"
check_eq "purge: no dlr-webhook process" "" "$(our_procs | tr '\n' ' ')$(ps -o pid= -u "$uid" 2>/dev/null | tr '\n' ' ')"
finish

#!/usr/bin/env bash
# The portable binary on an older system: a Debian 11 (bullseye, glibc 2.31) root made with
# debootstrap (--variant=minbase, from deb.debian.org; kept in $BUILD/bullseye-root between runs,
# about 1 to 3 minutes the first time), the binary copied into it and run there with chroot as a
# CGI program from an empty environment: the handshake, a DLR stored in SQLite, a 401 for a wrong
# secret. Its glibc needs, read with objdump: no GLIBC_ symbol version newer than 2.17 (none at
# all, as it is static). As a control, the regular build (glibc of the build machine, shared
# libraries) must fail to start in the same root. Needs root (chroot) and the network the first
# time; either missing is a failure, not a skip.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORTABLE_BIN="${PORTABLE_BIN:-$BUILD_DIR/portable/dlr-webhook}"
case "$PORTABLE_BIN" in /*) ;; *) PORTABLE_BIN="$ROOT/$PORTABLE_BIN" ;; esac
JAIL="${BULLSEYE_ROOT:-$BUILD_DIR/bullseye-root}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The oldest glibc the binary may ask for (CentOS 7's 2.17; every system README.md names has more).
MAX_GLIBC="2.17"

require_tools debootstrap chroot objdump readelf sqlite3 jq
[ -x "$PORTABLE_BIN" ] || die "portable binary built" "$PORTABLE_BIN not found (run make portable)"
[ "$(id -u)" -eq 0 ] || die "running as root" "chroot and debootstrap need root (this is a failure, not a skip)"
make_tmp

# ---- the binary's glibc needs
needed=$(readelf -d "$PORTABLE_BIN" | grep -c '(NEEDED)')
versions=$(objdump -T "$PORTABLE_BIN" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV)
newest=$(printf '%s\n' "$versions" | tail -n 1)
if [ "$needed" -eq 0 ]; then
    check_eq "objdump -T: a static binary (no NEEDED) asks for no GLIBC_ version" "" "$versions"
elif [ -z "$newest" ] || [ "$(printf '%s\n%s\n' "$newest" "$MAX_GLIBC" | sort -V | tail -n 1)" = "$MAX_GLIBC" ]; then
    ok "objdump -T: newest GLIBC_ version ${newest:-none}, at most $MAX_GLIBC"
else
    not_ok "objdump -T: no GLIBC_ version newer than $MAX_GLIBC" "needs GLIBC_$newest"
fi

# ---- the Debian 11 root, made once
if [ ! -x "$JAIL/usr/bin/env" ]; then
    rm -rf "$JAIL.tmp"
    mkdir -p "$(dirname "$JAIL")"
    start=$(date +%s)
    if debootstrap --variant=minbase bullseye "$JAIL.tmp" "$MIRROR" > "$T/debootstrap.log" 2>&1; then
        mv "$JAIL.tmp" "$JAIL"
        ok "debootstrap bullseye into $JAIL ($(($(date +%s) - start)) s)"
    else
        die "debootstrap --variant=minbase bullseye from $MIRROR" "$(tail -n 5 "$T/debootstrap.log" | tr '\n' ' ')"
    fi
else
    ok "Debian 11 root cached in $JAIL"
fi
check_eq "the root is Debian 11" 11 "$(cut -d. -f1 "$JAIL/etc/debian_version")"
libc=$(chroot "$JAIL" dpkg-query -W -f='${Version}' libc6 2>&1)
case "$libc" in 2.31-*) ok "its glibc is 2.31 ($libc)" ;; *) not_ok "its glibc is 2.31" "libc6 $libc" ;; esac

# ---- the site inside the root: the program, its config, its database
SITE=$(mktemp -d "$JAIL/srv/dlr-test.XXXXXX") || die "a directory in the root" "mktemp failed"
IN=${SITE#"$JAIL"}      # the same directory seen from inside the chroot
trap 'rm -rf "$SITE"; cleanup' EXIT
cp "$PORTABLE_BIN" "$SITE/dlr-webhook.cgi"
cp "$BIN" "$SITE/dlr-webhook-regular"
cp "$DATA/platform_verify.json" "$DATA/platform_example.json" "$SITE/"
cat > "$SITE/config.json" <<EOF2
{"database": "dlr.sqlite", "webhooks": [{"name": "sms", "validation_key": "9012XX", "secrets": ["1233XXX"]}]}
EOF2
DB="$SITE/dlr.sqlite"

# jcgi PROGRAM BODY URI BEARER: one CGI request, inside the root, from an empty environment
jcgi() {
    local prog=$1 body=$2 uri=$3 q=""
    case "$uri" in *\?*) q=${uri#*\?} ;; esac
    chroot "$JAIL" /usr/bin/env -i REQUEST_METHOD=POST REQUEST_URI="$uri" QUERY_STRING="$q" \
        CONTENT_TYPE=application/json CONTENT_LENGTH="$(wc -c < "$SITE/$body" | tr -d ' ')" \
        HTTP_AUTHORIZATION="Bearer $4" DLR_WEBHOOK_CONFIG="$IN/config.json" REMOTE_ADDR=127.0.0.1 \
        "$IN/$prog" < "$SITE/$body" > "$T/out" 2> "$T/err"
    RC=$?
    : > "$T/resp.hdr"; : > "$T/resp.body"
    awk 'BEGIN{h=1} { if (h) { sub(/\r$/, ""); if ($0 == "") { h=0; next } print > hf } else print > bf }' \
        hf="$T/resp.hdr" bf="$T/resp.body" "$T/out"
    CODE=$(header Status); CODE=${CODE%% *}
    REQ_DESC="CGI POST $uri in the Debian 11 root"
}

# The control: the regular build cannot start there (shared libraries, a newer glibc).
jcgi dlr-webhook-regular platform_verify.json "/cgi-bin/dlr-webhook.cgi?token=9012XX" 1233XXX
if [ "$RC" -ne 0 ] && [ ! -s "$T/out" ]; then
    ok "control: the regular build does not run in the Debian 11 root ($(head -c 120 "$T/err" | tr '\n' ' '))"
else
    not_ok "control: the regular build does not run in the Debian 11 root" "exit $RC, output $(head -c 200 "$T/out" | tr '\n' ' ')"
fi

jcgi dlr-webhook.cgi platform_verify.json "/cgi-bin/dlr-webhook.cgi?token=9012XX" 1233XXX
answer "Debian 11, portable CGI: the verification request -> 200 with the challenge" 200 \
    '.challenge == "a234qwe"' '.validation_key == "9012XX"'
jcgi dlr-webhook.cgi platform_example.json /cgi-bin/dlr-webhook.cgi 1233XXX
answer "Debian 11, portable CGI: the platform's DLR -> 200 stored 1" 200 '.stored == 1'
sql_eq "Debian 11, portable CGI: the row is in the SQLite file it created" \
    "SELECT count(*) FROM dlr_events WHERE status = 'DELIVRD';" 1
jcgi dlr-webhook.cgi platform_example.json /cgi-bin/dlr-webhook.cgi wrong-secret
answer "Debian 11, portable CGI: a wrong secret -> 401" 401
sql_eq "Debian 11, portable CGI: nothing stored for the 401" "SELECT count(*) FROM dlr_events;" 1
finish

#!/usr/bin/env bash
# The portable binary (make portable): libfcgi, SQLite, libstdc++ and libgcc linked in, glibc
# dynamic, at most the glibc version README.md states; it answers a CGI request from an empty
# environment (no LD_LIBRARY_PATH), handshake and a stored DLR.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORTABLE_BIN="${PORTABLE_BIN:-$BUILD_DIR/portable/dlr-webhook}"
case "$PORTABLE_BIN" in /*) ;; *) PORTABLE_BIN="$ROOT/$PORTABLE_BIN" ;; esac
# The newest glibc symbol version it may need: README.md, "Shared hosting", says the same.
MAX_GLIBC="2.35"

require_tools ldd objdump sqlite3 jq od
[ -x "$PORTABLE_BIN" ] || die "portable binary built" "$PORTABLE_BIN not found (run make portable)"
make_tmp

libs=$(ldd "$PORTABLE_BIN" 2>&1)
bad=$(printf '%s\n' "$libs" | grep -Eo 'lib(fcgi|sqlite3|stdc\+\+|gcc_s)[^ ]*' | sort -u | tr '\n' ' ')
check_eq "ldd: no libfcgi, libsqlite3, libstdc++ or libgcc_s" "" "$bad"
# what remains: the vDSO, the loader, libc and libm
others=$(printf '%s\n' "$libs" | awk '{print $1}' | grep -Ev '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|/lib/ld-linux-aarch64\.so\.1|ld-linux[^ ]*|libc\.so\.6|libm\.so\.6)$' | tr '\n' ' ')
check_eq "ldd: only glibc's libraries remain (libc, libm, the loader)" "" "$others"
need=$(objdump -T "$PORTABLE_BIN" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
newest=$(printf '%s\n%s\n' "$need" "$MAX_GLIBC" | sort -V | tail -n 1)
if [ -n "$need" ] && [ "$newest" = "$MAX_GLIBC" ]; then ok "needs glibc $need (at most $MAX_GLIBC, as README.md says)"
else not_ok "needs at most glibc $MAX_GLIBC" "objdump -T shows GLIBC_$need"; fi

v=$("$PORTABLE_BIN" --version 2>&1)
case "$v" in "dlr-webhook "*) ok "--version: $v" ;; *) not_ok "--version" "$v" ;; esac

mkdir -p "$T/site"
cat > "$T/site/config.json" <<EOF2
{"database": "dlr.sqlite", "webhooks": [{"name": "sms", "validation_key": "9012XX", "secrets": ["1233XXX"]}]}
EOF2
DB="$T/site/dlr.sqlite"

# pcgi BODYFILE URI : one CGI request to the portable binary, from an empty environment
pcgi() {
    local q=""
    case "$2" in *\?*) q=${2#*\?} ;; esac
    (cd / && env -i REQUEST_METHOD=POST REQUEST_URI="$2" QUERY_STRING="$q" CONTENT_TYPE=application/json \
        CONTENT_LENGTH="$(wc -c < "$1" | tr -d ' ')" HTTP_AUTHORIZATION="Bearer 1233XXX" \
        DLR_WEBHOOK_CONFIG="$T/site/config.json" REMOTE_ADDR=127.0.0.1 "$PORTABLE_BIN" < "$1" > "$T/out" 2>"$T/err")
    awk 'BEGIN{h=1} { if (h) { sub(/\r$/, ""); if ($0 == "") { h=0; next } print > hf } else print > bf }' \
        hf="$T/resp.hdr" bf="$T/resp.body" "$T/out"
    CODE=$(header Status); CODE=${CODE%% *}
    REQ_DESC="portable CGI POST $2"
}
pcgi "$DATA/platform_verify.json" "/cgi-bin/dlr-webhook.cgi?token=9012XX"
answer "portable, CGI: verification request -> 200 with the challenge" 200 '.challenge == "a234qwe"' '.validation_key == "9012XX"'
pcgi "$DATA/platform_example.json" /cgi-bin/dlr-webhook.cgi
answer "portable, CGI: the platform's DLR -> 200 stored 1" 200 '.stored == 1'
sql_eq "portable, CGI: the row is in the database it created" "SELECT count(*) FROM dlr_events;" 1
finish

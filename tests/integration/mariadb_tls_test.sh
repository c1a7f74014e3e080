#!/usr/bin/env bash
# MariaDB over TLS: a real server started with a certificate from a CA made here (openssl, in the
# temp dir), its user required to use TLS (REQUIRE SSL); then
#   - ssl-mode=VERIFY_CA&ssl-ca=<the CA>: dlrctl init connects, the responder (CGI) stores a DLR,
#     and the server saw that session encrypted;
#   - ssl-mode=REQUIRED without a CA: TLS without verification, stored;
#   - no ssl-mode: refused by the server (the user requires TLS): TLS was what let the others in;
#   - ssl-mode=VERIFY_CA with another CA: dlrctl init fails, the responder starts and answers 503
#     (Retry-After), each saying the certificate could not be verified; nothing stored;
#   - an unknown parameter is still refused; check-config warns about a server that is not on
#     loopback without TLS required, and not with it; no password shown anywhere.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers_lib.sh"

require_tools openssl jq
make_tmp
trap servers_cleanup EXIT

# ------------------------------------------------------------------ certificates
TLS="$T/tls"
mkdir -p "$TLS"
mkcert() {  # mkcert NAME: a self-signed CA NAME.pem / NAME.key
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TLS/$1.key" -out "$TLS/$1.pem" -days 2 \
        -subj "/CN=dlr-webhook test $1" >/dev/null 2>&1 || die "openssl: CA $1" "failed"
}
mkcert ca
mkcert other-ca
openssl req -newkey rsa:2048 -nodes -keyout "$TLS/server.key" -out "$TLS/server.csr" \
    -subj "/CN=127.0.0.1" >/dev/null 2>&1 || die "openssl: server key" "failed"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$TLS/san.ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
    -out "$TLS/server.pem" -days 2 -extfile "$TLS/san.ext" >/dev/null 2>&1 ||
    die "openssl: server certificate" "failed"
chmod 755 "$TLS"; chmod 644 "$TLS"/*
# shellcheck disable=SC2034  # read by start_mariadb (servers_lib.sh)
MY_SERVER_ARGS=(--ssl-ca="$TLS/ca.pem" --ssl-cert="$TLS/server.pem" --ssl-key="$TLS/server.key")
start_mariadb
have_ssl=$(my_sql "SHOW GLOBAL VARIABLES LIKE 'have_ssl'" | awk '{print $2}')
check_eq "MariaDB serves TLS with the test certificate" YES "$have_ssl"
my_sql "ALTER USER 'dlr_app'@'127.0.0.1' REQUIRE SSL" >/dev/null

# write_config FILE DATABASE
write_config() {
    jq -n --arg db "$2" '{database: $db, webhooks: [{name: "sms", path: "/cb", secrets: ["tls-Secret-0123456789"]}]}' > "$1"
}
# leak_check DESC TEXT
leak_check() {
    if printf '%s' "$2" | grep -qF -e "$MY_PASSWORD" -e "$MY_PASSWORD_URL"; then
        not_ok "$1 never shows the password" "$(printf '%s' "$2" | head -c 300)"
    fi
}
# ctl DESC WANT_EXIT REGEX -- dlrctl ARGS...
ctl() {
    local desc=$1 want=$2 re=$3 out rc; shift 4
    out=$(env -u DLR_DATABASE_PASSWORD "$CTL" "$@" 2>&1); rc=$?
    if [ $rc -eq "$want" ] && printf '%s' "$out" | grep -Eq -- "$re"; then ok "$desc"
    else not_ok "$desc" "exit $rc (want $want), output [$(printf '%s' "$out" | tr '\n' ' ' | head -c 500)] should match /$re/"; fi
    leak_check "$desc" "$out"
}
# cgi_post CONFIG ID: one DLR through the responder in CGI mode; sets CGI_STATUS, CGI_ERR
cgi_post() {
    local body="{\"id\": \"$2\", \"status\": \"DELIVRD\"}"
    printf '%s' "$body" > "$T/body"
    env -i PATH="$PATH" REQUEST_METHOD=POST REQUEST_URI=/cb SERVER_PROTOCOL=HTTP/1.1 \
        GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.0.1 CONTENT_TYPE=application/json \
        CONTENT_LENGTH=${#body} HTTP_AUTHORIZATION="Bearer tls-Secret-0123456789" \
        DLR_WEBHOOK_CONFIG="$1" timeout 20 "$BIN" < "$T/body" > "$T/cgi.out" 2> "$T/cgi.err"
    CGI_STATUS=$(grep -m1 '^Status:' "$T/cgi.out" | tr -d '\r')
    CGI_ERR=$(cat "$T/cgi.err")
}
stored() { my_sql "SELECT count(*) FROM dlr_events WHERE id = '$1'"; }

URL_CA="$MY_URL?ssl-mode=VERIFY_CA&ssl-ca=$TLS/ca.pem"
write_config "$T/verify.json" "$URL_CA"
ctl "ssl-mode=VERIFY_CA with the server's CA: dlrctl init connects" 0 '^schema ready: mysql://dlr_app:\*\*\*@' -- init --config "$T/verify.json"
cgi_post "$T/verify.json" tls-1
check_eq "VERIFY_CA: the responder stores a DLR (200)" "Status: 200 OK" "$CGI_STATUS"
check_eq "VERIFY_CA: stored once" 1 "$(stored tls-1)"
leak_check "the responder's log" "$CGI_ERR"

write_config "$T/verify-id.json" "$MY_URL?ssl-mode=VERIFY_IDENTITY&ssl-ca=$TLS/ca.pem"
cgi_post "$T/verify-id.json" tls-2
check_eq "VERIFY_IDENTITY (the certificate names 127.0.0.1): stored" "Status: 200 OK" "$CGI_STATUS"

write_config "$T/required.json" "$MY_URL?ssl-mode=required"
cgi_post "$T/required.json" tls-3
check_eq "ssl-mode=REQUIRED without a CA: TLS, unverified, stored" "Status: 200 OK" "$CGI_STATUS"

write_config "$T/plain.json" "$MY_URL"
ctl "without ssl-mode the user (REQUIRE SSL) is refused: TLS is what let the others in" 1 'cannot connect to MySQL dlr_app@127\.0\.0\.1.*Access denied' -- init --config "$T/plain.json"

write_config "$T/wrong-ca.json" "$MY_URL?ssl-mode=VERIFY_CA&ssl-ca=$TLS/other-ca.pem"
ctl "VERIFY_CA with another CA: dlrctl init refused, saying why" 1 'cannot connect to MySQL dlr_app@127\.0\.0\.1.*(certificate|verify|TLS|SSL)' -- init --config "$T/wrong-ca.json"
cgi_post "$T/wrong-ca.json" tls-4
check_eq "VERIFY_CA with another CA: the responder answers 503" "Status: 503 Service Unavailable" "$CGI_STATUS"
if grep -qi 'Retry-After' "$T/cgi.out"; then ok "the 503 carries Retry-After"
else not_ok "the 503 carries Retry-After" "$(head -c 300 "$T/cgi.out")"; fi
if printf '%s' "$CGI_ERR" | grep -Eiq 'cannot connect to MySQL dlr_app@127\.0\.0\.1.*(certificate|verify)'; then
    ok "the responder's log says the certificate could not be verified"
else not_ok "the responder's log says the certificate could not be verified" "$(printf '%s' "$CGI_ERR" | head -c 400)"; fi
leak_check "the responder's log (wrong CA)" "$CGI_ERR"
check_eq "nothing stored with the wrong CA" 0 "$(stored tls-4)"

write_config "$T/unknown.json" "$MY_URL?ssl-mode=REQUIRED&sslmode=require"
ctl "an unknown parameter is still refused" 1 'database: "sslmode" is not a parameter of mysql:// URLs' -- check-config --config "$T/unknown.json"
write_config "$T/passphrase.json" "$MY_URL?ssl-mode=DISABLED&ssl-passphrase=Key-s3cret-pp"
ctl "ssl-mode=DISABLED with a TLS parameter is refused, the passphrase not shown" 1 'ssl-mode=DISABLED goes with no other' -- check-config --config "$T/passphrase.json"
out=$("$CTL" check-config --config "$T/passphrase.json" 2>&1)
check_eq "the key's passphrase never shown" 0 "$(printf '%s' "$out" | grep -c 'Key-s3cret-pp')"

write_config "$T/remote.json" "mysql://dlr_app@db.example.invalid/$DB_NAME"
ctl "check-config: a server not on loopback without TLS required is warned about" 0 'warning: the database server db\.example\.invalid is not on this host and TLS is not required \(ssl-mode=unset\)' -- check-config --config "$T/remote.json"
write_config "$T/remote-tls.json" "mysql://dlr_app@db.example.invalid/$DB_NAME?ssl-mode=VERIFY_IDENTITY&ssl-ca=$TLS/ca.pem"
out=$("$CTL" check-config --config "$T/remote-tls.json" 2>&1)
check_eq "check-config: no such warning with ssl-mode=VERIFY_IDENTITY" 0 "$(printf '%s' "$out" | grep -c 'TLS is not required')"
ctl "check-config: none for a server on 127.0.0.1 either" 0 'database: mysql://dlr_app:\*\*\*@127\.0\.0\.1' -- check-config --config "$T/verify.json"

finish

#!/usr/bin/env bash
# The storage backends against real servers: starts PostgreSQL and MariaDB, then
#   - runs the conformance suite (build/store_conformance) unchanged against SQLite, PostgreSQL
#     and MariaDB, each on an empty database;
#   - dlrctl init / check-config with every URL form (TCP, unix socket, password in the URL or in
#     DLR_DATABASE_PASSWORD), a wrong password, a server that is not there, malformed URLs;
#     never showing the password;
#   - a build without the server backends (WITH_POSTGRES=0 WITH_MYSQL=0) refuses such URLs.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers_lib.sh"

CONFORMANCE="${DLR_CONFORMANCE_BIN:-$BUILD_DIR/store_conformance}"
require_tools curl jq sqlite3
[ -x "$CONFORMANCE" ] || die "conformance binary built" "$CONFORMANCE not found (make $CONFORMANCE)"
make_tmp
trap servers_cleanup EXIT

START=$(date +%s)
start_postgres
start_mariadb

# conformance LABEL DATABASE: one check for the whole suite on that backend
conformance() {
    local label=$1 db=$2 out rc
    out=$(DLR_TEST_DATABASE="$db" "$CONFORMANCE" --report_level=short --color_output=no 2>&1); rc=$?
    echo "$out" | grep '^# ' | sed "s/^# [^:]*:/# $label:/"
    if [ $rc -eq 0 ] && echo "$out" | grep -q 'passed'; then
        ok "conformance suite on $label: $(echo "$out" | grep -Eo '[0-9]+ test cases? out of [0-9]+ passed' | head -n 1)"
    else
        not_ok "conformance suite on $label" "exit $rc: $(echo "$out" | grep -E 'error|failed|fatal' | head -n 8 | tr '\n' ' ')"
    fi
    leak_check "conformance output on $label" "$out"
}

# leak_check DESC TEXT: the passwords appear nowhere in TEXT
leak_check() {
    if printf '%s' "$2" | grep -qF -e "$PG_PASSWORD" -e "$MY_PASSWORD" -e "$PG_PASSWORD_URL" -e "$MY_PASSWORD_URL" -e "s3cret"; then
        not_ok "$1 never shows a password" "$(printf '%s' "$2" | grep -F 's3cret' | head -n 2)"
    fi
}

conformance sqlite "$T/conformance.sqlite"
conformance postgresql "$PG_URL"
conformance mariadb "$MY_URL"

# write_config FILE DATABASE
write_config() {
    jq -n --arg db "$2" '{database: $db, webhooks: [{name: "sms", validation_key: "k", secrets: ["s"]}]}' > "$1"
}

# ctl DESC WANT_EXIT GREP_REGEX [ENV=VALUE...] -- dlrctl ARGS...
ctl() {
    local desc=$1 want=$2 re=$3; shift 3
    local envs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    local out rc
    out=$(env -u DLR_DATABASE_PASSWORD "${envs[@]}" "$CTL" "$@" 2>&1); rc=$?
    if [ $rc -eq "$want" ] && printf '%s' "$out" | grep -Eq -- "$re"; then ok "$desc"
    else not_ok "$desc" "exit $rc (want $want), output [$(printf '%s' "$out" | tr '\n' ' ' | head -c 400)] should match /$re/"; fi
    leak_check "$desc" "$out"
}

# dlrctl with each URL form; init twice (idempotent), with the schema created by the first.
write_config "$T/pg.json" "$PG_URL"
ctl "check-config: postgresql URL with its password shown as ***" 0 "database: postgresql://dlr_app:\*\*\*@127\.0\.0\.1:$PG_PORT/$DB_NAME" -- check-config --config "$T/pg.json"
ctl "dlrctl init on PostgreSQL (schema exists: the conformance run made it)" 0 '^schema ready: postgresql://dlr_app:\*\*\*@' -- init --config "$T/pg.json"
write_config "$T/pg-env.json" "$PG_URL_NOPW"
ctl "dlrctl init on PostgreSQL, password from DLR_DATABASE_PASSWORD" 0 '^schema ready' DLR_DATABASE_PASSWORD="$PG_PASSWORD" -- init --config "$T/pg-env.json"
ctl "dlrctl init on PostgreSQL without a password: refused, named" 1 'cannot connect to PostgreSQL dlr_app@127\.0\.0\.1.*password' -- init --config "$T/pg-env.json"
write_config "$T/pg-bad.json" "postgresql://dlr_app:wrong-s3cret@127.0.0.1:$PG_PORT/$DB_NAME"
ctl "dlrctl init on PostgreSQL, wrong password: exit 1, password not shown" 1 'password authentication failed' -- init --config "$T/pg-bad.json"
write_config "$T/pg-tls.json" "$PG_URL?sslmode=require&sslrootcert=$T/no-such-ca.pem"
ctl "sslmode=require in the URL reaches libpq: this server without TLS is refused, saying so" 1 'cannot connect to PostgreSQL dlr_app@127\.0\.0\.1.*server does not support SSL' -- init --config "$T/pg-tls.json"
write_config "$T/pg-sock.json" "postgresql://dlr_app@/$DB_NAME?host=$PG_SOCK&port=$PG_PORT"
ctl "dlrctl init on PostgreSQL over its unix socket (?host=/dir)" 0 '^schema ready' -- init --config "$T/pg-sock.json"
write_config "$T/pg-sock2.json" "postgresql://dlr_app@$(printf '%s' "$PG_SOCK" | jq -sRr @uri):$PG_PORT/$DB_NAME"
ctl "dlrctl init on PostgreSQL over its unix socket (percent-encoded host)" 0 '^schema ready' -- init --config "$T/pg-sock2.json"

# A fresh PostgreSQL database: dlrctl init creates the schema, the second run finds it.
pg_sql "CREATE DATABASE dlrinit OWNER dlr_app" >/dev/null
write_config "$T/pg-init.json" "postgresql://dlr_app:$PG_PASSWORD_URL@127.0.0.1:$PG_PORT/dlrinit"
ctl "dlrctl init creates the schema in an empty PostgreSQL database" 0 '^schema ready' -- init --config "$T/pg-init.json"
ctl "dlrctl init again (idempotent)" 0 '^schema ready' -- init --config "$T/pg-init.json"
check_eq "PostgreSQL: the three tables and dlr_schema (version 4) exist" "dlr_events dlr_messages dlr_rejected dlr_schema 4" \
    "$(psql -X -A -t -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d dlrinit -c \
        "SELECT string_agg(tablename, ' ' ORDER BY tablename) || ' ' || (SELECT max(version) FROM dlr_schema) FROM pg_tables WHERE tablename LIKE 'dlr\_%'" 2>&1)"

write_config "$T/my.json" "$MY_URL"
ctl "check-config: mysql URL with its password shown as ***" 0 "database: mysql://dlr_app:\*\*\*@127\.0\.0\.1:$MY_PORT/$DB_NAME" -- check-config --config "$T/my.json"
ctl "dlrctl init on MariaDB" 0 '^schema ready: mysql://dlr_app:\*\*\*@' -- init --config "$T/my.json"
write_config "$T/my-env.json" "$MY_URL_NOPW"
ctl "dlrctl init on MariaDB, password from DLR_DATABASE_PASSWORD" 0 '^schema ready' DLR_DATABASE_PASSWORD="$MY_PASSWORD" -- init --config "$T/my-env.json"
write_config "$T/my-bad.json" "mysql://dlr_app:wrong-s3cret@127.0.0.1:$MY_PORT/$DB_NAME"
ctl "dlrctl init on MariaDB, wrong password: exit 1, password not shown" 1 'cannot connect to MySQL dlr_app@127\.0\.0\.1.*Access denied' -- init --config "$T/my-bad.json"
write_config "$T/my-sock.json" "mysql://dlr_app:$MY_PASSWORD_URL@localhost/$DB_NAME?socket=$MY_SOCK"
ctl "dlrctl init on MariaDB over its unix socket (?socket=)" 0 '^schema ready' -- init --config "$T/my-sock.json"
my_sql "CREATE DATABASE dlrinit; GRANT ALL ON dlrinit.* TO 'dlr_app'@'127.0.0.1'" >/dev/null
write_config "$T/my-init.json" "mariadb://dlr_app:$MY_PASSWORD_URL@127.0.0.1:$MY_PORT/dlrinit"
ctl "dlrctl init creates the schema in an empty MariaDB database (mariadb://)" 0 '^schema ready' -- init --config "$T/my-init.json"
ctl "dlrctl init again (idempotent)" 0 '^schema ready' -- init --config "$T/my-init.json"
check_eq "MariaDB: tables, dlr_schema version 4, binary NO PAD collation" "dlr_events dlr_messages dlr_rejected dlr_schema 4 utf8mb4_nopad_bin" \
    "$(mariadb --no-defaults -N -B -S "$MY_SOCK" -uroot dlrinit -e \
        "SELECT CONCAT(GROUP_CONCAT(table_name ORDER BY table_name SEPARATOR ' '), ' ', (SELECT MAX(version) FROM dlr_schema), ' ', (SELECT table_collation FROM information_schema.tables WHERE table_schema = 'dlrinit' AND table_name = 'dlr_events')) FROM information_schema.tables WHERE table_schema = 'dlrinit' AND table_name LIKE 'dlr%'" 2>&1)"

# Nothing listening: a clear failure, quickly.
DEAD_PORT=$(free_port)
write_config "$T/pg-dead.json" "postgresql://dlr_app:$PG_PASSWORD_URL@127.0.0.1:$DEAD_PORT/$DB_NAME"
ctl "dlrctl init with no PostgreSQL server there: exit 1, cannot connect" 1 "cannot connect to PostgreSQL dlr_app@127\.0\.0\.1:$DEAD_PORT/$DB_NAME" -- init --config "$T/pg-dead.json"
write_config "$T/my-dead.json" "mysql://dlr_app:$MY_PASSWORD_URL@127.0.0.1:$DEAD_PORT/$DB_NAME"
ctl "dlrctl init with no MySQL server there: exit 1, cannot connect" 1 "cannot connect to MySQL dlr_app@127\.0\.0\.1:$DEAD_PORT/$DB_NAME" -- init --config "$T/my-dead.json"

# Malformed URLs are config errors naming `database`, at check-config already.
write_config "$T/u1.json" "postgresql://dlr_app:$PG_PASSWORD_URL@127.0.0.1:99999/db"
ctl "a bad port is refused by check-config, naming database" 1 'database: the port must be' -- check-config --config "$T/u1.json"
write_config "$T/u2.json" "postgresql://dlr_app:$PG_PASSWORD_URL@127.0.0.1/db?no_such_option=1"
ctl "an unknown libpq parameter is refused" 1 'database: "no_such_option" is not a PostgreSQL connection parameter' -- check-config --config "$T/u2.json"
write_config "$T/u3.json" "mysql://dlr_app:$MY_PASSWORD_URL@127.0.0.1"
ctl "a mysql URL without a database name is refused" 1 'database: a mysql:// URL must name the database' -- check-config --config "$T/u3.json"
write_config "$T/u4.json" "postgresql://h/db?password=s3cret"
ctl "a password in the query string is refused" 1 'not as \?password=' -- check-config --config "$T/u4.json"
write_config "$T/u5.json" "oracle://u:s3cret@h/db"
ctl "an unknown scheme is refused" 1 'unknown scheme "oracle"' -- check-config --config "$T/u5.json"

# A commit that waits on a lock another session holds gives up after busy_timeout_ms (the
# transaction's lock_timeout): 503, nothing stored; once the lock is gone the same DLR stores.
# Both on a new connection (CGI: the commit's statements prepared in its pipeline) and on one that
# has prepared them (FastCGI, after two commits).
jq -n --arg db "$PG_URL" '{database: $db, busy_timeout_ms: 400,
    webhooks: [{name: "sms", path: "/receive/callback", validation_key: "k", secrets: ["s"]}]}' > "$T/pglock.json"
pg_post() {  # ID -> the responder's answer (CGI), its first line and body on one line
    local body="{\"id\": \"$1\", \"status\": \"DELIVRD\"}"
    printf '%s' "$body" | env -u DLR_WEBHOOK_CONFIG REQUEST_METHOD=POST REQUEST_URI=/receive/callback \
        CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} HTTP_AUTHORIZATION="Bearer s" \
        timeout 30 "$BUILD_DIR/dlr-webhook" --config "$T/pglock.json" 2>/dev/null | tr -d '\r' | tr '\n' ' '
}
FCGI_REQ="$ROOT/bench/fcgi_requests.py"
DLR_WEBHOOK_CONFIG="$T/pglock.json" "$BUILD_DIR/dlr-webhook" --listen "unix:$T/lock.sock" --threads 1 2>/dev/null &
LOCK_RESP_PID=$!; STARTED_PIDS+=("$LOCK_RESP_PID")
for _ in $(seq 50); do [ -S "$T/lock.sock" ] && break; sleep 0.1; done
if out=$(python3 "$FCGI_REQ" "unix:$T/lock.sock" dlr 2 s k 2>&1); then
    ok "PostgreSQL: a FastCGI responder stores two DLRs on one connection"
else
    not_ok "PostgreSQL: a FastCGI responder stores two DLRs on one connection" "$out"
fi
PGAPPNAME=dlr-lock-holder psql -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d "$DB_NAME" \
    -c "BEGIN; LOCK TABLE dlr_events IN EXCLUSIVE MODE; SELECT pg_sleep(60);" >/dev/null 2>&1 &
LOCKER_PID=$!; STARTED_PIDS+=("$LOCKER_PID")
for _ in $(seq 100); do
    [ "$(pg_sql "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'dlr-lock-holder' AND l.mode = 'ExclusiveLock' AND l.granted AND l.relation = 'dlr_events'::regclass")" = 1 ] && break
    sleep 0.1
done
t0=$(date +%s%N); out=$(pg_post lock-wait-1); ms=$(( ($(date +%s%N) - t0) / 1000000 ))
stored=$(pg_sql "SELECT count(*) FROM dlr_events WHERE id = 'lock-wait-1'")
if printf '%s' "$out" | grep -q '^Status: 503' && [ "$ms" -lt 5000 ] && [ "$stored" = 0 ]; then
    ok "PostgreSQL: a commit on a new connection waiting on another session's lock answers 503 after busy_timeout_ms (${ms} ms), nothing stored"
else
    not_ok "PostgreSQL: a commit on a new connection waiting on another session's lock answers 503 after busy_timeout_ms" "after $ms ms, $stored stored: $(printf '%s' "$out" | head -c 300)"
fi
t0=$(date +%s%N); out=$(timeout 30 python3 "$FCGI_REQ" "unix:$T/lock.sock" dlr 1 s k 2>&1); ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if printf '%s' "$out" | grep -q 'Status: 503' && [ "$ms" -lt 5000 ]; then
    ok "PostgreSQL: a commit on a connection with its statements prepared, waiting on the lock, answers 503 after busy_timeout_ms (${ms} ms)"
else
    not_ok "PostgreSQL: a commit on a connection with its statements prepared, waiting on the lock, answers 503 after busy_timeout_ms" "after $ms ms: $(printf '%s' "$out" | head -c 300)"
fi
pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dlr-lock-holder'" >/dev/null
wait "$LOCKER_PID" 2>/dev/null
out=$(pg_post lock-wait-1)
stored=$(pg_sql "SELECT count(*) FROM dlr_events WHERE id = 'lock-wait-1'")
if printf '%s' "$out" | grep -q '"stored":1' && [ "$stored" = 1 ] && out2=$(python3 "$FCGI_REQ" "unix:$T/lock.sock" dlr 1 s k 2>&1); then
    ok "PostgreSQL: the lock gone, the same DLR is stored once, and the FastCGI responder stores again"
else
    not_ok "PostgreSQL: the lock gone, the same DLR is stored once, and the FastCGI responder stores again" "$stored stored: $(printf '%s' "$out" | head -c 300) ${out2:-}"
fi
kill "$LOCK_RESP_PID" 2>/dev/null; wait "$LOCK_RESP_PID" 2>/dev/null

# The responder loads a server backend only when the config names one: on SQLite it maps
# neither client library (nor their TLS and Kerberos libraries), and with bearer-only webhooks
# not libcrypto either (common/base/crypto loads it on first use).
RESP="$BUILD_DIR/dlr-webhook"
if ldd "$RESP" | grep -Eq 'libpq|libmariadb|libssl|libcrypto|libgnutls'; then
    not_ok "the responder links no server client library" "$(ldd "$RESP" | grep -E 'libpq|libmariadb|libssl|libcrypto|libgnutls' | tr '\n' ' ')"
else ok "the responder links no server client library"; fi
write_config "$T/sq.json" "$T/plugin-check.sqlite"
DLR_WEBHOOK_CONFIG="$T/sq.json" "$RESP" --listen "unix:$T/plug.sock" --threads 2 2>/dev/null &
PLUG_PID=$!; STARTED_PIDS+=("$PLUG_PID")
for _ in $(seq 50); do [ -S "$T/plug.sock" ] && break; sleep 0.1; done
maps=$(cat "/proc/$PLUG_PID/maps" 2>/dev/null)
if [ -z "$maps" ]; then not_ok "a responder on SQLite maps no backend plugin" "the responder did not start"
elif printf '%s' "$maps" | grep -Eq 'dlr-webhook-(postgres|mysql)\.so|libpq|libmariadb|libcrypto|libssl'; then
    not_ok "a responder on SQLite maps no backend plugin" "$(printf '%s' "$maps" | grep -Eo '/[^ ]*(dlr-webhook-|libpq|libmariadb|libcrypto|libssl)[^ ]*' | sort -u | tr '\n' ' ')"
else ok "a responder on SQLite maps no backend plugin nor libcrypto"; fi
kill "$PLUG_PID" 2>/dev/null; wait "$PLUG_PID" 2>/dev/null
# Without its plugin beside it (or in ../lib/dlr-webhook), the responder says what is missing.
mkdir -p "$T/lonely"; cp "$RESP" "$T/lonely/dlr-webhook"
out=$(env -u DLR_WEBHOOK_CONFIG REQUEST_METHOD=POST REQUEST_URI=/x CONTENT_LENGTH=0 "$T/lonely/dlr-webhook" --config "$T/pg.json" </dev/null 2>&1)
if printf '%s' "$out" | grep -q '^Status: 500' && printf '%s' "$out" | grep -q 'PostgreSQL backend (dlr-webhook-postgres.so) is not installed'; then
    ok "a responder without its PostgreSQL plugin logs why and answers 500"
else
    not_ok "a responder without its PostgreSQL plugin logs why and answers 500" "$(printf '%s' "$out" | tr '\r\n' '  ' | head -c 300)"
fi
# make install puts the plugins where the installed responder finds them.
make -s -C "$ROOT" BUILD="$BUILD_DIR" PREFIX="$T/prefix" install >/dev/null 2>&1
out=$(env -u DLR_WEBHOOK_CONFIG REQUEST_METHOD=POST REQUEST_URI=/x CONTENT_LENGTH=0 "$T/prefix/bin/dlr-webhook" --config "$T/pg.json" </dev/null 2>&1)
if [ -f "$T/prefix/lib/dlr-webhook/dlr-webhook-postgres.so" ] && [ -f "$T/prefix/lib/dlr-webhook/dlr-webhook-mysql.so" ] \
   && ! printf "%s" "$out" | grep -Eq "not installed|^Status: 500"; then
    ok "make install: the installed responder finds its plugins in PREFIX/lib/dlr-webhook"
else
    not_ok "make install: the installed responder finds its plugins in PREFIX/lib/dlr-webhook" "$(ls "$T/prefix/lib/dlr-webhook" 2>&1 | tr '\n' ' ') $(printf '%s' "$out" | tr '\r\n' '  ' | head -c 300)"
fi

# A build without the server backends names them at startup instead of failing later.
NB="$BUILD_DIR-nobackends"
# -O0 (CXXFLAGS from the environment keeps the Makefile's other flags): only the switch matters.
out=$(CXXFLAGS=-O0 make -s -C "$ROOT" -j"$(nproc)" BUILD="$NB" WITH_POSTGRES=0 WITH_MYSQL=0 "$NB/dlrctl" "$NB/dlr-webhook" 2>&1); rc=$?
if [ $rc -ne 0 ]; then
    not_ok "build with WITH_POSTGRES=0 WITH_MYSQL=0" "exit $rc: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
else
    ok "build with WITH_POSTGRES=0 WITH_MYSQL=0"
    if ldd "$NB/dlrctl" | grep -Eq 'libpq|libmariadb'; then not_ok "that build links neither libpq nor libmariadb" "$(ldd "$NB/dlrctl" | grep -E 'libpq|libmariadb')"
    else ok "that build links neither libpq nor libmariadb"; fi
    CTL_SAVED=$CTL; CTL="$NB/dlrctl"
    ctl "WITH_POSTGRES=0: a postgresql:// config is refused at check-config" 1 'the PostgreSQL backend is not part of this build \(it was built with WITH_POSTGRES=0\)' -- check-config --config "$T/pg.json"
    ctl "WITH_MYSQL=0: a mysql:// config is refused at init" 1 'the MySQL/MariaDB backend is not part of this build' -- init --config "$T/my.json"
    CTL=$CTL_SAVED
    out=$(env -u DLR_WEBHOOK_CONFIG REQUEST_METHOD=POST REQUEST_URI=/x CONTENT_LENGTH=0 "$NB/dlr-webhook" --config "$T/pg.json" </dev/null 2>&1); rc=$?
    if printf '%s' "$out" | grep -q '^Status: 500' && printf '%s' "$out" | grep -q 'not part of this build'; then
        ok "WITH_POSTGRES=0: the responder (CGI) logs why and answers 500"
    else
        not_ok "WITH_POSTGRES=0: the responder (CGI) logs why and answers 500" "$(printf '%s' "$out" | tr '\r\n' '  ' | head -c 300)"
    fi
fi

echo "# servers test took $(( $(date +%s) - START ))s"
finish

# shellcheck shell=bash
# Real database servers for the integration tests: a PostgreSQL cluster (initdb) and a MariaDB
# server (mariadb-install-db), each in a directory under $T, listening on a free port on
# 127.0.0.1 and on a unix socket under $T, run as an unprivileged user when the tests run as root
# (PostgreSQL refuses root). Stopped by PID (ours only) when the script exits. A missing server
# program is a failure, never a skip. Sourced after lib.sh, after make_tmp.
#
#   start_postgres          sets PG_PORT, PG_SOCK, PG_PID, PG_URL (app user, password in the URL),
#                           PG_URL_NOPW (the same without the password), PG_PASSWORD
#   stop_postgres / restart_postgres (same data, same port)
#   pg_sql "SQL"            runs SQL in the test database as the superuser, prints unaligned rows
#   start_mariadb           sets MY_PORT, MY_SOCK, MY_PID, MY_URL, MY_URL_NOPW, MY_PASSWORD
#   stop_mariadb / restart_mariadb
#   my_sql "SQL"
#   MY_SERVER_ARGS=(...)    more mariadbd options (TLS certificates), set before start_mariadb

# Passwords with characters a URL must escape; the URLs carry them percent-encoded.
PG_PASSWORD='Pg-s3cret@x:y/z%'
PG_PASSWORD_URL='Pg-s3cret%40x%3Ay%2Fz%25'
MY_PASSWORD='My-s3cret@x:y/z%'
MY_PASSWORD_URL='My-s3cret%40x%3Ay%2Fz%25'
DB_NAME=dlrtest
DB_OS_USER=""
PG_PID=""
MY_PID=""
MY_SERVER_ARGS=()

# The unprivileged user the servers run as when we are root ("" when we are not root).
choose_db_os_user() {
    [ "$(id -u)" -eq 0 ] || { DB_OS_USER=""; return 0; }
    if id -u nobody >/dev/null 2>&1; then
        DB_OS_USER=nobody
    else
        id -u dlr-test >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin dlr-test ||
            die "an unprivileged user for the database servers" "useradd dlr-test failed"
        DB_OS_USER=dlr-test
    fi
}

as_db_user() {
    if [ -n "$DB_OS_USER" ]; then runuser -u "$DB_OS_USER" -- "$@"; else "$@"; fi
}

# A directory the database server's user owns.
db_dir() {
    mkdir -p "$1" || die "mkdir $1" "failed"
    [ -z "$DB_OS_USER" ] || chown "$DB_OS_USER" "$1"
}

# Stops the servers, then everything lib.sh started.
servers_cleanup() {
    stop_postgres quiet
    stop_mariadb quiet
    cleanup
}

# wait_gone PID SECONDS: true once the process is gone
wait_gone() {
    local i
    for i in $(seq 1 $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- PostgreSQL
PG_BIN=""
find_pg_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BIN=$d; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        PG_BIN=$(dirname "$(command -v initdb)"); return 0
    fi
    die "PostgreSQL server programs present" "no initdb/pg_ctl in /usr/lib/postgresql/*/bin or PATH (install the postgresql package: scripts/deps.sh --install); a missing server is a failure, not a skip"
}

pg_start_server() {
    local out
    out=$(cd "$PG_DIR" && as_db_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCK -c max_connections=60 -c shared_buffers=16MB" \
        start 2>&1) || return 1
    PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)
    [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null
}

start_postgres() {
    local out rc attempt
    find_pg_bin
    command -v psql >/dev/null 2>&1 || die "psql present" "install postgresql-client"
    choose_db_os_user
    PG_DIR="$T/pg"
    db_dir "$PG_DIR"
    db_dir "$PG_DIR/sock"
    printf '%s\n' "$PG_PASSWORD" > "$PG_DIR/superuser.pw"
    [ -z "$DB_OS_USER" ] || chown "$DB_OS_USER" "$PG_DIR/superuser.pw"
    out=$(cd "$PG_DIR" && as_db_user "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres \
        --pwfile="$PG_DIR/superuser.pw" --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 -N 2>&1); rc=$?
    [ $rc -eq 0 ] || die "initdb into $PG_DIR/data" "exit $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
    PG_SOCK="$PG_DIR/sock"
    for attempt in 1 2 3; do
        PG_PORT=$(free_port) || die "free loopback port" "none found"
        if pg_start_server; then break; fi
        PG_PID=""
        grep -q 'Address already in use' "$PG_DIR/server.log" 2>/dev/null || break
    done
    [ -n "$PG_PID" ] || die "PostgreSQL started" "$(tail -n 5 "$PG_DIR/server.log" 2>/dev/null | tr '\n' ' ')"
    # The responders connect as an ordinary role that owns the database, not as the superuser.
    out=$(psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres 2>&1 <<SQL
CREATE ROLE dlr_app LOGIN PASSWORD '$PG_PASSWORD';
CREATE DATABASE $DB_NAME OWNER dlr_app;
SQL
) || die "PostgreSQL test role and database created" "$out"
    PG_URL="postgresql://dlr_app:$PG_PASSWORD_URL@127.0.0.1:$PG_PORT/$DB_NAME"
    PG_URL_NOPW="postgresql://dlr_app@127.0.0.1:$PG_PORT/$DB_NAME"
    ok "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running as ${DB_OS_USER:-$(id -un)} on 127.0.0.1:$PG_PORT (PID $PG_PID)"
}

pg_sql() {
    psql -X -A -t -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d "$DB_NAME" -c "$1" 2>&1
}

# stop_postgres [quiet]: fast shutdown (clients are disconnected), by PID
stop_postgres() {
    [ -n "$PG_PID" ] || return 0
    kill -INT "$PG_PID" 2>/dev/null
    if ! wait_gone "$PG_PID" 20; then kill -KILL "$PG_PID" 2>/dev/null; wait_gone "$PG_PID" 5; fi
    [ "${1:-}" = quiet ] || ok "PostgreSQL (PID $PG_PID) stopped"
    PG_PID=""
}

restart_postgres() {
    pg_start_server || die "PostgreSQL restarted" "$(tail -n 5 "$PG_DIR/server.log" | tr '\n' ' ')"
    ok "PostgreSQL restarted on 127.0.0.1:$PG_PORT (PID $PG_PID)"
}

# ---------------------------------------------------------------- MariaDB
MYSQLD_BIN=""
find_mariadbd() {
    local c
    for c in /usr/sbin/mariadbd "$(command -v mariadbd 2>/dev/null)" /usr/sbin/mysqld; do
        if [ -n "$c" ] && [ -x "$c" ]; then MYSQLD_BIN=$c; break; fi
    done
    [ -n "$MYSQLD_BIN" ] && command -v mariadb-install-db >/dev/null 2>&1 ||
        die "MariaDB server programs present" "no mariadbd/mariadb-install-db (install mariadb-server: scripts/deps.sh --install); a missing server is a failure, not a skip"
    command -v mariadb >/dev/null 2>&1 || die "mariadb client present" "install mariadb-client"
}

my_start_server() {
    local i user_opt=()
    [ -z "$DB_OS_USER" ] || user_opt=(--user="$DB_OS_USER")
    "$MYSQLD_BIN" --no-defaults "${user_opt[@]}" --datadir="$MY_DIR/data" --port="$MY_PORT" \
        --bind-address=127.0.0.1 --socket="$MY_SOCK" --pid-file="$MY_DIR/mariadbd.pid" \
        --log-error="$MY_DIR/server.log" --skip-name-resolve --innodb-buffer-pool-size=32M \
        --innodb-log-file-size=16M --max-connections=100 "${MY_SERVER_ARGS[@]}" </dev/null >/dev/null 2>&1 &
    MY_PID=$!
    for i in $(seq 1 300); do
        kill -0 "$MY_PID" 2>/dev/null || { wait "$MY_PID" 2>/dev/null; MY_PID=""; return 1; }
        mariadb --no-defaults -S "$MY_SOCK" -uroot -e 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

start_mariadb() {
    local out rc attempt user_opt=()
    find_mariadbd
    choose_db_os_user
    MY_DIR="$T/mariadb"
    db_dir "$MY_DIR"
    [ -z "$DB_OS_USER" ] || user_opt=(--user="$DB_OS_USER")
    out=$(mariadb-install-db --no-defaults "${user_opt[@]}" --datadir="$MY_DIR/data" \
        --auth-root-authentication-method=normal --skip-test-db --innodb-log-file-size=16M 2>&1); rc=$?
    [ $rc -eq 0 ] || die "mariadb-install-db into $MY_DIR/data" "exit $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
    MY_SOCK="$MY_DIR/mariadbd.sock"
    for attempt in 1 2 3; do
        MY_PORT=$(free_port) || die "free loopback port" "none found"
        if my_start_server; then break; fi
        [ -z "$MY_PID" ] || { kill -TERM "$MY_PID"; wait "$MY_PID" 2>/dev/null; MY_PID=""; }
        grep -q 'Address already in use\|Do you already have another' "$MY_DIR/server.log" 2>/dev/null || break
    done
    [ -n "$MY_PID" ] || die "MariaDB started" "$(tail -n 5 "$MY_DIR/server.log" 2>/dev/null | tr '\n' ' ')"
    out=$(mariadb --no-defaults -S "$MY_SOCK" -uroot 2>&1 <<SQL
CREATE DATABASE $DB_NAME;
CREATE USER 'dlr_app'@'127.0.0.1' IDENTIFIED BY '$MY_PASSWORD';
CREATE USER 'dlr_app'@'localhost' IDENTIFIED BY '$MY_PASSWORD';
GRANT ALL ON $DB_NAME.* TO 'dlr_app'@'127.0.0.1';
GRANT ALL ON $DB_NAME.* TO 'dlr_app'@'localhost';
SQL
) || die "MariaDB test user and database created" "$out"
    MY_URL="mysql://dlr_app:$MY_PASSWORD_URL@127.0.0.1:$MY_PORT/$DB_NAME"
    MY_URL_NOPW="mysql://dlr_app@127.0.0.1:$MY_PORT/$DB_NAME"
    ok "MariaDB $("$MYSQLD_BIN" --version | awk '{print $3}') running as ${DB_OS_USER:-$(id -un)} on 127.0.0.1:$MY_PORT (PID $MY_PID)"
}

my_sql() {
    mariadb --no-defaults -N -B -S "$MY_SOCK" -uroot "$DB_NAME" -e "$1" 2>&1
}

stop_mariadb() {
    [ -n "$MY_PID" ] || return 0
    kill -TERM "$MY_PID" 2>/dev/null
    if ! wait_gone "$MY_PID" 30; then kill -KILL "$MY_PID" 2>/dev/null; fi
    wait "$MY_PID" 2>/dev/null
    [ "${1:-}" = quiet ] || ok "MariaDB (PID $MY_PID) stopped"
    MY_PID=""
}

restart_mariadb() {
    my_start_server || die "MariaDB restarted" "$(tail -n 5 "$MY_DIR/server.log" | tr '\n' ' ')"
    ok "MariaDB restarted on 127.0.0.1:$MY_PORT (PID $MY_PID)"
}

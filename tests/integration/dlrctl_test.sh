#!/usr/bin/env bash
# dlrctl against databases filled by the real responder, on every backend:
#   - starts PostgreSQL and MariaDB (a missing server fails), and for SQLite, PostgreSQL and
#     MariaDB in turn: dlrctl init (created, then upgraded from a version-1 schema, then a newer
#     schema refused), DLRs and refused requests sent through the responder in CGI mode, their
#     times then set to known values with each backend's own client; export (CSV and JSON lines
#     compared byte for byte with tests/data/dlrctl/, the same files for every backend), every
#     filter, stats (the table byte for byte, the JSON figures), rejected (list, --show,
#     --replay as it was and repaired), purge (dry run, bounded batches), check-config;
#   - exit codes 0, 1 and 2, and a database that cannot be reached;
#   - send-test against nginx + spawn-fcgi + the responder: passing against the right secret and
#     token, failing (exit 1) against a wrong secret, a wrong token, and a webhook without secret.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers_lib.sh"

require_tools curl jq sqlite3 spawn-fcgi nginx cmp
make_tmp
trap servers_cleanup EXIT
START=$(date +%s)
EXPECTED="$DATA/dlrctl"
SECRET="0123456789abcdef-s3cret"
KEY="9012XX"

start_postgres
start_mariadb

# ctl DESC WANT_EXIT [ARGS...]: runs dlrctl; its stdout in $T/out, stderr in $T/err
ctl() {
    local desc=$1 want=$2; shift 2
    "$CTL" "$@" > "$T/out" 2> "$T/err"
    CTL_RC=$?
    if [ "$CTL_RC" -eq "$want" ]; then ok "$desc (exit $want)"
    else not_ok "$desc" "exit $CTL_RC (want $want); stdout [$(head -c 300 "$T/out" | tr '\n' ' ')] stderr [$(head -c 300 "$T/err" | tr '\n' ' ')]"; fi
}

# out_has DESC FIXED_STRING / err_has: the last ctl's stdout / stderr contains the string
out_has() {
    if grep -qF -- "$2" "$T/out"; then ok "$1"
    else not_ok "$1" "stdout lacks [$2]: $(head -c 400 "$T/out" | tr '\n' ' ')"; fi
}
err_has() {
    if grep -qF -- "$2" "$T/err"; then ok "$1"
    else not_ok "$1" "stderr lacks [$2]: $(head -c 400 "$T/err" | tr '\n' ' ')"; fi
}

# ------------------------------------------------------------------ the database setting, redacted
# check-config prints the database setting (the systemd unit runs it as ExecStartPre, into the
# journal): the password (the user information runs to the LAST '@', past a '?') and every secret
# parameter are hidden, whatever the server answers.
for db in "postgresql://dlr:pa?ssW0rd@127.0.0.1:1/dlr?sslmode=disable&sslpassword=K3yPassw0rd" \
          "mysql://dlr:pa#ssW0rd@127.0.0.1:1/dlr?socket_token=K3yPassw0rd"; do
    printf '{"database": "%s", "webhooks": [{"name": "sms", "secrets": ["%s"]}]}\n' "$db" "$SECRET" \
        > "$T/redact.json"
    "$CTL" check-config --config "$T/redact.json" > "$T/out" 2> "$T/err"
    if grep -qE 'ssW0rd|K3yPassw0rd' "$T/out" "$T/err"; then
        not_ok "check-config with ${db%%://*}: no part of a password shown" "$(cat "$T/out" "$T/err" | grep -E 'ssW0rd|K3yPassw0rd' | head -n 3)"
    else ok "check-config with ${db%%://*}: no part of a password shown"; fi
done
grep -q '^database: postgresql://dlr:\*\*\*@127.0.0.1:1/dlr?sslmode=disable&sslpassword=\*\*\*$' <(
    printf '{"database": "%s", "webhooks": [{"name": "sms", "secrets": ["%s"]}]}\n' \
        "postgresql://dlr:pa?ssW0rd@127.0.0.1:1/dlr?sslmode=disable&sslpassword=K3yPassw0rd" "$SECRET" > "$T/redact.json"
    "$CTL" check-config --config "$T/redact.json" 2>/dev/null) \
    && ok "check-config shows the database with ***" || not_ok "check-config shows the database with ***" "$(cat "$T/out")"

# same_file DESC EXPECTED ACTUAL: byte for byte. DLRCTL_UPDATE_EXPECTED=1 writes ACTUAL to
# EXPECTED instead (after a deliberate change of format; review the diff).
same_file() {
    if [ "${DLRCTL_UPDATE_EXPECTED:-0}" = 1 ]; then cp "$3" "$2"; fi
    if cmp -s "$2" "$3"; then ok "$1"
    else not_ok "$1" "differs from $(basename "$2"): $(diff <(cat -A "$2") <(cat -A "$3") | head -n 6 | tr '\n' ' ')"; fi
}

# cgi CONFIG METHOD URI CONTENT_TYPE BODY: one request to the responder in CGI mode; the JSON
# answer in $T/answer
cgi() {
    local cfg=$1 method=$2 uri=$3 ctype=$4 body=$5 q=""
    case "$uri" in *\?*) q=${uri#*\?} ;; esac
    printf '%s' "$body" > "$T/cgi.in"
    env -i PATH="$PATH" REQUEST_METHOD="$method" REQUEST_URI="$uri" QUERY_STRING="$q" \
        CONTENT_TYPE="$ctype" CONTENT_LENGTH="$(wc -c < "$T/cgi.in" | tr -d ' ')" \
        HTTP_AUTHORIZATION="Bearer $SECRET" REMOTE_ADDR=203.0.113.9 GATEWAY_INTERFACE=CGI/1.1 \
        "$BIN" --config "$cfg" < "$T/cgi.in" 2>> "$T/responder.log" | tr -d '\r' | sed '1,/^$/d' > "$T/answer"
}

# sent DESC JQ_EXPR: the last answer satisfies the jq expression
sent() {
    if jq -e "$2" "$T/answer" > /dev/null 2>&1; then ok "$1"
    else not_ok "$1" "answer: $(head -c 300 "$T/answer")"; fi
}

# ------------------------------------------------------------------ per backend
# db BACKEND SQL: runs SQL with the backend's own client (as its superuser)
db() {
    case "$1" in
        sqlite) sqlite3 -batch -noheader "$SQLITE_DB" "$2" 2>&1 ;;
        postgresql) pg_sql "$2" ;;
        mariadb) my_sql "$2" ;;
    esac
}

# ts BACKEND "YYYY-MM-DDTHH:MM:SS.mmmZ": that time as a literal the backend's column takes
ts() {
    case "$1" in
        mariadb) local t=${2%Z}; printf "'%s'" "${t/T/ }" ;;
        *) printf "'%s'" "$2" ;;
    esac
}

# Takes the schema back to version 1: what an older release created.
downgrade_to_v1() {
    case "$1" in
        sqlite) db sqlite "ALTER TABLE dlr_events DROP COLUMN error_code; ALTER TABLE dlr_events DROP COLUMN dlr_class;
                           ALTER TABLE dlr_rejected DROP COLUMN method; ALTER TABLE dlr_rejected DROP COLUMN query;
                           ALTER TABLE dlr_rejected DROP COLUMN replayed_at; ALTER TABLE dlr_rejected DROP COLUMN replay_status;
                           DROP INDEX dlr_messages_updated_at; DROP INDEX dlr_events_webhook_received_at;
                           PRAGMA user_version = 1;" ;;
        postgresql) db postgresql "ALTER TABLE dlr_events DROP COLUMN error_code, DROP COLUMN dlr_class;
                                   ALTER TABLE dlr_rejected DROP COLUMN method, DROP COLUMN query, DROP COLUMN replayed_at,
                                   DROP COLUMN replay_status; DROP INDEX dlr_messages_updated_at;
                                   DROP INDEX dlr_events_webhook_received_at; DELETE FROM dlr_schema WHERE version > 1" ;;
        mariadb) db mariadb "ALTER TABLE dlr_events DROP COLUMN error_code, DROP COLUMN dlr_class;
                             ALTER TABLE dlr_rejected DROP COLUMN method, DROP COLUMN query, DROP COLUMN replayed_at,
                             DROP COLUMN replay_status; DROP INDEX dlr_messages_updated_at ON dlr_messages;
                             DROP INDEX dlr_events_webhook_received_at ON dlr_events; DELETE FROM dlr_schema WHERE version > 1" ;;
    esac
}

downgrade_to_v2() {
    downgrade_to_v3 "$1" && case "$1" in
        sqlite) db sqlite "DROP INDEX dlr_events_webhook_received_at; PRAGMA user_version = 2;" ;;
        postgresql) db postgresql "DROP INDEX dlr_events_webhook_received_at; DELETE FROM dlr_schema WHERE version > 2" ;;
        mariadb) db mariadb "DROP INDEX dlr_events_webhook_received_at ON dlr_events; DELETE FROM dlr_schema WHERE version > 2" ;;
    esac
}

# Version 3: no error_code, no dlr_class.
downgrade_to_v3() {
    case "$1" in
        sqlite) db sqlite "ALTER TABLE dlr_events DROP COLUMN error_code; ALTER TABLE dlr_events DROP COLUMN dlr_class;
                           PRAGMA user_version = 3;" ;;
        postgresql) db postgresql "ALTER TABLE dlr_events DROP COLUMN error_code, DROP COLUMN dlr_class;
                                   DELETE FROM dlr_schema WHERE version > 3" ;;
        mariadb) db mariadb "ALTER TABLE dlr_events DROP COLUMN error_code, DROP COLUMN dlr_class;
                             DELETE FROM dlr_schema WHERE version > 3" ;;
    esac
}

# The indexes of dlr_events with "webhook" in their name, one line.
webhook_index() {
    case "$1" in
        sqlite) db sqlite "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%webhook%'" ;;
        postgresql) db postgresql "SELECT indexname FROM pg_indexes WHERE tablename = 'dlr_events' AND indexname LIKE '%webhook%'" ;;
        mariadb) db mariadb "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'dlr_events' AND index_name LIKE '%webhook%'" ;;
    esac | tr -d ' \r' | grep -v '^$' | head -1
}

set_schema_version() {
    case "$1:$2" in
        sqlite:*) db sqlite "PRAGMA user_version = $2" ;;
        *:5) db "$1" "INSERT INTO dlr_schema (version) VALUES (5)" ;;
        *) db "$1" "DELETE FROM dlr_schema WHERE version > $2" ;;
    esac
}

run_backend() {
    local be=$1 database=$2 cfg
    echo "# ---- $be"
    mkdir -p "$T/$be"
    cfg="$T/$be/config.json"
    jq -n --arg db "$database" --arg s "$SECRET" --arg k "$KEY" '{database: $db, webhooks: [
        {name: "sms", path: "/receive/callback", validation_key: $k, secrets: [$s]},
        {name: "other", path: "/other", validation_key: $k, secrets: [$s]},
        {name: "twilio", path: "/twilio", provider: "twilio", secrets: [$s]}]}' > "$cfg"
    chmod 600 "$cfg"
    local C=(--config "$cfg")

    # init: created, idempotent, upgraded from version 1, a newer schema refused
    ctl "$be: init creates the schema" 0 init "${C[@]}"
    out_has "$be: init says created, version 4" "(version 4, created)"
    ctl "$be: init again" 0 init "${C[@]}"
    out_has "$be: init again: already up to date" "(version 4, already up to date)"
    if [ "$(webhook_index "$be")" = dlr_events_webhook_received_at ]; then ok "$be: a new schema has the index on (webhook, received_at)"
    else not_ok "$be: a new schema has the index on (webhook, received_at)" "$(webhook_index "$be")"; fi
    downgrade_to_v2 "$be" > "$T/$be/downgrade2.log" || not_ok "$be: schema taken back to version 2" "$(cat "$T/$be/downgrade2.log")"
    ctl "$be: check-config on a version-2 schema" 0 check-config "${C[@]}"
    out_has "$be: check-config: version 2, init upgrades it" "database status: reachable, schema version 2 (dlrctl init upgrades it to 4"
    ctl "$be: init upgrades a version-2 schema" 0 init "${C[@]}"
    out_has "$be: init says upgraded from version 2" "(version 4, upgraded from version 2)"
    if [ "$(webhook_index "$be")" = dlr_events_webhook_received_at ]; then ok "$be: version 3 adds the index on (webhook, received_at)"
    else not_ok "$be: version 3 adds the index on (webhook, received_at)" "$(webhook_index "$be")"; fi
    downgrade_to_v1 "$be" > "$T/$be/downgrade.log" || not_ok "$be: schema taken back to version 1" "$(cat "$T/$be/downgrade.log")"
    ctl "$be: check-config on a version-1 schema" 0 check-config "${C[@]}"
    out_has "$be: check-config: version 1, init upgrades it" "database status: reachable, schema version 1 (dlrctl init upgrades it to 4"
    ctl "$be: init upgrades a version-1 schema" 0 init "${C[@]}"
    out_has "$be: init says upgraded from version 1" "(version 4, upgraded from version 1)"
    set_schema_version "$be" 5 > /dev/null
    ctl "$be: init refuses a newer schema" 1 init "${C[@]}"
    err_has "$be: ... saying why" "is version 5, newer than this program knows (4)"
    ctl "$be: check-config warns about a newer schema" 0 check-config "${C[@]}"
    out_has "$be: ... on a warning line" "warning: the database schema is version 5, newer than this program knows (4)"
    set_schema_version "$be" 4 > /dev/null
    ctl "$be: check-config" 0 check-config "${C[@]}"
    out_has "$be: check-config reaches the database" "database status: reachable, schema version 4"
    if grep -q '^warning:' "$T/out"; then not_ok "$be: a good config has no warning" "$(grep '^warning:' "$T/out")"
    else ok "$be: a good config has no warning"; fi

    # DLRs and refused requests through the responder (CGI)
    cgi "$cfg" POST /receive/callback application/json '{
  "id": "m-1",
  "mobile": "918921269000",
  "status": "DELIVRD",
  "credits": "2.0000",
  "units": 2,
  "deliv_time": "2026-03-01 10:00:00",
  "custom": "a,b \"c\"\nline 2",
  "provider": "Airtel",
  "location": "Delhi",
  "provider_code": "AT",
}'
    sent "$be: a DLR (the platform's shape, trailing comma) stored" '.stored == 1'
    cgi "$cfg" POST /receive/callback application/json '[{"id":"m-2","status":"UNDELIV","provider":"Jio"},{"id":"m-3","status":"AWAITING-DLR"}]'
    sent "$be: an array of two stored" '.stored == 2'
    cgi "$cfg" POST '/receive/callback?campaign=7&token=9012XX' application/x-www-form-urlencoded \
        'id=m-3&status=DELIVRD&provider=Jio&location=Mumbai&deliv_time=2026-03-02+09%3A30%3A00'
    sent "$be: a form DLR with a query string stored" '.stored == 1'
    cgi "$cfg" GET '/receive/callback?id=m-4&status=EXPIRED&mobile=%2B918921269001' "" ""
    sent "$be: a DLR in the query string stored" '.stored == 1'
    cgi "$cfg" POST /other application/json '{"id":"m-5","status":"DELIVRD"}'
    sent "$be: a DLR to the other webhook stored" '.stored == 1'
    cgi "$cfg" POST /receive/callback application/json '{"id":"m-2","status":"UNDELIV","provider":"Jio"}'
    sent "$be: a duplicate acknowledged" '.duplicates == 1'
    printf '{"id": "m-6", "status": ' > "$T/$be/refused1.body"
    cgi "$cfg" POST '/receive/callback?campaign=8' application/json "$(cat "$T/$be/refused1.body")"
    sent "$be: a broken body refused (400)" '.error == "bad_request"'
    cgi "$cfg" PUT /receive/callback application/json '{"id":"m-7"}'
    sent "$be: a DLR without status refused (422)" '.error == "invalid_dlr"'

    # Known times, set with the backend's own client.
    local sql=""
    while read -r id status t; do
        sql="$sql UPDATE dlr_events SET received_at = $(ts "$be" "$t") WHERE id = '$id' AND status = '$status';"
    done <<'EOF'
m-1 DELIVRD 2026-03-01T10:00:00.000Z
m-2 UNDELIV 2026-03-01T11:00:00.000Z
m-3 AWAITING-DLR 2026-03-01T11:00:00.000Z
m-3 DELIVRD 2026-03-02T09:30:00.250Z
m-4 EXPIRED 2026-03-02T12:00:00.000Z
m-5 DELIVRD 2026-03-03T08:00:00.000Z
EOF
    while read -r id t; do
        sql="$sql UPDATE dlr_messages SET updated_at = $(ts "$be" "$t") WHERE id = '$id';"
    done <<'EOF'
m-1 2026-03-01T10:00:00.000Z
m-2 2026-03-01T11:00:00.000Z
m-3 2026-03-02T09:30:00.250Z
m-4 2026-03-02T12:00:00.000Z
m-5 2026-03-03T08:00:00.000Z
EOF
    sql="$sql UPDATE dlr_rejected SET received_at = $(ts "$be" 2026-03-01T12:00:00.000Z) WHERE seq = 1;"
    sql="$sql UPDATE dlr_rejected SET received_at = $(ts "$be" 2026-03-02T13:00:00.000Z) WHERE seq = 2;"
    db "$be" "$sql" > "$T/$be/times.log" 2>&1 || not_ok "$be: times set" "$(cat "$T/$be/times.log")"

    # Schema 4 on rows stored before it: taken back to version 3 (no error_code, no dlr_class),
    # init fills each event's class from its status text (DELIVRD delivered, AWAITING-DLR
    # pending, any other failed).
    downgrade_to_v3 "$be" > "$T/$be/downgrade3.log" 2>&1 || not_ok "$be: schema taken back to version 3" "$(cat "$T/$be/downgrade3.log")"
    ctl "$be: check-config on a version-3 schema with rows" 0 check-config "${C[@]}"
    out_has "$be: check-config: version 3, init upgrades it" "database status: reachable, schema version 3 (dlrctl init upgrades it to 4"
    ctl "$be: init upgrades a version-3 schema with rows" 0 init "${C[@]}"
    out_has "$be: init says upgraded from version 3" "(version 4, upgraded from version 3)"
    check_eq "$be: version 4 classes the rows stored before by their status text" \
        "m-1|DELIVRD|delivered|NULL m-2|UNDELIV|failed|NULL m-3|AWAITING-DLR|pending|NULL m-3|DELIVRD|delivered|NULL m-4|EXPIRED|failed|NULL m-5|DELIVRD|delivered|NULL " \
        "$(db "$be" "SELECT id, status, COALESCE(dlr_class, 'NULL'), COALESCE(error_code, 'NULL') FROM dlr_events ORDER BY seq" | tr '\t' '|' | tr '\n' ' ')"

    # export: the same bytes on every backend
    ctl "$be: export (CSV to stdout)" 0 export "${C[@]}"
    same_file "$be: export CSV is exactly tests/data/dlrctl/events.csv" "$EXPECTED/events.csv" "$T/out"
    # Read back by another CSV reader (sqlite3's .import): quotes, commas and the newline intact.
    rm -f "$T/csv.db"
    check_eq "$be: the CSV reads back with a CSV parser" "6|27|1|1" \
        "$(sqlite3 "$T/csv.db" ".import --csv $T/out t" "SELECT COUNT(*), (SELECT COUNT(*) FROM pragma_table_info('t')),
            (SELECT custom = 'a,b \"c\"' || char(10) || 'line 2' FROM t WHERE id = 'm-1'),
            (SELECT raw LIKE '%\"provider_code\": \"AT\",' || char(10) || '}' FROM t WHERE id = 'm-1') FROM t" 2>&1)"
    ctl "$be: export --format jsonl --output FILE" 0 export "${C[@]}" --format jsonl --output "$T/$be/events.jsonl"
    out_has "$be: ... says how many" "6 events written to $T/$be/events.jsonl"
    same_file "$be: export JSONL is exactly tests/data/dlrctl/events.jsonl" "$EXPECTED/events.jsonl" "$T/$be/events.jsonl"
    check_eq "$be: every JSON line parses, 27 keys each" "6 27" \
        "$(jq -s 'length' "$T/$be/events.jsonl") $(jq -s 'map(keys | length) | unique | .[0]' "$T/$be/events.jsonl")"
    ls "$T/$be"/events.jsonl.* > /dev/null 2>&1 && not_ok "$be: no temporary file left" "$(ls "$T/$be")"

    # filters: "id/status" of what each selects
    filter() {
        local desc=$1 want=$2; shift 2
        "$CTL" export "${C[@]}" --format jsonl "$@" > "$T/f.out" 2> "$T/f.err"
        check_eq "$be: export $desc" "$want" "$(jq -r '.id + "/" + .status' "$T/f.out" | tr '\n' ' ')"
    }
    filter "--since a date" "m-3/DELIVRD m-4/EXPIRED m-5/DELIVRD " --since 2026-03-02
    filter "--until a date (its whole day)" "m-1/DELIVRD m-2/UNDELIV m-3/AWAITING-DLR " --until 2026-03-01
    filter "--since, --until date-times (until excluded)" "m-2/UNDELIV m-3/AWAITING-DLR " \
        --since 2026-03-01T11:00 --until 2026-03-02T09:30:00.250Z
    filter "--since with a zone offset" "m-5/DELIVRD " --since "2026-03-03T09:00+01:00"
    filter "--status (any case)" "m-1/DELIVRD m-3/DELIVRD m-5/DELIVRD " --status delivrd
    filter "--status A,B" "m-2/UNDELIV m-4/EXPIRED " --status UNDELIV,EXPIRED
    filter "--webhook" "m-5/DELIVRD " --webhook other
    filter "--id" "m-3/AWAITING-DLR m-3/DELIVRD " --id m-3
    filter "--id is exact" "" --id M-3
    filter "several filters" "m-3/DELIVRD " --webhook sms --status DELIVRD --since 2026-03-02

    # stats
    ctl "$be: stats" 0 stats "${C[@]}"
    same_file "$be: the stats table is exactly tests/data/dlrctl/stats.txt" "$EXPECTED/stats.txt" "$T/out"
    ctl "$be: stats --json" 0 stats "${C[@]}" --json
    check_eq "$be: stats --json figures" \
        '6 3 2 1 0.6 0.4 ["2026-03-01",3,"2026-03-02",2,"2026-03-03",1] [null,3,"Jio",2,"Airtel",1] ["DELIVRD",3]' \
        "$(jq -c '"\(.events) \(.delivered) \(.failed) \(.pending) \(.delivered_rate) \(.failed_rate) \([.by_day[] | .day, .events]) \([.by_provider[] | .provider, .events]) \([.by_status[0].status, .by_status[0].events])"' -r "$T/out")"
    check_eq "$be: stats --json by hour and by webhook (the status page's figures)" \
        '["2026-03-01T10",1,"2026-03-01T11",2,"2026-03-02T09",1,"2026-03-02T12",1,"2026-03-03T08",1] [["other",1,"2026-03-03T08:00:00.000Z"],["sms",5,"2026-03-02T12:00:00.000Z"]]' \
        "$(jq -c '"\([.by_hour[] | .hour, .events]) \([.by_webhook[] | [.webhook, .events, .last_received_at]])"' -r "$T/out")"
    ctl "$be: stats --json with filters" 0 stats "${C[@]}" --json --since 2026-03-02 --webhook sms
    check_eq "$be: stats of a filter" '2 1 1 0 "2026-03-02T09:30:00.250Z" "2026-03-02T12:00:00.000Z"' \
        "$(jq -r '"\(.events) \(.delivered) \(.failed) \(.pending) \(.first_received_at | tojson) \(.last_received_at | tojson)"' "$T/out")"

    # stats by class: a provider's classes, not the status text (Twilio: undelivered failed, sent
    # pending, delivered delivered); the platform's ErrorCode stored and exported.
    cgi "$cfg" POST /twilio application/x-www-form-urlencoded \
        'MessageSid=SM-t1&MessageStatus=undelivered&To=%2B15558675310&ErrorCode=30003'
    sent "$be: twilio: an undelivered DLR stored" '.stored == 1'
    cgi "$cfg" POST /twilio application/x-www-form-urlencoded 'MessageSid=SM-t2&MessageStatus=sent&To=%2B15558675310'
    sent "$be: twilio: a sent DLR stored" '.stored == 1'
    cgi "$cfg" POST /twilio application/x-www-form-urlencoded 'MessageSid=SM-t2&MessageStatus=delivered&To=%2B15558675310'
    sent "$be: twilio: a delivered DLR stored" '.stored == 1'
    cgi "$cfg" POST /twilio application/x-www-form-urlencoded 'MessageSid=SM-t3&MessageStatus=sent&To=%2B15558675310'
    sent "$be: twilio: another sent DLR stored" '.stored == 1'
    ctl "$be: stats --json --webhook twilio" 0 stats "${C[@]}" --json --webhook twilio
    check_eq "$be: ... counted by Twilio's classes" '4 1 1 2 0.5 ["sent",2,0,2] ["delivered",1,1,0] ["undelivered",1,0,0]' \
        "$(jq -r '"\(.events) \(.delivered) \(.failed) \(.pending) \(.delivered_rate) \([.by_status[] | [.status, .events, .delivered, .pending]] | map(tojson) | join(" "))"' "$T/out")"
    ctl "$be: stats --webhook twilio (the table)" 0 stats "${C[@]}" --webhook twilio
    out_has "$be: ... failed 1" "failed     1  50.0% of final events"
    out_has "$be: ... pending 2" "pending    2"
    ctl "$be: export --webhook twilio" 0 export "${C[@]}" --format jsonl --webhook twilio
    check_eq "$be: ... with error_code and dlr_class" \
        "SM-t1/undelivered/30003/failed SM-t2/sent/null/pending SM-t2/delivered/null/delivered SM-t3/sent/null/pending " \
        "$(jq -r '"\(.id)/\(.status)/\(.error_code)/\(.dlr_class)"' "$T/out" | tr '\n' ' ')"
    db "$be" "DELETE FROM dlr_events WHERE webhook = 'twilio'; DELETE FROM dlr_messages WHERE webhook = 'twilio'" > /dev/null

    # rejected: list, show, replay
    ctl "$be: rejected" 0 rejected "${C[@]}"
    check_eq "$be: rejected lists both, newest first" "2 422 invalid_dlr|1 400 bad_request|" \
        "$(awk 'NR > 1 { printf "%s %s %s|", $1, $5, $6 }' "$T/out")"
    ctl "$be: rejected --json" 0 rejected "${C[@]}" --json --limit 1
    check_eq "$be: rejected --json --limit 1" '2 "2026-03-02T13:00:00.000Z" "PUT" "{\"id\":\"m-7\"}" null' \
        "$(jq -r '"\(.seq) \(.received_at | tojson) \(.method | tojson) \(.raw | tojson) \(.replayed_at)"' "$T/out")"
    ctl "$be: rejected --show 1" 0 rejected "${C[@]}" --show 1
    same_file "$be: --show prints the raw body byte for byte" "$T/$be/refused1.body" "$T/out"
    ctl "$be: rejected --show of no such row" 1 rejected "${C[@]}" --show 99
    err_has "$be: ... saying so" "no refused request has seq 99"
    ctl "$be: rejected --replay 1 as it was: refused again" 1 rejected "${C[@]}" --replay 1
    out_has "$be: ... the answer is shown" ": 400 {\"ok\":false,\"error\":\"bad_request\""
    check_eq "$be: ... no new refused row" 2 "$(db "$be" "SELECT COUNT(*) FROM dlr_rejected")"
    printf '{"id": "m-6", "status": "DELIVRD"}' > "$T/$be/fixed.json"
    ctl "$be: rejected --replay 1 --body FILE" 0 rejected "${C[@]}" --replay 1 --body "$T/$be/fixed.json"
    out_has "$be: ... stored" "with the body given: 200 {\"ok\":true,\"stored\":1,\"duplicates\":0}"
    check_eq "$be: ... the event carries the webhook and the original query string" "sms campaign=8" \
        "$(db "$be" "SELECT webhook, query FROM dlr_events WHERE id = 'm-6'" | tr '\t|' '  ')"
    printf '{"id":"m-7","status":"UNDELIV"}' | "$CTL" rejected "${C[@]}" --replay 2 --body - > "$T/out" 2> "$T/err"
    check_eq "$be: rejected --replay 2 --body - (stdin)" "0" "$?"
    out_has "$be: ... stored" ": 200 {\"ok\":true,\"stored\":1,\"duplicates\":0}"
    ctl "$be: rejected --json after the replays" 0 rejected "${C[@]}" --json
    check_eq "$be: ... both rows record their replay" "2:200:true 1:200:true " \
        "$(jq -r '"\(.seq):\(.replay_status):\(.replayed_at | test("^20[0-9-]+T[0-9:.]+Z$"))"' "$T/out" | tr '\n' ' ')"

    # purge
    ctl "$be: purge --dry-run" 0 purge "${C[@]}" --before 2026-03-02 --dry-run
    check_eq "$be: ... counts" "would delete before 2026-03-02T00:00:00.000Z: 3 events, 1 refused requests, 2 messages" "$(cat "$T/out")"
    ctl "$be: purge --batch-size 2" 0 purge "${C[@]}" --before 2026-03-02 --batch-size 2
    check_eq "$be: ... deletes them" "deleted before 2026-03-02T00:00:00.000Z: 3 events, 1 refused requests, 2 messages" "$(cat "$T/out")"
    check_eq "$be: ... what is left" "5 1 5" \
        "$(db "$be" "SELECT (SELECT COUNT(*) FROM dlr_events), (SELECT COUNT(*) FROM dlr_rejected), (SELECT COUNT(*) FROM dlr_messages)" | tr '\t|' '  ')"
    ctl "$be: purge again: nothing left to delete" 0 purge "${C[@]}" --before 2026-03-02
    out_has "$be: ... zero" ": 0 events, 0 refused requests, 0 messages"
    ctl "$be: export after the purge" 0 export "${C[@]}" --format jsonl --until 2026-03-03
    check_eq "$be: ... starts at March 2nd" "m-3/DELIVRD m-4/EXPIRED m-5/DELIVRD " "$(jq -r '.id + "/" + .status' "$T/out" | tr '\n' ' ')"
}

SQLITE_DB="$T/sqlite/dlr.sqlite"
run_backend sqlite "$SQLITE_DB"
run_backend postgresql "$PG_URL"
run_backend mariadb "$MY_URL"

echo "# ---- exit codes, config lookup, unreachable database"
CFG="$T/sqlite/config.json"
ctl "dlrctl --help" 0 --help
out_has "... lists the commands" "send-test"
for cmd in init check-config export stats rejected send-test purge; do
    ctl "dlrctl $cmd --help" 0 "$cmd" --help
    out_has "... its usage" "usage: dlrctl $cmd"
done
ctl "no command" 2
ctl "an unknown command" 2 frobnicate
err_has "... usage on stderr" "usage: dlrctl COMMAND"
ctl "export --format xml" 2 export --config "$CFG" --format xml
err_has "... names the option and shows the command's usage" "--format must be csv or jsonl"
ctl "export --since not-a-date" 2 export --config "$CFG" --since 2026-02-30
ctl "stats --bogus" 2 stats --config "$CFG" --bogus
ctl "purge without --before" 2 purge --config "$CFG"
ctl "purge --before a date in the future" 2 purge --config "$CFG" --before 2999-01-01
ctl "rejected --show 1 --replay 1" 2 rejected --config "$CFG" --show 1 --replay 1
# rejected --show: a body with terminal escape sequences is shown escaped on a terminal (script(1)
# gives dlrctl one), and byte for byte into a pipe.
mkdir -p "$T/esc"
jq -n --arg db "$T/esc/dlr.sqlite" --arg s "$SECRET" '{database: $db, webhooks: [{name: "sms", validation_key: "k", secrets: [$s]}]}' > "$T/esc/config.json"
"$CTL" init --config "$T/esc/config.json" > /dev/null
cgi "$T/esc/config.json" POST /receive/callback application/json "$(printf '{"id": "\033]0;owned\007\033[2J\302\233x')"
script -qec "$CTL rejected --config $T/esc/config.json --show 1" /dev/null > "$T/tty.out" 2>&1
if grep -qF '{"id": "\x1B]0;owned\x07\x1B[2J\xC2\x9Bx' "$T/tty.out" && ! grep -q "$(printf '\033')" "$T/tty.out"
then ok "rejected --show on a terminal: control characters shown as \\xHH"
else not_ok "rejected --show on a terminal: control characters shown as \\xHH" "$(od -c "$T/tty.out" | head -n 4 | tr '\n' ' ')"; fi
"$CTL" rejected --config "$T/esc/config.json" --show 1 > "$T/pipe.out"
check_eq "rejected --show into a pipe: the body byte for byte" \
    "$(printf '{"id": "\033]0;owned\007\033[2J\302\233x' | od -An -tx1 | tr -d ' \n')" "$(od -An -tx1 < "$T/pipe.out" | tr -d ' \n')"
ctl "send-test without --token" 2 send-test http://127.0.0.1:1/
ctl "a config that does not exist" 1 stats --config "$T/nowhere.json"
err_has "... names it" "cannot read the config file $T/nowhere.json"
DLR_WEBHOOK_CONFIG="$CFG" "$CTL" stats --json > "$T/out" 2> "$T/err"
check_eq "DLR_WEBHOOK_CONFIG names the config when --config does not" "0 5" "$? $(jq .events "$T/out" 2>/dev/null)"
DLR_WEBHOOK_CONFIG="$T/nowhere.json" "$CTL" stats --config "$CFG" --json > "$T/out" 2> "$T/err"
check_eq "--config wins over DLR_WEBHOOK_CONFIG" "0" "$?"
DEAD=$(free_port)
for url in "postgresql://dlr_app:x@127.0.0.1:$DEAD/$DB_NAME" "mysql://dlr_app:x@127.0.0.1:$DEAD/$DB_NAME"; do
    jq -n --arg db "$url" '{database: $db, webhooks: [{name: "sms", validation_key: "k", secrets: ["0123456789abcdef"]}]}' > "$T/dead.json"
    ctl "export with the database server down (${url%%:*})" 1 export --config "$T/dead.json"
    err_has "... cannot connect" "cannot connect to"
    ctl "check-config with the database server down (${url%%:*})" 0 check-config --config "$T/dead.json"
    out_has "... a warning" "warning: the database cannot be reached: cannot connect to"
done

echo "# ---- check-config warnings"
mkdir -p "$T/www/html"
jq -n --arg db "$T/www/html/dlr.sqlite" '{database: $db, webhooks: [
    {name: "a", path: "/a", validation_key: "k", secrets: ["tiny-s3cret"]}, {name: "b", path: "/b"}]}' > "$T/www/html/config.json"
chmod 644 "$T/www/html/config.json"
ctl "check-config of a config to fix" 0 check-config --config "$T/www/html/config.json"
out_has "... a short secret" 'warning: webhook "a": secrets[0] is shorter than 16 characters'
out_has "... no secret" 'warning: webhook "b" has no secret'
out_has "... readable by others" "is readable by every user of this host (mode 644)"
out_has "... the database in a document root" "warning: the database $T/www/html/dlr.sqlite is inside a web server's document root"
out_has "... the config in a document root" "warning: the config file $T/www/html/config.json is inside a web server's document root"
out_has "... the database does not exist yet" "database status: the file does not exist yet"
if grep -qF "tiny-s3cret" "$T/out" "$T/err"; then not_ok "check-config never shows a secret" "it appears"
else ok "check-config never shows a secret"; fi
[ -e "$T/www/html/dlr.sqlite" ] && not_ok "check-config creates no database" "$T/www/html/dlr.sqlite exists"

echo "# ---- the responder refuses a newer schema"
sqlite3 "$SQLITE_DB" ".backup '$T/newer.sqlite'"
sqlite3 "$T/newer.sqlite" "PRAGMA user_version = 5"
jq -n --arg db "$T/newer.sqlite" '{database: $db, webhooks: [{name: "sms", validation_key: "k", secrets: ["0123456789abcdef"]}]}' > "$T/newer.json"
timeout 10 "$BIN" --config "$T/newer.json" --listen "unix:$T/newer.sock" > "$T/newer.out" 2>&1
check_eq "a FastCGI responder on a newer schema exits 1 at start" 1 "$?"
if grep -q "newer than this program knows" "$T/newer.out"; then ok "... saying why"
else not_ok "... saying why" "$(cat "$T/newer.out")"; fi

echo "# ---- send-test against nginx + spawn-fcgi + the responder"
jq -n --arg db "$T/stack.sqlite" --arg s "$SECRET" --arg k "$KEY" '{database: $db, webhooks: [
    {name: "sms", path: "/receive/callback", validation_key: $k, secrets: [$s]},
    {name: "open", path: "/open", validation_key: $k}]}' > "$T/config.json"
start_stack
ctl "send-test with the right token and secret" 0 send-test "$BASE/receive/callback" --token "$KEY" --secret "$SECRET"
check_eq "... four steps passed" "4" "$(grep -c '^ok ' "$T/out")"
out_has "... the challenge came back" "ok    1/4 verification (token and challenge): 200, challenge and validation key echoed"
out_has "... stored, then a duplicate, then 401" "ok    4/4 the DLR with a wrong secret: 401, refused"
check_eq "... one row in the deployment's database, with a send-test id" "1" \
    "$(sqlite3 "$T/stack.sqlite" "SELECT COUNT(*) FROM dlr_events WHERE id LIKE 'dlrctl-send-test-%'")"
printf '%s\n' "$SECRET" > "$T/secret"
ctl "send-test --secret-file" 0 send-test "$BASE/receive/callback" --token "$KEY" --secret-file "$T/secret"
printf '%s\n' "$KEY" > "$T/key"
ctl "send-test --token-file --secret-file (nothing secret on the command line)" 0 send-test \
    "$BASE/receive/callback" --token-file "$T/key" --secret-file "$T/secret"
out_has "... the verification passed with the key from the file" "ok    1/4 verification"
: > "$T/key.empty"
ctl "send-test --token-file of an empty file fails" 1 send-test "$BASE/receive/callback" --token-file "$T/key.empty"
err_has "... saying so" "holds no validation key"
ctl "send-test with a wrong secret fails" 1 send-test "$BASE/receive/callback" --token "$KEY" --secret "wrong-$SECRET"
out_has "... at the first step, with 401" "FAIL  1/4 verification (token and challenge): answered 401"
ctl "send-test with a wrong token fails" 1 send-test "$BASE/receive/callback" --token "wrong" --secret "$SECRET"
out_has "... with 403" "answered 403: the token is not the webhook's validation key"
ctl "send-test --id" 0 send-test "$BASE/receive/callback" --token "$KEY" --secret "$SECRET" --id fixed-id
ctl "send-test of an --id stored before fails" 1 send-test "$BASE/receive/callback" --token "$KEY" --secret "$SECRET" --id fixed-id
out_has "... at step 2, naming why" "FAIL  2/4 a sample DLR (id fixed-id): 200, but stored 0, duplicates 1 (expected 1 and 0): that id was stored before; use another --id"
ctl "send-test against a webhook that accepts any secret fails" 1 send-test "$BASE/open" --token "$KEY" --secret "$SECRET"
out_has "... at the last step" "FAIL  4/4 the DLR with a wrong secret: answered 200: a wrong secret is accepted"
ctl "send-test without --secret skips the last step" 0 send-test "$BASE/open" --token "$KEY"
out_has "... saying so" "skip  4/4"
ctl "send-test to a wrong path fails" 1 send-test "$BASE/nowhere" --token "$KEY" --secret "$SECRET"
out_has "... with 404" "answered 404"
ctl "send-test to nothing listening fails" 1 send-test "http://127.0.0.1:$DEAD/receive/callback" --token "$KEY" --secret "$SECRET" --timeout 2
out_has "... no answer" "no answer"
if grep -rqF "$SECRET" "$T/out" "$T/err" "$T/error.log" 2>/dev/null; then not_ok "send-test never shows the secret" "it appears"
else ok "send-test never shows the secret"; fi

echo "# dlrctl test took $(( $(date +%s) - START ))s"
finish

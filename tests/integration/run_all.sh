#!/usr/bin/env bash
# Runs the integration scripts, sums their counts and prints a last line
# "tests: N passed, M failed"; exits non-zero if anything failed.
# The database scripts start real PostgreSQL and MariaDB servers (a missing one fails the run).
set -u
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

total_pass=0
total_fail=0
for t in nginx_test.sh cgi_test.sh concurrency_test.sh shutdown_test.sh durability_test.sh \
         hostile_test.sh portable_test.sh portable_bullseye_test.sh apache_test.sh lighttpd_test.sh servers_test.sh ops_test.sh systemd_test.sh \
         "db_fault_test.sh postgresql" "db_fault_test.sh mysql" multihost_test.sh dlrctl_test.sh \
         dashboard_test.sh deb_test.sh providers_test.sh mariadb_tls_test.sh unread_body_test.sh; do
    echo "# ---- $t"
    # The portable binary is never sanitized: the plain run checks it on Debian 11; the
    # sanitized run would check the same file again.
    if [ "$t" = portable_bullseye_test.sh ] && [ -n "${SANITIZER_LOG_DIR:-}" ]; then
        echo "# $t not run under SANITIZE=1: the portable binary is built without sanitizers, the same file as in the plain run, which runs this test"
        continue
    fi
    read -r -a cmd <<< "$t"
    out=$(mktemp "${TMPDIR:-/tmp}/dlr-run-all.XXXXXX")
    bash "$DIR/${cmd[0]}" "${cmd[@]:1}" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    rm -f "$out"
    if [ -z "$summary" ]; then
        echo "not ok - $t ended without a summary line (exit $rc)"
        total_fail=$((total_fail + 1))
        continue
    fi
    p=${summary%% passed*}
    f=${summary#*passed, }; f=${f%% failed*}
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $t exited $rc with no failed check"
        total_fail=$((total_fail + 1))
    fi
done
# Under `make test SANITIZE=1` every report of ASan, LeakSanitizer and UBSan from any process
# (responders under spawn-fcgi, CGI runs, dlrctl) lands in a file of SANITIZER_LOG_DIR.
if [ -n "${SANITIZER_LOG_DIR:-}" ]; then
    echo "# ---- sanitizer reports in $SANITIZER_LOG_DIR"
    reports=$(find "$SANITIZER_LOG_DIR" -type f 2>/dev/null | sort)
    if [ -z "$reports" ]; then
        echo "ok - no sanitizer report from any process"
        total_pass=$((total_pass + 1))
    else
        for r in $reports; do
            echo "not ok - sanitizer report $(basename "$r"):"
            sed -n '1,40s/^/#   /p' "$r"
            total_fail=$((total_fail + 1))
        done
    fi
fi
echo "tests: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

#!/usr/bin/env bash
# `make bench-store`: what storing costs the database server, per DLR, by group size. Without a
# web server or wrk in front, and read as CPU time rather than req/s, it is steadier on a shared
# machine than `make bench`'s (e) and (m), and shows what one backend change does to the server.
#
#   bench/store_load.sh [-g "1 10 50"] [-n DLRS] [-r ROUNDS] [--backends "sqlite postgresql mysql"]
#                       [LABEL=STORE_LOAD_BINARY ...]
#
#   -g  group sizes: DLRs per commit (default "1 10 50")
#   -n  DLRs per measurement (default 10000)        -r  rounds (default 3)
#   LABEL=PATH  store_load binaries to compare (default: this=build/store_load), e.g. a build of
#               an older commit: base=/tmp/base/build/store_load this=build/store_load. They take
#               turns on the same servers and database, round after round.
#
# It starts PostgreSQL and MariaDB on 127.0.0.1 in a temporary directory (the integration tests'
# servers: tests/integration/servers_lib.sh), stops them by PID at the end, and prints each
# measurement's median over the rounds: wall time, store_load's own CPU time (the client: the
# responder's share) and the server's CPU time, each in µs per DLR. The server's is that of the
# PostgreSQL backend of the connection, or of the whole MariaDB server process (its background
# threads included); SQLite has none. Commits are durable, as in the responder.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/servers_lib.sh"

GROUPS_LIST="1 10 50"
DLRS=10000
ROUNDS=3
BACKENDS="sqlite postgresql mysql"
BINS=()
while [ $# -gt 0 ]; do
    case "$1" in
        -g) GROUPS_LIST=$2; shift 2 ;;
        -n) DLRS=$2; shift 2 ;;
        -r) ROUNDS=$2; shift 2 ;;
        --backends) BACKENDS=$2; shift 2 ;;
        -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *=*) BINS+=("$1"); shift ;;
        *) echo "store_load.sh: unknown argument $1 (see -h)" >&2; exit 2 ;;
    esac
done
[ ${#BINS[@]} -gt 0 ] || BINS=("this=$BUILD_DIR/store_load")
for b in "${BINS[@]}"; do
    [ -x "${b#*=}" ] || die "store_load built" "${b#*=} not found (make $BUILD_DIR/store_load)"
done

make_tmp
trap servers_cleanup EXIT
declare -A URL SERVER
for be in $BACKENDS; do
    case $be in
        sqlite) URL[sqlite]="$T/load.sqlite"; SERVER[sqlite]="" ;;
        postgresql) start_postgres >&2; URL[postgresql]=$PG_URL; SERVER[postgresql]="" ;;
        mysql) start_mariadb >&2; URL[mysql]=$MY_URL; SERVER[mysql]=$MY_PID ;;
        *) die "backend" "unknown backend $be" ;;
    esac
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A WALL CLIENT SRV
for r in $(seq 1 "$ROUNDS"); do
    for be in $BACKENDS; do
        for g in $GROUPS_LIST; do
            for b in "${BINS[@]}"; do
                label=${b%%=*}
                # shellcheck disable=SC2086
                out=$("${b#*=}" "${URL[$be]}" $(( (DLRS + g - 1) / g )) "$g" ${SERVER[$be]} 2>&1) ||
                    die "store_load $label on $be, groups of $g" "$out"
                read -r _ w _ c _ s <<<"$out"
                WALL[$be,$g,$label]="${WALL[$be,$g,$label]:-} $w"
                CLIENT[$be,$g,$label]="${CLIENT[$be,$g,$label]:-} $c"
                SRV[$be,$g,$label]="${SRV[$be,$g,$label]:-} $s"
                echo "# round $r, $be, groups of $g, $label: $out" >&2
            done
        done
    done
done

echo "store_load, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); $DLRS DLRs per measurement, median of $ROUNDS rounds; µs per DLR"
echo
echo "| backend | DLRs per commit | binary | wall | client CPU | server CPU |"
echo "| --- | ---: | --- | ---: | ---: | ---: |"
for be in $BACKENDS; do
    for g in $GROUPS_LIST; do
        for b in "${BINS[@]}"; do
            label=${b%%=*}
            m() { tr ' ' '\n' | grep -v '^-*$' | median; }
            echo "| $be | $g | $label | $(echo "${WALL[$be,$g,$label]}" | m) | $(echo "${CLIENT[$be,$g,$label]}" | m) | $(echo "${SRV[$be,$g,$label]}" | m) |"
        done
    done
done

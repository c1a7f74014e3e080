#!/usr/bin/env bash
# The Debian/Ubuntu packages dlr-webhook needs to build, test and run (`make run`).
#
#   scripts/deps.sh --check     print the missing packages; exit 1 if any is missing
#   scripts/deps.sh --install   install the missing ones (as root; otherwise print the sudo line, exit 1)
#   scripts/deps.sh --list      print the whole list, one package a line
#
# nginx is listed only when no nginx binary exists: an installed nginx-core, nginx-full,
# nginx-light or nginx-extras is used as it is. While nginx, apache2, lighttpd, postgresql or
# mariadb-server is being installed, a temporary policy-rc.d keeps the package from starting a
# system service (the tests start their own servers on free loopback ports, in temporary
# directories).
set -euo pipefail

PACKAGES=(
  g++ make pkg-config          # compiler and build
  libfcgi-dev                  # FastCGI (fcgiapp.h, -lfcgi)
  rapidjson-dev                # JSON parser (header only)
  libsqlite3-dev               # storage: SQLite
  libpq-dev                    # storage: PostgreSQL client library (WITH_POSTGRES=1, the default)
  libmariadb-dev               # storage: MySQL/MariaDB client library (WITH_MYSQL=1, the default)
  libssl-dev zlib1g-dev        # `make portable`: libssl.a, libcrypto.a, libz.a for the static libmariadb.a
  strace                       # tests: the portable binary opens no shared library
  debootstrap                  # tests: the portable binary run in a Debian 11 root
  postgresql                   # tests: a real PostgreSQL server (initdb, pg_ctl, psql)
  mariadb-server mariadb-client  # tests: a real MariaDB server (mariadb-install-db, mariadbd)
  libcurl4-openssl-dev         # dlrctl send-test (HTTP client)
  libssl-dev                   # libcrypto: the webhook signatures (HMAC, Ed25519)
  libboost-test-dev            # unit tests
  clang libclang-rt-14-dev     # `make fuzz`: libFuzzer and the sanitizer runtimes for clang
  clang-format                 # `make style-check` (run by CI)
  spawn-fcgi                   # runs the responder on a unix socket
  apache2 libapache2-mod-fcgid # the Apache tests (mod_fcgid, mod_proxy_fcgi, plain CGI)
  sqlite3                      # reading the stored rows
  curl jq ca-certificates      # tests, `make run` examples
  chromium chromium-driver     # the status page's test in a real (headless) browser
  wrk                          # `make soak` (load generator)
  systemd                      # tests: systemd-analyze verify of the unit files
  lighttpd                     # the lighttpd tests (mod_fastcgi, socket and bin-path)
  debhelper dpkg-dev fakeroot  # `make deb` (the Debian package)
  lintian                      # `make deb`: the package checked, no error or warning
)

have_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]
}

wanted() {
  printf '%s\n' "${PACKAGES[@]}"
  have_nginx || echo nginx
}

installed() {
  # "ii " = installed; a known-but-removed package ("rc", "un") counts as missing.
  local st
  st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) || return 1
  [ "${st:0:2}" = "ii" ]
}

missing() {
  local p
  while read -r p; do
    installed "$p" || echo "$p"
  done < <(wanted)
}

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "$0"
}

need_dpkg() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: dpkg-query not found: this script knows Debian/Ubuntu packages only." >&2
    echo "deps.sh: install the equivalents of: $(wanted | tr '\n' ' ')" >&2
    exit 1
  fi
}

case "${1:-}" in
  --list)
    wanted
    ;;
  --check)
    need_dpkg
    mapfile -t miss < <(missing)
    if [ "${#miss[@]}" -eq 0 ]; then
      echo "deps: all packages present"
      exit 0
    fi
    echo "deps: missing: ${miss[*]}"
    exit 1
    ;;
  --install)
    need_dpkg
    mapfile -t miss < <(missing)
    if [ "${#miss[@]}" -eq 0 ]; then
      echo "deps: all packages present"
      exit 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
      echo "deps: missing: ${miss[*]}" >&2
      echo "deps: run as root, or:" >&2
      echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${miss[*]}"
      exit 1
    fi
    echo "deps: installing: ${miss[*]}"
    policy=""
    if printf '%s\n' "${miss[@]}" | grep -Eqx 'nginx|apache2|lighttpd|postgresql|mariadb-server' &&
        [ ! -e /usr/sbin/policy-rc.d ]; then
      # Keep the freshly installed system services (nginx, apache2 and lighttpd on port 80, a
      # PostgreSQL cluster on 5432, MariaDB on 3306) from being started.
      policy=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' > "$policy"
      chmod 755 "$policy"
      trap 'rm -f "$policy"' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update </dev/null
    apt-get install -y --no-install-recommends "${miss[@]}" </dev/null
    if [ -n "$policy" ]; then rm -f "$policy"; trap - EXIT; fi
    mapfile -t still < <(missing)
    if [ "${#still[@]}" -ne 0 ]; then
      echo "deps: still missing after install: ${still[*]}" >&2
      exit 1
    fi
    echo "deps: all packages present"
    ;;
  -h|--help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac

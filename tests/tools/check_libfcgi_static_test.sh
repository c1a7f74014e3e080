#!/usr/bin/env bash
# scripts/check_libfcgi_static.sh and `make portable` with fake libfcgi versions: a compiler whose
# libfcgi.a is given, and dpkg / dpkg-query that own it at a given version (dpkg
# --compare-versions is the real one). A fixed version passes, a vulnerable one and one that
# cannot be told are refused (exit 1), ALLOW_VULNERABLE_LIBFCGI=1 turns the refusal into a
# warning, and `make portable` stops at the check before compiling anything.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CHECK="$ROOT/scripts/check_libfcgi_static.sh"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$1"; }
not_ok() { FAIL=$((FAIL + 1)); printf 'not ok - %s: %s\n' "$1" "$2"; }
T=$(mktemp -d "${TMPDIR:-/tmp}/dlr-libfcgi.XXXXXX")
trap 'rm -rf "$T"' EXIT
# Each case sets its own: nothing from the caller (make test ALLOW_VULNERABLE_LIBFCGI=1 passes it
# down in the environment and in MAKEFLAGS).
unset ALLOW_VULNERABLE_LIBFCGI MAKEFLAGS MFLAGS MAKELEVEL
REAL_DPKG=$(command -v dpkg) || { echo "not ok - dpkg present: not found"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p "$T/bin" "$T/lib"
: >"$T/lib/libfcgi.a"
# The fakes read FAKE_ARCHIVE (what the compiler finds; "" = none), FAKE_OWNER (the package
# owning it; "" = none) and FAKE_VERSION (that package's version; "" = none).
cat >"$T/bin/g++" <<'EOF'
#!/bin/sh
[ "$1" = -print-file-name=libfcgi.a ] || exit 2
echo "${FAKE_ARCHIVE:-libfcgi.a}"
EOF
cat >"$T/bin/dpkg" <<EOF
#!/bin/sh
if [ "\$1" = -S ]; then
  [ -n "\${FAKE_OWNER:-}" ] || { echo "dpkg-query: no path found matching pattern \$2" >&2; exit 1; }
  echo "\$FAKE_OWNER: \$2"; exit 0
fi
exec "$REAL_DPKG" "\$@"
EOF
cat >"$T/bin/dpkg-query" <<'EOF'
#!/bin/sh
[ -n "${FAKE_VERSION:-}" ] || { echo "dpkg-query: no packages found" >&2; exit 1; }
printf '%s' "$FAKE_VERSION"
EOF
chmod +x "$T/bin/"*

# run OWNER VERSION [VAR=VALUE...]: the check with the fakes; $RC, stderr in $ERR
run() {
  local owner=$1 version=$2
  shift 2
  ERR=$(env PATH="$T/bin:$PATH" CXX="$T/bin/g++" FAKE_ARCHIVE="$T/lib/libfcgi.a" FAKE_OWNER="$owner" \
    FAKE_VERSION="$version" "$@" bash "$CHECK" 2>&1 >/dev/null)
  RC=$?
}

# expect DESC RC STDERR_FIXED_STRING ("" = stderr empty)
expect() {
  if [ "$RC" -ne "$2" ]; then
    not_ok "$1" "exit $RC (want $2): $ERR"
  elif [ -z "$3" ] && [ -n "$ERR" ]; then
    not_ok "$1" "stderr not empty: $ERR"
  elif [ -n "$3" ] && ! grep -qF -- "$3" <<<"$ERR"; then
    not_ok "$1" "stderr lacks [$3]: $ERR"
  else
    ok "$1 (exit $2)"
  fi
}

run libfcgi-dev:amd64 2.4.2-2+deb12u1
expect "Debian 12's fixed 2.4.2-2+deb12u1 passes, silently" 0 ""
run libfcgi-dev:amd64 2.4.5-1
expect "upstream 2.4.5 (2.4.5-1) passes" 0 ""
run libfcgi-dev:amd64 2.4.2-2
expect "2.4.2-2 (Debian 12 before the fix) is refused, naming the CVE" 1 "error: libfcgi-dev:amd64 2.4.2-2"
if grep -qF CVE-2025-23016 <<<"$ERR"; then ok "the refusal names CVE-2025-23016"
else not_ok "the refusal names CVE-2025-23016" "$ERR"; fi
run libfcgi-dev:amd64 2.4.2-1
expect "2.4.2-1 (Debian 11) is refused" 1 "older than 2.4.2-2+deb12u1"
run libfcgi-dev:amd64 2.4.2-2 ALLOW_VULNERABLE_LIBFCGI=1
expect "2.4.2-2 with ALLOW_VULNERABLE_LIBFCGI=1: a warning, allowed" 0 "warning: libfcgi-dev:amd64 2.4.2-2"
run "" ""
expect "a libfcgi.a no package owns (a build from source) is refused: cannot tell" 1 "error: cannot tell the version"
run "" "" ALLOW_VULNERABLE_LIBFCGI=1
expect "cannot tell, with ALLOW_VULNERABLE_LIBFCGI=1: a warning, allowed" 0 "warning: cannot tell the version"
run libfcgi-dev:amd64 ""
expect "a package without a version is refused: cannot tell" 1 "error: cannot tell the version"
ERR=$(env PATH="$T/bin:$PATH" CXX="$T/bin/g++" FAKE_ARCHIVE="" bash "$CHECK" 2>&1 >/dev/null)
RC=$?
expect "no libfcgi.a at all is refused" 1 "error: no libfcgi.a"

# Through make: check-libfcgi-static, and make portable stopping before its first compile.
out=$(env PATH="$T/bin:$PATH" FAKE_ARCHIVE="$T/lib/libfcgi.a" FAKE_OWNER=libfcgi-dev:amd64 \
  FAKE_VERSION=2.4.2-2+deb12u1 make -s -C "$ROOT" CXX="$T/bin/g++" check-libfcgi-static 2>&1)
RC=$?
ERR=$out
expect "make check-libfcgi-static, fixed version" 0 ""
out=$(env PATH="$T/bin:$PATH" FAKE_ARCHIVE="$T/lib/libfcgi.a" FAKE_OWNER=libfcgi-dev:amd64 \
  FAKE_VERSION=2.4.2-2 make -s -C "$ROOT" CXX="$T/bin/g++" PORTABLE_DIR="$T/portable" portable 2>&1)
RC=$?
if [ $RC -ne 0 ] && grep -qF "CVE-2025-23016" <<<"$out" && [ ! -e "$T/portable" ]; then
  ok "make portable with a vulnerable libfcgi fails at the check, before compiling anything"
else
  not_ok "make portable with a vulnerable libfcgi fails before compiling" \
    "exit $RC, $(find "$T/portable" -name '*.o' 2>/dev/null | wc -l) objects: $(head -c 400 <<<"$out")"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

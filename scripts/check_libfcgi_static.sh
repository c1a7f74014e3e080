#!/usr/bin/env bash
# Refuses to link libfcgi statically (make portable) when the libfcgi.a the linker would take is
# open to CVE-2025-23016 (an integer overflow in ReadParams, reachable by anything that can
# connect to the FastCGI socket), or when its version cannot be told. A static binary keeps the
# hole whatever is upgraded on the host later, so "cannot tell" is an error here, not a warning
# as for the shared library (make check-libfcgi).
#
#   scripts/check_libfcgi_static.sh
#
# The version is that of the Debian package owning the libfcgi.a that `$CXX -print-file-name`
# finds (dpkg -S, dpkg-query): pkg-config's version cannot tell Debian's fixed revision apart.
# Environment:
#   CXX                       the compiler whose linker is asked (default g++)
#   LIBFCGI_MIN               the first fixed Debian version (default 2.4.2-2+deb12u1; upstream 2.4.5)
#   ALLOW_VULNERABLE_LIBFCGI  1: a vulnerable or unknown version is a warning, and the exit 0
# Exit: 0 allowed, 1 refused (the reason and the way out on stderr).
set -u

CXX=${CXX:-g++}
LIBFCGI_MIN=${LIBFCGI_MIN:-2.4.2-2+deb12u1}
CVE="CVE-2025-23016 (a crafted FastCGI record overflows ReadParams)"

# refuse MESSAGE: an error, or a warning under ALLOW_VULNERABLE_LIBFCGI=1
refuse() {
  if [ "${ALLOW_VULNERABLE_LIBFCGI:-}" = 1 ]; then
    echo "warning: $1; linking it statically anyway (ALLOW_VULNERABLE_LIBFCGI=1): the binary keeps the hole" >&2
    exit 0
  fi
  echo "error: $1. Upgrade libfcgi-dev (apt-get install --only-upgrade libfcgi-dev libfcgi0ldbl) to $LIBFCGI_MIN or later, or build with ALLOW_VULNERABLE_LIBFCGI=1 if the binary runs as CGI or its FastCGI socket is reachable by the web server alone and you accept the risk" >&2
  exit 1
}

archive=$("$CXX" -print-file-name=libfcgi.a 2>/dev/null)
case "$archive" in
  /*) archive=$(readlink -f "$archive") ;;
  *) echo "error: no libfcgi.a for $CXX to link (install libfcgi-dev: scripts/deps.sh --install)" >&2; exit 1 ;;
esac
[ -f "$archive" ] || { echo "error: $archive not found" >&2; exit 1; }

# dpkg -S prints "libfcgi-dev:amd64: /usr/lib/.../libfcgi.a"; with merged /usr the package may
# have installed it under /lib.
owner=""
for path in "$archive" "${archive#/usr}"; do
  owner=$(dpkg -S "$path" 2>/dev/null | head -n 1 | sed 's/: .*//')
  [ -n "$owner" ] && break
done
if [ -z "$owner" ]; then
  refuse "cannot tell the version of $archive (no Debian package owns it): it must carry the fix for $CVE (upstream 2.4.5, Debian $LIBFCGI_MIN)"
fi
version=$(dpkg-query -W -f='${Version}' "$owner" 2>/dev/null)
if [ -z "$version" ]; then
  refuse "cannot tell the version of $archive (package $owner: dpkg-query gives none): it must carry the fix for $CVE (upstream 2.4.5, Debian $LIBFCGI_MIN)"
fi
if ! dpkg --compare-versions "$version" ge "$LIBFCGI_MIN" 2>/dev/null; then
  refuse "$owner $version ($archive) is older than $LIBFCGI_MIN and open to $CVE"
fi
exit 0

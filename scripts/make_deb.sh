#!/usr/bin/env bash
# `make deb`: builds build/deb/dlr-webhook_VERSION_amd64.deb with debhelper from a copy of the tree
# in build/deb/src (the package build writes into its tree: debian/, build/), then runs lintian
# on it, which must report no error and no warning.
#
#   scripts/make_deb.sh [VERSION]
#
# VERSION (default: debian/changelog's) other than the changelog's adds an entry for it to the
# copy's changelog: a newer package of the same tree, as the upgrade test wants. The copy keeps
# its objects between runs (files copied with their times, no clean before the build), so a
# second package of an unchanged tree compiles nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
OUT=$ROOT/build/deb
SRC=$OUT/src
cd "$ROOT"

for t in dpkg-buildpackage dh lintian fakeroot rsync; do
    command -v "$t" >/dev/null 2>&1 ||
        { echo "make deb: $t not found: run scripts/deps.sh --install" >&2; exit 1; }
done

CHANGELOG_VERSION=$(dpkg-parsechangelog -l debian/changelog -S Version)
VERSION=${1:-$CHANGELOG_VERSION}
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)

mkdir -p "$SRC"
# The tree as it is (tracked or not), without what builds and runs leave: build outputs, var/.
rsync -a --delete --exclude=/.git --exclude=/build --exclude=/build-asan --exclude=/build-fuzz \
    --exclude=/build-nobackends --exclude=/build-asan-nobackends --exclude=/var ./ "$SRC/"

if [ "$VERSION" != "$CHANGELOG_VERSION" ]; then
    dpkg --compare-versions "$VERSION" gt "$CHANGELOG_VERSION" ||
        { echo "make deb: $VERSION is not newer than $CHANGELOG_VERSION" >&2; exit 2; }
    maint=$(dpkg-parsechangelog -l debian/changelog -S Maintainer)
    {
        printf 'dlr-webhook (%s) unstable; urgency=medium\n\n' "$VERSION"
        printf '  * Rebuilt as version %s.\n\n' "$VERSION"
        printf ' -- %s  %s\n\n' "$maint" "$(date -R)"
        cat debian/changelog
    } > "$SRC/debian/changelog"
fi

rm -f "$OUT/dlr-webhook_${VERSION}_$ARCH".* "$OUT/dlr-webhook-dbgsym_${VERSION}_$ARCH".* \
    "$OUT/dlr-webhook_${VERSION}_$ARCH.deb"
(
    cd "$SRC"
    DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}"
    export DEB_BUILD_OPTIONS
    dpkg-buildpackage --build=binary --no-pre-clean --no-sign
)
DEB=$OUT/dlr-webhook_${VERSION}_$ARCH.deb
[ -f "$DEB" ] || { echo "make deb: $DEB was not built" >&2; exit 1; }
echo "make deb: lintian $DEB"
lintian --fail-on error,warning --display-info "$DEB"
echo "make deb: built $DEB (lintian: no error, no warning)"

#!/bin/sh
# package.sh — builds the Debian package (debian/) from a clean copy of the
# work tree (tracked and new files, nothing git ignores), puts the .deb in
# dist/ (or $1) and prints lintian's verdict on it. Exits non-zero when the
# build fails or lintian reports an error or a warning. Needs dpkg-dev,
# debhelper, lintian and the Build-Depends of debian/control.
set -eu
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)
version=$(dpkg-parsechangelog -S Version)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="$work/billcenter-$version"
mkdir "$src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C "$src" -xf -
(cd "$src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
    grep -E "error|warning|FAILED" "$work/build.log" | tail -20; echo "package.sh: dpkg-buildpackage failed" >&2; exit 1; }
rm -f "$out"/billcenter*_*
cp "$work"/billcenter*_*.deb "$work"/billcenter_*.changes "$work"/billcenter_*.buildinfo "$out"/
echo "built: $(cd "$out" && ls billcenter_*.deb)"
echo "=== lintian $(lintian --version | cut -d' ' -f2) --fail-on error,warning:"
lintian --fail-on error,warning --display-info "$out"/billcenter_*.changes && status=0 || status=$?
echo "=== lintian exit status $status (0: no error, no warning)"
exit "$status"

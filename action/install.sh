#!/usr/bin/env bash
# Installs the specter release binary for this runner's OS and architecture,
# verifies it against the release's checksums.txt and puts it on GITHUB_PATH.
#
# Environment: SPECTER_VERSION (latest, 1.2.3 or v1.2.3), RUNNER_OS,
# RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT; SPECTER_RELEASE_URL
# overrides https://github.com/specterhq/specter/releases (mirrors, tests).
set -euo pipefail

fail() {
  echo "::error title=specter install::$*"
  exit 1
}

version="${SPECTER_VERSION:-latest}"
releases="${SPECTER_RELEASE_URL:-https://github.com/specterhq/specter/releases}"

case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) fail "unsupported runner OS ${RUNNER_OS:-$(uname -s)}" ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | arm64 | aarch64) arch=arm64 ;;
  *) fail "unsupported runner architecture ${RUNNER_ARCH:-$(uname -m)}" ;;
esac
case "$version" in
  latest) url="$releases/latest/download" ;;
  v[0-9]* | [0-9]*) url="$releases/download/v${version#v}" ;;
  *) fail "version must be latest or a release number such as 1.2.3, not '$version'" ;;
esac

ext=tar.gz
exe=specter
if [ "$os" = windows ]; then
  ext=zip
  exe=specter.exe
fi
asset="specter_${os}_${arch}.${ext}"
dir="${RUNNER_TEMP:-$(mktemp -d)}/specter-${version}-${os}-${arch}"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

echo "Downloading $url/$asset"
curl -fsSL --retry 3 -o "$asset" "$url/$asset" || fail "could not download $url/$asset"
curl -fsSL --retry 3 -o checksums.txt "$url/checksums.txt" || fail "could not download $url/checksums.txt"

expected=$(awk -v a="$asset" '$2 == a || $2 == "*" a { print $1 }' checksums.txt)
[ -n "$expected" ] || fail "$asset is not listed in checksums.txt"
if command -v sha256sum > /dev/null; then
  actual=$(sha256sum "$asset" | awk '{ print $1 }')
else
  actual=$(shasum -a 256 "$asset" | awk '{ print $1 }')
fi
[ "$expected" = "$actual" ] || fail "checksum mismatch for $asset: checksums.txt says $expected, the download is $actual"

if [ "$ext" = zip ]; then
  if command -v unzip > /dev/null; then unzip -q -o "$asset"; else 7z x -y "$asset" > /dev/null; fi
else
  tar -xzf "$asset"
fi
[ -f "$exe" ] || fail "$asset holds no $exe"
chmod +x "$exe"
"./$exe" version

echo "$dir" >> "${GITHUB_PATH:-/dev/null}"
echo "path=$dir/$exe" >> "${GITHUB_OUTPUT:-/dev/null}"

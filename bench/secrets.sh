#!/usr/bin/env bash
# Times specter's secrets scanner against the gitleaks CLI (v8.30.1) on the
# same files: Stripe's spec3.json + spec3.yaml, GitHub's api.github.com.json
# and the Postman collections of /work/shared/corpora.
#
#   bench/secrets.sh [corpora-dir]
#
# Needs gitleaks at $GITLEAKS (default /tmp/peer/gitleaks; install with
# GOBIN=/tmp/peer go install github.com/zricethezav/gitleaks/v8@v8.30.1).
# Uses hyperfine when installed, else /usr/bin/time in a loop.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpora="${1:-$root/../shared/corpora}"
gitleaks="${GITLEAKS:-/tmp/peer/gitleaks}"
runs="${RUNS:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

in="$tmp/in"
mkdir -p "$in"
cp "$corpora/stripe/spec3.json" "$corpora/stripe/spec3.yaml" "$corpora/github/api.github.com.json" "$in/"
cp -r "$corpora/postman" "$in/postman"
echo "input: $(du -sh "$in" | cut -f1), $(find "$in" -type f | wc -l) files; $(nproc) cores; $(uname -sr)"

(cd "$root" && go build -o "$tmp/specter" ./cmd/specter)

# gitleaks v8.30.1 replaces a --report-path of /dev/null with a regular
# file (seen on this machine), so its report goes to a scratch file.
peer=("$gitleaks" dir --no-banner --log-level error --report-format json --report-path "$tmp/gitleaks.json" "$in")
ours=("$tmp/specter" secrets -f json -o /dev/null "$in")

if command -v hyperfine >/dev/null; then
  # gitleaks and specter exit 1 when they find secrets; time them anyway.
  hyperfine --warmup 1 --runs "$runs" -i "${peer[*]}" "${ours[*]}"
else
  for cmd in "${peer[*]}" "${ours[*]}"; do
    for _ in $(seq "$runs"); do
      /usr/bin/time -f "%e s %M KB  $cmd" $cmd >/dev/null 2>"$tmp/err" || true
      tail -1 "$tmp/err"
    done
  done
fi

#!/usr/bin/env bash
# Times `specter lint` against Spectral with its OWASP ruleset on Stripe's
# spec3.json and GitHub's api.github.com.json, with peak memory
# (/usr/bin/time -f "%e s %M KB"). Spectral takes minutes per spec, so each
# tool runs once per spec; specter also runs RUNS times (default 5) and the
# median is printed.
#
#   bench/lint.sh [corpora-dir]
#
# Spectral is installed into $SPECTRAL_DIR (default: a temporary folder) with
#   npm i @stoplight/spectral-cli @stoplight/spectral-owasp-ruleset
# and run with a ruleset file `extends: ["@stoplight/spectral-owasp-ruleset"]`.
# SKIP_SPECTRAL=1 times specter alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpora="${1:-$root/../shared/corpora}"
runs="${RUNS:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
specs=("$corpora/stripe/spec3.json" "$corpora/github/api.github.com.json")
echo "$(nproc) cores; $(uname -sr); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

(cd "$root" && go build -o "$tmp/specter" ./cmd/specter)

for spec in "${specs[@]}"; do
  name="$(basename "$spec")"
  times=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e s %M KB (user %U s, sys %S s)" "$tmp/specter" lint -q -f json -o "$tmp/specter-$name.json" --fail-on none "$spec" 2>"$tmp/err" || true
    line="$(tail -1 "$tmp/err")"
    times+=("$line")
  done
  median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
  count="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$tmp/specter-$name.json")"
  rules="$(python3 -c 'import json,sys; print(len({f["rule_id"] for f in json.load(open(sys.argv[1]))["findings"]}))' "$tmp/specter-$name.json")"
  echo "specter lint  $name: median of $runs: $median; all: ${times[*]}; $count findings from $rules rules"
done

if [ "${SKIP_SPECTRAL:-}" = 1 ]; then
  exit 0
fi
sdir="${SPECTRAL_DIR:-$tmp/spectral}"
if [ ! -x "$sdir/node_modules/.bin/spectral" ]; then
  mkdir -p "$sdir"
  (cd "$sdir" && npm init -y >/dev/null && npm i --no-audit --no-fund @stoplight/spectral-cli @stoplight/spectral-owasp-ruleset >/dev/null)
fi
echo 'extends: ["@stoplight/spectral-owasp-ruleset"]' > "$sdir/.spectral.yaml"
echo "spectral $("$sdir/node_modules/.bin/spectral" --version), owasp ruleset $(node -p "require('$sdir/node_modules/@stoplight/spectral-owasp-ruleset/package.json').version")"
for spec in "${specs[@]}"; do
  name="$(basename "$spec")"
  /usr/bin/time -f "%e s %M KB (user %U s, sys %S s)" "$sdir/node_modules/.bin/spectral" lint -q -r "$sdir/.spectral.yaml" -f json -o "$tmp/spectral-$name.json" "$spec" >/dev/null 2>"$tmp/err" || true
  if count="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/spectral-$name.json" 2>/dev/null)"; then
    echo "spectral+owasp $name: $(tail -1 "$tmp/err"); $count results"
  else
    # Spectral exits 2 without a report when a rule crashes (on GitHub's
    # spec: the OWASP ruleset's no-numeric-ids JSONPath calls @.match on a
    # non-string `name`).
    echo "spectral+owasp $name: $(tail -1 "$tmp/err"); FAILED: $(grep -m1 'Error #1' "$tmp/err" || head -1 "$tmp/err")"
  fi
done

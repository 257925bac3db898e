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

# Findings compared: every gitleaks finding must have a specter finding on
# the same file and line ("no fewer true findings").
"$tmp/specter" secrets -q -f json -o "$tmp/specter.json" "$in" || true
"${peer[@]}" >/dev/null 2>&1 || true
python3 - "$in" "$tmp/gitleaks.json" "$tmp/specter.json" <<'PY'
import collections, json, os, sys
root, gl_path, sp_path = sys.argv[1:]
gl = json.load(open(gl_path))
sp = json.load(open(sp_path))["findings"]
def rel(p):
    return os.path.relpath(p, root) if os.path.isabs(p) else os.path.relpath(os.path.abspath(p), root)
ours = {(rel(f["location"]["file"]), f["location"]["line"]) for f in sp}
missing = [f for f in gl if (rel(f["File"]), f["StartLine"]) not in ours]
print(f"gitleaks: {len(gl)} findings {dict(collections.Counter(f['RuleID'] for f in gl))}")
print(f"specter:  {len(sp)} findings {dict(collections.Counter(f['rule_id'] for f in sp))}")
print(f"gitleaks findings without a specter finding on the same file and line: {len(missing)}")
for f in missing:
    print(f"  missing: {rel(f['File'])}:{f['StartLine']} {f['RuleID']}")
sys.exit(1 if missing else 0)
PY

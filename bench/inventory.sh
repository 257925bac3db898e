#!/usr/bin/env bash
# Times `specter inventory` against the pipeline a user would otherwise
# write, `awk '{print $6, $7}' access.log | sort | uniq -c`, on a generated
# 1,000,000-line nginx combined log, in one script.
#
#   bench/inventory.sh [lines]
#
# The log mixes documented calls with ids (users, orders, files, reports),
# an undocumented high-cardinality endpoint (/orders/N/refund), an older
# version (/api/v1/...), a deprecated operation, and scanner probes
# answered 404. The spec is testdata/traffic/shop.openapi.yaml.
# Uses hyperfine when installed, else /usr/bin/time in a loop (RUNS, default 3).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lines="${1:-1000000}"
runs="${RUNS:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && go build -o "$tmp/specter" ./cmd/specter)
log="$tmp/access.log"
awk -v n="$lines" 'BEGIN {
  srand(42)
  split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
  for (i = 0; i < n; i++) {
    r = rand(); id = int(rand() * 5000000); s = 200; m = "GET"
    if (r < 0.30)      p = "/api/v2/users/" id
    else if (r < 0.45) p = "/api/v2/users/" id "/orders?page=" int(rand()*9)
    else if (r < 0.60) p = "/api/v2/orders/" id
    else if (r < 0.65) { m = "POST"; p = "/api/v2/orders"; s = 201 }
    else if (r < 0.72) { m = "POST"; p = "/api/v2/orders/" id "/refund" }
    else if (r < 0.77) p = "/api/v2/files/invoice-" id ".pdf"
    else if (r < 0.80) p = sprintf("/api/v2/reports/2024-%02d-%02d", int(rand()*12)+1, int(rand()*28)+1)
    else if (r < 0.85) p = "/api/v1/users/" id
    else if (r < 0.88) p = "/api/v2/legacy/search?q=item" id
    else if (r < 0.93) p = "/api/v2/users/me"
    else if (r < 0.96) p = "/api/v2/health"
    else if (r < 0.98) { p = "/wp-login.php"; s = 404 }
    else               { p = "/.env" id % 50; s = 404 }
    sec = int(i * 86400 / n)  # one day, about 12 requests per second
    printf "203.0.113.%d - - [%02d/%s/2024:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64) shop-bench/1.0\"\n",
      i % 250 + 1, 1, mon[6], int(sec / 3600), int(sec / 60) % 60, sec % 60, m, p, s, 100 + id % 9000
  }
}' > "$log"
echo "input: $(wc -l < "$log") lines, $(du -h "$log" | cut -f1); $(nproc) cores; $(uname -sr)"

spec="$root/testdata/traffic/shop.openapi.yaml"
pipeline="awk '{print \$6, \$7}' $log | sort | uniq -c > /dev/null"
ours="$tmp/specter inventory --spec $spec --traffic $log -q -f json -o /dev/null --fail-on none"

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "$runs" "$pipeline" "$ours"
else
  best() {
    local cmd="$1" b=""
    for _ in $(seq "$runs"); do
      local s e
      s=$(date +%s.%N); bash -c "$cmd" 2>/dev/null; e=$(date +%s.%N)
      local t; t=$(echo "$e - $s" | bc)
      if [ -z "$b" ] || (( $(echo "$t < $b" | bc) )); then b="$t"; fi
    done
    echo "$b"
  }
  tp=$(best "$pipeline"); ts=$(best "$ours")
  printf 'awk | sort | uniq -c : best of %d %.2f s\n' "$runs" "$tp"
  printf 'specter inventory   : best of %d %.2f s\n' "$runs" "$ts"
  printf 'ratio (pipeline / specter): %.1fx\n' "$(echo "$tp / $ts" | bc -l)"
fi
/usr/bin/time -f "specter inventory peak RSS: %M KB" bash -c "$ours" 2>&1 | tail -1
"$tmp/specter" inventory --spec "$spec" --traffic "$log" -f json -o "$tmp/report.json" --fail-on none 2>&1 | tail -1
python3 -c "
import json,collections
d=json.load(open('$tmp/report.json'))
print('findings:', dict(collections.Counter(f['rule_id'] for f in d['findings'])))
print('shadow/zombie:', sorted(f['operation']['method']+' '+f['operation']['path'] for f in d['findings'] if f['rule_id']!='inventory/orphan-endpoint'))"

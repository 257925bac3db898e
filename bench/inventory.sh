#!/usr/bin/env bash
# Times `specter inventory` against the pipeline a user would otherwise
# write, `awk '{print $6, $7}' access.log | sort | uniq -c`, on a generated
# 1,000,000-line nginx combined log, in one script, and prints the ratio.
#
#   bench/inventory.sh [lines]
#
# The log mixes documented calls with ids (users, orders, files, reports),
# an undocumented high-cardinality endpoint (/orders/N/refund), an older
# version (/api/v1/...), a deprecated operation, and scanner probes
# answered 404. The spec is testdata/traffic/shop.openapi.yaml.
#
# The machine may be shared, so both commands run ROUNDS times (default 7)
# in alternation, after one warm-up each; the script prints every round,
# the median wall time of each command and the median of the per-round
# ratios (pipeline / specter), which is the figure to quote. It then
# prints specter's peak RSS on the log and on the log three times over
# (memory must not grow with the number of lines), and the findings.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lines="${1:-1000000}"
rounds="${ROUNDS:-7}"
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
echo "input: $(wc -l < "$log") lines, $(du -h "$log" | cut -f1); $(nproc) cores; $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"

spec="$root/testdata/traffic/shop.openapi.yaml"
pipeline="awk '{print \$6, \$7}' $log | sort | uniq -c > /dev/null"
ours="$tmp/specter inventory --spec $spec --traffic $log -q -f json -o /dev/null --fail-on none"
echo "pipeline: awk '{print \$6, \$7}' access.log | sort | uniq -c > /dev/null"
echo "specter:  specter inventory --spec testdata/traffic/shop.openapi.yaml --traffic access.log -q -f json -o /dev/null --fail-on none"

# wall CMD prints the wall time of one run in seconds.
wall() {
  local s e
  s=$(date +%s.%N)
  bash -c "$1" 2>/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

wall "$pipeline" > /dev/null
wall "$ours" > /dev/null
: > "$tmp/p"; : > "$tmp/s"; : > "$tmp/r"
for i in $(seq "$rounds"); do
  tp=$(wall "$pipeline"); ts=$(wall "$ours")
  ratio=$(echo "$tp / $ts" | bc -l)
  printf 'round %d: pipeline %.3f s, specter %.3f s, ratio %.2fx\n' "$i" "$tp" "$ts" "$ratio"
  echo "$tp" >> "$tmp/p"; echo "$ts" >> "$tmp/s"; echo "$ratio" >> "$tmp/r"
done
printf 'median of %d rounds: pipeline %s s, specter %s s, ratio (pipeline / specter) %sx (lowest %sx)\n' \
  "$rounds" "$(median < "$tmp/p")" "$(median < "$tmp/s")" "$(median < "$tmp/r")" "$(sort -g "$tmp/r" | head -1 | xargs printf '%.2f')"

/usr/bin/time -f "specter inventory peak RSS: %M KB (user %U s, system %S s)" bash -c "$ours" 2>&1 | tail -1
cat "$log" "$log" "$log" > "$tmp/access3.log"
/usr/bin/time -f "specter inventory peak RSS on the log three times over: %M KB" \
  "$tmp/specter" inventory --spec "$spec" --traffic "$tmp/access3.log" -q -f json -o /dev/null --fail-on none 2>&1 | tail -1
rm -f "$tmp/access3.log"
"$tmp/specter" inventory --spec "$spec" --traffic "$log" -f json -o "$tmp/report.json" --fail-on none 2>&1 | tail -1
python3 -c "
import json,collections
d=json.load(open('$tmp/report.json'))
print('findings:', dict(collections.Counter(f['rule_id'] for f in d['findings'])))
print('shadow/zombie:', sorted(f['operation']['method']+' '+f['operation']['path'] for f in d['findings'] if f['rule_id']!='inventory/orphan-endpoint'))
print('clients:', [(c['name'], c['requests']) for c in d['clients']])"

#!/usr/bin/env bash
# Requests per second of `specter fuzz` with every oracle on, next to wrk,
# against the same trivial local endpoint (bench/hello: GET /hello answers a
# 19-byte JSON document), and the fuzzer's peak memory over 10,000 and
# 100,000 requests (flat memory: the two peaks should be close).
#
#   bench/fuzz.sh            # REQUESTS=100000 WRK_SECONDS=5 CONCURRENCY=8 ROUNDS=5
#
# Needs wrk (apt-get install -y wrk) and GNU time (/usr/bin/time).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requests="${REQUESTS:-100000}"
wrk_seconds="${WRK_SECONDS:-5}"
concurrency="${CONCURRENCY:-8}"
port="${PORT:-18090}"
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/specter" ./cmd/specter && go build -o "$tmp/hello" ./bench/hello)
"$tmp/hello" -write-spec "$tmp/hello.yaml"
"$tmp/hello" -addr "127.0.0.1:$port" &
server_pid=$!
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/hello" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "machine: $(nproc) cores, $(uname -sr), $(go version | cut -d' ' -f3); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Rounds alternate wrk and specter so that both see the same machine
# weather (a shared VM's speed moves by 20-30 % from minute to minute);
# the ratio is taken per round and the median reported.
rounds="${ROUNDS:-5}"

# specter fuzz: random phase only (the phase that scales), unlimited rate,
# every default oracle on, the plan's own count from the report notes.
fuzz() {
  local n="$1"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$tmp/specter" fuzz --spec "$tmp/hello.yaml" \
    --target "http://127.0.0.1:$port" --seed 1 --rate 0 --concurrency "$concurrency" \
    --phases random --random-cases "$n" --max-requests "$n" -q -f json -o "$tmp/report.json" || true
  local line elapsed
  line="$(grep -o '"fuzz: seed [^"]*' "$tmp/report.json" | head -1)"
  sent="$(echo "$line" | sed -E 's/.* ([0-9]+) request\(s\).*/\1/')"
  elapsed="$(echo "$line" | sed -E 's/.* in ([0-9.]+)(m?s);.*/\1 \2/')"
  secs="$(echo "$elapsed" | awk '{ if ($2 == "ms") print $1/1000; else print $1 }')"
  read -r wall rss < "$tmp/time"
  echo "$sent $secs $wall $rss"
}

read -r sent secs wall rss_small < <(fuzz 10000)
echo "specter fuzz, 10,000 requests: ${sent} sent in ${secs}s; peak RSS ${rss_small} KB"
rss_big=0
: > "$tmp/ratios"
for round in $(seq "$rounds"); do
  # wrk: 2 threads, 64 connections.
  wrk_rps="$(wrk -t2 -c64 -d"${wrk_seconds}s" "http://127.0.0.1:$port/hello" | awk '/Requests\/sec/ {print $2}')"
  read -r sent secs wall rss < <(fuzz "$requests")
  [ "$rss" -gt "$rss_big" ] && rss_big="$rss"
  fuzz_rps="$(awk -v n="$sent" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')"
  ratio="$(awk -v f="$fuzz_rps" -v w="$wrk_rps" 'BEGIN { printf "%.3f", f / w }')"
  echo "$ratio" >> "$tmp/ratios"
  echo "round $round: wrk -t2 -c64 -d${wrk_seconds}s ${wrk_rps} req/s; specter fuzz --rate 0 --concurrency $concurrency, ${sent} requests in ${secs}s (${wall}s wall) = ${fuzz_rps} req/s; ratio ${ratio}; peak RSS ${rss} KB"
done
sort -n "$tmp/ratios" | awk '{ r[NR] = $1 } END {
  m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
  printf "ratio fuzz/wrk: median %.2f over %d rounds (min %.2f, max %.2f; goal >= 0.50)\n", m, NR, r[1], r[NR]
}'
awk -v a="$rss_small" -v b="$rss_big" 'BEGIN { printf "memory: peak RSS %d KB at 10,000 requests, %d KB at %s (x%.2f)\n", a, b, "'"$requests"'", b / a }'

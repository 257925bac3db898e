#!/usr/bin/env bash
# The default `specter fuzz` run against the framework-like test servers
# (internal/testserver: Flask/VAmPI, FastAPI/RESTaurant, Spring Boot/crAPI), as
# a new user runs it: the spec, no identity, default rate (100/s) and
# concurrency. For each server: wall time, requests and oracle probes sent,
# time to the first finding, and how many planted flaws were found (a flaw
# is found when a finding of its rule names its operation; "" means any).
#
#   bench/frameworks.sh            # SEED=1 APPS="flask fastapi spring"; KEEP=1 keeps the reports
#
# Needs jq. Each server is started fresh, so earlier runs leave no state.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seed="${SEED:-1}"
apps="${APPS:-flask fastapi spring}"
port="${PORT:-18470}"
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ]; then echo "reports kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/specter" ./cmd/specter && go build -o "$tmp/testserver" ./cmd/specter-testserver)
echo "machine: $(nproc) cores, $(uname -sr), $(go version | cut -d' ' -f3); load average: $(cut -d' ' -f1-3 /proc/loadavg); seed $seed"
printf '%-8s %8s %9s %7s %8s %10s %9s\n' app wall requests probes skipped first-find planted
for app in $apps; do
  "$tmp/testserver" -app "$app" -flaws > "$tmp/$app.flaws"
  "$tmp/testserver" -app "$app" -addr "127.0.0.1:$port" -write-spec "$tmp/$app.spec" 2>/dev/null &
  server_pid=$!
  for _ in $(seq 50); do
    curl -sS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
    sleep 0.1
  done
  start=$(date +%s.%N)
  "$tmp/specter" fuzz --spec "$tmp/$app.spec" --target "http://127.0.0.1:$port" --seed "$seed" \
    --fail-on none -f json -o "$tmp/$app.json" 2> "$tmp/$app.err" || true
  end=$(date +%s.%N)
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  jq -r '.findings[] | [.rule_id, (.operation.method // "") + " " + (.operation.path // "")] | @tsv' "$tmp/$app.json" > "$tmp/$app.found"
  # awk, not read: read collapses the empty operation field of API-wide flaws.
  counts=$(awk -F'\t' 'NR==FNR { found[$1 "\t" $2] = 1; anyop[$1] = 1; next }
    { total++; if (($2 == "" && ($1 in anyop)) || (($1 "\t" $2) in found)) hit++; else missed = missed " " $3 }
    END { printf "%d/%d", hit, total; if (missed != "") printf "\t(missed:%s)", missed }' "$tmp/$app.found" "$tmp/$app.flaws")
  line=$(grep -o 'fuzz: seed [0-9]*, target [^,]*, [0-9]* request(s) (+[0-9]* oracle probes, [0-9]* skipped)' "$tmp/$app.err" | head -1)
  req=$(sed -E 's/.* ([0-9]+) request\(s\).*/\1/' <<<"$line")
  probes=$(sed -E 's/.*\(\+([0-9]+) oracle.*/\1/' <<<"$line")
  skipped=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")
  first=$(grep -o 'first finding after [^;,)]*' "$tmp/$app.err" | head -1 | sed 's/first finding after //')
  printf '%-8s %7.1fs %9s %7s %8s %10s %9s\n' "$app" "$(echo "$end - $start" | bc)" "$req" "$probes" "$skipped" "${first:--}" "${counts%%$'\t'*}"
  case "$counts" in *$'\t'*) echo "         ${counts#*$'\t'}" ;; esac
done

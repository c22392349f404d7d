#!/usr/bin/env bash
# Deploy of the hello app (no dependencies): upload start -> first 200 from the app.
# skep's haibu route vs haibu 0.10.3, interleaved (haibu, skep, haibu, skep ...), each round a new app name.
# Usage: bench/deploy/run.sh [ROUNDS=10]          Goal: skep's median <= haibu's.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
rounds=${1:-10}
bench_init deploy $((300 + rounds * 60))

haibu_start
skep_start
hello_copy "$BENCH_TMP/skep-app"
haibu_app "$BENCH_TMP/haibu-app"

# One untimed deploy each first: the first request of a fresh JVM / node process is not what we measure.
node "$PROBE" deploy "$HAIBU_URL/deploy/alice/warmup" "$BENCH_TMP/haibu-app" >/dev/null
node "$PROBE" deploy "$SKEP_API/deploy/alice/warmup" "$BENCH_TMP/skep-app" "admin:$SKEP_TOKEN" >/dev/null

out="$BENCH_TMP/rounds.txt"
log "deploy: $rounds interleaved rounds"
printf '%-6s %-6s %9s %6s %8s %10s\n' round target ms port pid upload_ms
skep_cpu0=$(cpu_ms "$SKEP_PID"); haibu_cpu0=$(cpu_ms "$HAIBU_PID")
for r in $(seq "$rounds"); do
  read -r ms port pid up < <(timeout 130 node "$PROBE" deploy "$HAIBU_URL/deploy/alice/h$r" "$BENCH_TMP/haibu-app")
  echo "$r haibu $ms" >>"$out"; printf '%-6s %-6s %9s %6s %8s %10s\n' "$r" haibu "$ms" "$port" "$pid" "$up"
  read -r ms port pid up < <(timeout 130 node "$PROBE" deploy "$SKEP_API/deploy/alice/h$r" "$BENCH_TMP/skep-app" "admin:$SKEP_TOKEN")
  echo "$r skep $ms" >>"$out"; printf '%-6s %-6s %9s %6s %8s %10s\n' "$r" skep "$ms" "$port" "$pid" "$up"
done
skep_cpu=$(( $(cpu_ms "$SKEP_PID") - skep_cpu0 )); haibu_cpu=$(( $(cpu_ms "$HAIBU_PID") - haibu_cpu0 ))
echo
echo "deploy of hello (upload start -> first 200 from the app), $rounds rounds:"
bench_summary "$out" haibu ms
echo "CPU of the platform's own process over the rounds, per deploy (the apps' processes apart): skep's JVM" \
  "$((skep_cpu / rounds)) ms, haibu's node $((haibu_cpu / rounds)) ms"
echo
echo "skep's steps (median ms between the log lines of each deploy):"
node "$PROBE" phases "$SKEP_LOG" alice $(seq -f 'h%g' "$rounds")

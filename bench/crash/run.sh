#!/usr/bin/env bash
# Crash recovery: SIGKILL an app process, time until its port answers 200 from a NEW pid (a fresh
# connection every 5 ms). Interleaved per round: bare node respawned by a shell loop (the floor),
# forever-monitor 3, pm2 7 (fork mode), skep. Each supervisor runs APPS hello apps and round r kills
# app r mod APPS, so by default (APPS = KILLS) every kill hits a process that has been up since start:
# the "one crash" path, not a crash loop. APPS=1 measures repeated crashes of one app (back-off shows).
# Usage: [APPS=N] [GAP_MS=300] [SKIP_SKEP=1] bench/crash/run.sh [KILLS=20]
# Goal: skep's median within 10 % of the bare spawn.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
kills=${1:-20}
apps=${APPS:-$kills}
gap=${GAP_MS:-300}
bench_init crash $((400 + kills * 30))

targets=()
# 1. bare: a shell loop per app.
hello_copy "$BENCH_TMP/bare"
mapfile -t ports < <(free_ports "$apps")
for p in "${ports[@]}"; do
  (set +e; cd "$BENCH_TMP/bare" && while :; do PORT=$p node server.js >/dev/null 2>&1; done) 2>/dev/null &
  bench_on_exit "kill $!"
done
targets+=("bare=$(IFS=,; echo "${ports[*]}")")

# 2. forever-monitor 3: one node process monitoring every app.
fm=$(npm_tool forever-monitor forever-monitor@3)
hello_copy "$BENCH_TMP/forever"
mapfile -t ports < <(free_ports "$apps")
node "$here/forever.js" "$fm" "$BENCH_TMP/forever" "${ports[@]}" >"$BENCH_TMP/forever.log" 2>&1 &
bench_on_exit "bench_stop_pid $! 5"
targets+=("forever=$(IFS=,; echo "${ports[*]}")")

# 3. pm2 7, fork mode, private PM2_HOME.
pm2_start
hello_copy "$BENCH_TMP/pm2"
mapfile -t ports < <(free_ports "$apps")
specs=(); i=0
for p in "${ports[@]}"; do i=$((i + 1)); specs+=("c$i:$p:$BENCH_TMP/pm2"); done
pm2_ecosystem "$BENCH_TMP/pm2/ecosystem.json" "${specs[@]}"
"$PM2" start "$BENCH_TMP/pm2/ecosystem.json" >/dev/null
targets+=("pm2=$(IFS=,; echo "${ports[*]}")")

# 4. skep: APPS deploys through the haibu route.
if [ "${SKIP_SKEP:-0}" != 1 ]; then
  skep_start
  hello_copy "$BENCH_TMP/skep-app"
  ports=()
  for i in $(seq "$apps"); do
    json=$(skep_deploy alice "c$i" "$BENCH_TMP/skep-app")
    p=$(echo "$json" | jget j.drone.port) ||
      { echo "$json" >&2; tail -30 "$SKEP_LOG" >&2; die "skep deploy c$i"; }
    ports+=("$p")
  done
  targets+=("skep=$(IFS=,; echo "${ports[*]}")")
fi

for t in "${targets[@]}"; do
  for p in $(echo "${t#*=}" | tr , ' '); do wait_http "http://127.0.0.1:$p/" 60 || die "${t%%=*} port $p not up"; done
done
sleep 2 # let every supervisor settle (pm2 and forever count uptime from their own start)

out="$BENCH_TMP/kills.txt"
log "crash: $kills interleaved kills each over $apps apps per supervisor, ${gap} ms between kills"
timeout $((kills * 300)) node "$PROBE" crash "$kills" "$gap" "${targets[@]}" | tee "$out"
echo
echo "crash recovery (SIGKILL -> 200 from a new pid), $kills kills each, $apps apps per supervisor:"
bench_summary "$out" bare ms
if [ "${SKIP_SKEP:-0}" != 1 ]; then
  echo
  echo "skep instances after the kills:"
  skep_get /v1/apps/alice/c1; echo
  grep -iE 'warn|error|crash|backoff' "$SKEP_LOG" | tail -10 || true
fi

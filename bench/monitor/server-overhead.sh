#!/usr/bin/env bash
# CPU of a whole `skep server` (its JVM only: API, router, agent, scheduler, monitor, embedded ZooKeeper) while
# it watches APPS x PER idle hello instances at the default sampling interval (5 s).
#   start bin/skep server on a temp data dir (free loopback ports, a free app port range)
#   deploy the hello fixture as APPS apps, scale each to PER instances, wait until all are ready
#   settle SETTLE s, then read the JVM's utime+stime from /proc/PID/stat over WINDOW s
# Prints % of one core. Goal: < 2 % with 100 idle instances.
# Usage: bench/monitor/server-overhead.sh [APPS=10] [PER=10] [WINDOW=120] [SETTLE=30]
#   JFR=1 also records a JFR file over the window (kept in the temp dir; implies BENCH_KEEP=1)
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
apps=${1:-10}
per=${2:-10}
window=${3:-120}
settle=${4:-30}
bench_init server-overhead $((window + settle + 900))
[ "${JFR:-0}" = 1 ] && export BENCH_KEEP=1

skep_start
app_dir="$BENCH_TMP/hello"
hello_copy "$app_dir"

log "deploying $apps apps x $per instances"
for i in $(seq "$apps"); do
  json=$(skep_deploy bench "o$i" "$app_dir")
  echo "$json" | jget j.drone.port >/dev/null || { echo "$json" >&2; tail -30 "$SKEP_LOG" >&2; die "deploy o$i"; }
  code=$(curl -sS -o /dev/null -w '%{http_code}' -XPATCH -H "Authorization: Bearer $SKEP_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"instances\": $per}" "$SKEP_API/v1/apps/bench/o$i")
  [ "$code" = 200 ] || die "scale o$i to $per: HTTP $code"
done

ready_count() {
  skep_get /v1/apps | jget 'j.flatMap(a => a.instances || []).filter(i => i.state === "ready").length'
}
want=$((apps * per))
for _ in $(seq 600); do
  n=$(ready_count 2>/dev/null || echo 0)
  [ "$n" -ge "$want" ] && break
  kill -0 "$SKEP_PID" 2>/dev/null || { tail -30 "$SKEP_LOG" >&2; die "skep server exited"; }
  sleep 1
done
[ "$n" -ge "$want" ] || die "only $n of $want instances ready after 600 s"
log "$n instances ready; settling ${settle}s"
sleep "$settle"

threads=$(ls "/proc/$SKEP_PID/task" | wc -l)
if [ "${JFR:-0}" = 1 ]; then
  "$(skep_java_home)/bin/jcmd" "$SKEP_PID" JFR.start duration="${window}s" filename="$BENCH_TMP/overhead.jfr" \
    settings=profile >/dev/null
fi
t0=$(now_ms)
c0=$(cpu_ms "$SKEP_PID")
sleep "$window"
c1=$(cpu_ms "$SKEP_PID")
t1=$(now_ms)
n=$(ready_count)
rss=$(rss_kb "$SKEP_PID")

awk -v c=$((c1 - c0)) -v ms=$((t1 - t0)) -v n="$n" -v th="$threads" -v rss="$rss" \
    -v procs="$(ls -d /proc/[0-9]* | wc -l)" 'BEGIN {
  s = c / 1000; w = ms / 1000
  printf "skep server watching %d ready instances (host has %d processes), %d JVM threads, RSS %.0f MiB\n", n, procs, th, rss / 1024
  printf "JVM CPU in %.1f s window: %.2f s = %.2f %% of one core (goal < 2 %%)\n", w, s, 100 * s / w }'
[ "${JFR:-0}" = 1 ] && { sleep 3; log "JFR recording: $BENCH_TMP/overhead.jfr"; }
exit 0

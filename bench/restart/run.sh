#!/usr/bin/env bash
# A restart of the supervisor itself under traffic: requests lost while skep replaces its own JVM, beside pm2
# replacing its daemon. One paced load (bench/restart/load.js: a GET every 10 ms per target, each on a fresh
# connection; KEEPALIVE=1 for one keep-alive agent per target) runs throughout against both:
#   skep: `skep server --keep-apps` with the hello app, loaded through its router with the app's Host; a round is
#         SIGTERM the JVM, wait for its exit, start it again (same data dir, ports, flags), until the app answers
#         through the router again, then 2 s more of load. The app must be re-adopted (the same pid).
#   pm2:  7, fork mode, the same hello on a fixed port; a round is `pm2 update` (pm2's way to replace its daemon:
#         save, kill the daemon and its apps, start a new one, resurrect), until the port answers, then 2 s more.
#         PM2_RESTART=kill: `pm2 save; pm2 kill; pm2 resurrect` instead (also used, and said, if update fails).
# Rounds interleaved (skep, pm2, skep ...). Per round: failed requests by kind and the outage window.
# Usage: [KEEPALIVE=1] [PM2_RESTART=update|kill] [SKEP_FLAGS='--max-connections-per-ip 100000'] bench/restart/run.sh [ROUNDS=5]
# (SKEP_FLAGS: more flags for `skep server`. Every request the router holds keeps a connection open, all from
# 127.0.0.1 here: past 256 held (2.56 s at this pace) the default per-IP cap closes new ones on accept, as resets.)
# Goal: skep fails only requests whose connection was refused (no skep JVM): no non-2xx, no reset, the app re-adopted.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
rounds=${1:-5}
pm2_restart=${PM2_RESTART:-update}
bench_init restart $((150 + rounds * 60))
LOAD="$here/load.js"
HOST=hello.alice.localhost
requests="$BENCH_TMP/requests.txt"
marks="$BENCH_TMP/marks.txt"
: >"$marks"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# --keep-apps leaves the app running when skep stops: at exit (after skep's JVM, registered below) its pids go too.
skep_app_pids=()
stop_skep_apps() {
  local p
  for p in $(printf '%s\n' "${skep_app_pids[@]}" | sort -u); do
    # a pid of this run's app still (not one reused since): its working dir lies in the run's temp dir
    case "$(readlink "/proc/$p/cwd" 2>/dev/null)" in "$BENCH_TMP"/*) log "stopping skep's app pid $p"; bench_stop_pid "$p" 5 ;; esac
  done
}
bench_on_exit stop_skep_apps

# ---- skep ----
skep_start --keep-apps ${SKEP_FLAGS:-}
hello_copy "$BENCH_TMP/skep-app"
json=$(skep_deploy alice hello "$BENCH_TMP/skep-app")
echo "$json" | jget j.drone.port >/dev/null || { echo "$json" >&2; tail -30 "$SKEP_LOG" >&2; die "skep deploy"; }
# the app's instances as PID/STATE,...
skep_instances() { skep_get /v1/apps/alice/hello | jget 'j.instances.map(i => i.pid + "/" + i.state).join(",")'; }
pids_of() { echo "$1" | tr ',' '\n' | cut -d/ -f1; }
node "$LOAD" serving "$SKEP_ROUTER_PORT" "$HOST" 60 >/dev/null || die "skep: hello not served through the router"

# ---- pm2 ----
pm2_start
hello_copy "$BENCH_TMP/pm2-app"
pm2_port=$(free_ports 1)
pm2_ecosystem "$BENCH_TMP/pm2-app/ecosystem.json" "hello:$pm2_port:$BENCH_TMP/pm2-app"
"$PM2" start "$BENCH_TMP/pm2-app/ecosystem.json" >/dev/null
node "$LOAD" serving "$pm2_port" "" 60 >/dev/null || die "pm2: hello not serving"

skep_round() { # ROUND
  local t0 t1 t2 t3 rc=0 before after i
  before=$(skep_instances)
  skep_app_pids+=($(pids_of "$before"))
  t0=$(now_ms)
  kill -TERM "$SKEP_PID"
  wait "$SKEP_PID" || rc=$?
  t1=$(now_ms)
  skep_launch
  t2=$(now_ms)
  node "$LOAD" serving "$SKEP_ROUTER_PORT" "$HOST" 60 >/dev/null || die "skep round $1: hello not served again within 60 s"
  t3=$(now_ms)
  for i in $(seq 100); do # the API's view: ready again (with the same pid if it was re-adopted)
    after=$(skep_instances)
    case "$after" in *[0-9]/ready) break ;; esac
    sleep 0.1
  done
  skep_app_pids+=($(pids_of "$after"))
  sleep 2
  echo "skep $1 $t0 $(now_ms) exit=$rc stop_ms=$((t1 - t0)) up_ms=$((t2 - t1)) serving_ms=$((t3 - t0)) pid=$before>$after" >>"$marks"
  [ "$before" = "$after" ] || log "skep round $1: the app's instances changed: $before -> $after (restarted, not re-adopted)"
}

pm2_replace() { # -> the restart's exit status; falls back to kill + resurrect for good if update fails
  if [ "$pm2_restart" = update ]; then
    timeout 60 "$PM2" update >>"$BENCH_TMP/pm2-restart.log" 2>&1 && node "$LOAD" serving "$pm2_port" "" 30 >/dev/null && return 0
    log "pm2 update failed (see below): kill + resurrect from now on"; tail -5 "$BENCH_TMP/pm2-restart.log" >&2
    pm2_restart=kill
  fi
  timeout 30 "$PM2" save >>"$BENCH_TMP/pm2-restart.log" 2>&1 &&
    timeout 30 "$PM2" kill >>"$BENCH_TMP/pm2-restart.log" 2>&1 &&
    timeout 30 "$PM2" resurrect >>"$BENCH_TMP/pm2-restart.log" 2>&1
}

pm2_round() { # ROUND
  local t0 t1 t3 before after mode=$pm2_restart
  before=$("$PM2" pid hello)
  t0=$(now_ms)
  pm2_replace || die "pm2 round $1: $pm2_restart failed"
  t1=$(now_ms)
  node "$LOAD" serving "$pm2_port" "" 60 >/dev/null || die "pm2 round $1: hello not serving again within 60 s"
  t3=$(now_ms)
  after=$("$PM2" pid hello)
  sleep 2
  [ "$mode" = "$pm2_restart" ] || mode="$mode->$pm2_restart"
  echo "pm2 $1 $t0 $(now_ms) how=$mode restart_ms=$((t1 - t0)) serving_ms=$((t3 - t0)) pid=$before>$after" >>"$marks"
}

# One untimed round each first, before the load: the first exit of a newly built skep.jar writes its class-data
# archive (bin/skep), seconds on a busy machine, which a restart of an installed skep does not pay.
skep_round warm-up
pm2_round warm-up
warmup=$(cut -d' ' -f1,5- "$marks" | tr '\n' ';')
log "warm-up rounds (untimed): $warmup"
: >"$marks"

# ---- the load, on both, throughout ----
node "$LOAD" run "$requests" "skep=$SKEP_ROUTER_PORT@$HOST" "pm2=$pm2_port" &
load_pid=$!
bench_on_exit "kill $load_pid"
sleep 2

log "restart: $rounds interleaved rounds, a GET every ${LOAD_INTERVAL_MS:-10} ms per target ($([ "${KEEPALIVE:-0}" = 1 ] && echo keep-alive || echo fresh connections))"
for r in $(seq "$rounds"); do
  skep_round "$r"
  pm2_round "$r"
done
kill -TERM "$load_pid"
wait "$load_pid" || true

echo "restart under load: $rounds rounds, GET / every ${LOAD_INTERVAL_MS:-10} ms per target on" \
  "$([ "${KEEPALIVE:-0}" = 1 ] && echo 'one keep-alive agent' || echo 'a fresh connection each'), load average now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "skep: SIGTERM of 'skep server --keep-apps${SKEP_FLAGS:+ $SKEP_FLAGS}', start again; stop_ms = SIGTERM -> exit, up_ms = start -> API answers,"
echo "      serving_ms = SIGTERM -> 200 through the router. pm2 7: '$([ "$pm2_restart" = update ] && echo 'pm2 update' || echo 'pm2 save + kill + resurrect')';" \
  "restart_ms = the command, serving_ms = start -> 200."
echo "failed = refused + reset + other + non-2xx; outage_ms = first failure's start -> last failure's end; fail_from,"
echo "fail_to = the same two as ms after the round's start (SIGTERM, pm2's command); slowest_ok = the slowest 200 (ms)."
echo "warm-up round each before the load (untimed): $warmup"
rc=0
node "$LOAD" report "$requests" "$marks" skep || rc=$?
echo; echo "skep's warnings and errors during the run:"
grep -E ' (WARN|ERROR) ' "$SKEP_LOG" | grep -v 'ServerCnxnFactory maxCnxns' | cut -c1-300 | tail -20 || echo "(none)"
if [ "$rc" != 0 ]; then
  echo; echo "skep's log (stops, starts, the app's instance):"
  grep -E 'event=server\.|event=router\.listening|instance (adopted|detached|started|ready|stopped)|WARN|ERROR' "$SKEP_LOG" | cut -c1-300 | tail -60
fi
exit "$rc"

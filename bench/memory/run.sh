#!/usr/bin/env bash
# Memory: RSS of `skep server` (the JVM, from /proc) with 1 and with N hello apps deployed, beside pm2 7's
# whole overhead for the same apps: its daemon's RSS plus what its wrapper adds inside each app process
# over a bare `node server.js` hello (measured here as the baseline). Every app has served one request.
# Then what dominates the JVM: GC.heap_info and the Native Memory Tracking summary (NMT=0 turns it off).
# Usage: [NMT=0] [SKEP_JVM_OPTS=...] [SKIP_SKEP=1] bench/memory/run.sh [N=50]          Goal: skep below pm2 at N apps.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
n=${1:-50}
bench_init memory $((600 + n * 10))

median_of() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
sum_of() { awk '{s+=$1} END {print s+0}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }
hit_all() { local p; for p in "$@"; do curl -s -o /dev/null "http://127.0.0.1:$p/"; done; }

# Baseline: bare node hellos, one request each.
hello_copy "$BENCH_TMP/bare"
mapfile -t bports < <(free_ports 5)
bpids=()
for p in "${bports[@]}"; do
  (cd "$BENCH_TMP/bare" && PORT=$p exec node server.js >/dev/null 2>&1) &
  bpids+=($!)
done
for p in "${bports[@]}"; do wait_http "http://127.0.0.1:$p/" 30; done

pm2_start
hello_copy "$BENCH_TMP/pm2"
mapfile -t pports < <(free_ports "$n")

if [ "${SKIP_SKEP:-0}" != 1 ]; then
  [ "${NMT:-1}" = 1 ] && export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -XX:NativeMemoryTracking=summary"
  # SKEP_JVM_OPTS: extra JVM flags for the server under test (e.g. "-Xmn24m"), to try a setting.
  [ -n "${SKEP_JVM_OPTS:-}" ] && export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} $SKEP_JVM_OPTS" && log "JVM extra: $SKEP_JVM_OPTS"
  skep_start
  unset JAVA_TOOL_OPTIONS
  hello_copy "$BENCH_TMP/skep-app"
fi

sports=()
deploy_upto() { # K: skep apps m1..mK and pm2 apps m1..mK, alternating
  local k=$1 i json specs=()
  for i in $(seq $((${#sports[@]} + 1)) "$k"); do
    if [ "${SKIP_SKEP:-0}" != 1 ]; then
      json=$(skep_deploy alice "m$i" "$BENCH_TMP/skep-app")
      p=$(echo "$json" | jget j.drone.port) || { echo "$json" >&2; tail -30 "$SKEP_LOG" >&2; die "skep deploy m$i"; }
      sports+=("$p")
    else
      sports+=(0)
    fi
    specs=("m$i:${pports[$((i - 1))]}:$BENCH_TMP/pm2")
    pm2_ecosystem "$BENCH_TMP/pm2/eco-$i.json" "${specs[@]}"
    "$PM2" start "$BENCH_TMP/pm2/eco-$i.json" >/dev/null
  done
  for i in $(seq 0 $((k - 1))); do
    wait_http "http://127.0.0.1:${pports[$i]}/" 60
    [ "${SKIP_SKEP:-0}" != 1 ] && wait_http "http://127.0.0.1:${sports[$i]}/" 60
  done
  hit_all "${pports[@]:0:k}"
  [ "${SKIP_SKEP:-0}" != 1 ] && hit_all "${sports[@]:0:k}"
  hit_all "${bports[@]}"
  sleep 3
}

report() { # K
  local k=$1 bare jvm jvm_s daemon pm2_apps skep_apps pm2_add pm2_total skep_other s
  bare=$(for p in "${bpids[@]}"; do rss_kb "$p"; done | median_of)
  daemon=$(for s in 1 2 3; do rss_kb "$(pm2_daemon_pid)"; sleep 0.3; done | median_of)
  pm2_apps=$("$PM2" jlist | jget 'j.map(a => a.pid)' | while read -r p; do rss_kb "$p"; done)
  pm2_add=$(echo "$pm2_apps" | awk -v b="$bare" '{s+=$1-b} END {print s+0}')
  pm2_total=$((daemon + ${pm2_add%.*}))
  echo
  echo "== $k app(s) =="
  printf '%-44s %9s MiB\n' "bare node hello (median of ${#bpids[@]})" "$(mib "$bare")"
  printf '%-44s %9s MiB\n' "pm2 daemon" "$(mib "$daemon")"
  printf '%-44s %9s MiB   (median app %s MiB)\n' "pm2 wrapper, added over bare, all $k apps" "$(mib "$pm2_add")" \
    "$(mib "$(echo "$pm2_apps" | median_of)")"
  printf '%-44s %9s MiB\n' "pm2 overhead (daemon + wrapper)" "$(mib "$pm2_total")"
  if [ "${SKIP_SKEP:-0}" != 1 ]; then
    jvm=$(for s in 1 2 3; do rss_kb "$SKEP_PID"; sleep 0.3; done | median_of)
    skep_apps=$(for i in $(seq "$k"); do skep_get "/v1/apps/alice/m$i" | jget 'j.instances.map(x => x.pid)'; done |
      while read -r p; do rss_kb "$p"; done)
    # anything else under the JVM that is not an app (helpers, log pumps)
    skep_other=$(ps -o pid= --ppid "$SKEP_PID" | while read -r p; do
      cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline"); case "$cmd" in *server.js*) ;; *) rss_kb "$p" ;; esac; done | sum_of)
    printf '%-44s %9s MiB\n' "skep server JVM" "$(mib "$jvm")"
    printf '%-44s %9s MiB\n' "skep non-app children" "$(mib "$skep_other")"
    printf '%-44s %9s MiB   (median app %s MiB)\n' "skep apps, added over bare, all $k apps" \
      "$(mib "$(echo "$skep_apps" | awk -v b="$bare" '{s+=$1-b} END {print s+0}')")" "$(mib "$(echo "$skep_apps" | median_of)")"
    printf '%-44s %9s MiB   ratio skep/pm2 %s\n' "skep overhead (JVM + children)" "$(mib $((jvm + skep_other)))" \
      "$(awk -v a=$((jvm + skep_other)) -v b="$pm2_total" 'BEGIN {printf "%.2f", a/b}')"
  fi
}

log "memory: 1 app"
deploy_upto 1
report 1
log "memory: deploying up to $n apps"
deploy_upto "$n"
report "$n"

if [ "${SKIP_SKEP:-0}" != 1 ]; then
  jcmd="$(skep_java_home)/bin/jcmd"
  echo
  echo "== what the JVM holds at $n apps =="
  "$jcmd" "$SKEP_PID" GC.heap_info 2>&1 | sed 1d
  if [ "${NMT:-1}" = 1 ]; then
    "$jcmd" "$SKEP_PID" VM.native_memory summary 2>&1 |
      sed -nE 's/^(Total): reserved=[0-9]+KB, committed=([0-9]+)KB.*/\2 \1/p; s/^-? *([A-Za-z][A-Za-z ]*[A-Za-z]) \(reserved=[0-9]+KB, committed=([0-9]+)KB.*/\2 \1/p' |
      sort -nr | head -12 | awk '{k=$1; $1=""; printf "  NMT %-26s committed (not all resident) %8.1f MiB\n", $0, k/1024}'
  fi
  echo "skep log WARN/ERROR lines: $(grep -cE ' (WARN|ERROR) ' "$SKEP_LOG" || true)"
fi

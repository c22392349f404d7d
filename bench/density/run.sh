#!/usr/bin/env bash
# Density (idle stop): (1) wake latency, a sleeping hello app -> its first 200 through skep's router (the request
# is held while skep starts it), beside a bare `node server.js` spawn -> first 200, interleaved in the same run;
# (2) memory: skep's JVM RSS with N deployed hello apps that all sleep (no node process left), beside the pm2
# anchor for N running apps (~53 MiB per app, pm2 7: daemon + wrapper + node; see bench/memory for a measured pm2).
# Usage: bench/density/run.sh [ROUNDS=20] [N=100]     (N=500: the issue's figure; ~10 min)
# Goals: wake p50 <= bare start + 100 ms; N sleeping apps cost the JVM's RSS only.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
rounds=${1:-20}
n=${2:-100}
bench_init density $((900 + rounds * 20 + n * 6))
WAKE="node $here/wake.js"
PM2_PER_APP_MIB=53

median_of() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }
patch_app() { curl -sS -XPATCH -H "Authorization: Bearer $SKEP_TOKEN" -H 'Content-Type: application/json' \
  -d "$2" "$SKEP_API/v1/apps/$1" >/dev/null; }
app_state() { skep_get "/v1/apps/$1" | jget 'j.state + " " + j.instances.length'; }
# wait_sleeping USER/APP SECONDS: until the API says sleeping and no instance is left
wait_sleeping() {
  local i
  for i in $(seq $(($2 * 20))); do
    [ "$(app_state "$1")" = "sleeping 0" ] && return 0
    sleep 0.05
  done
  die "$1 not asleep after $2 s: $(app_state "$1")"
}

skep_start --probation 0
hello_copy "$BENCH_TMP/app"
mapfile -t bport < <(free_ports 1)

# ---- wake latency ----
skep_deploy alice w "$BENCH_TMP/app" >/dev/null
patch_app alice/w '{"idleStop": 1}'
results="$BENCH_TMP/wake.txt"
: >"$results"
log "wake: $rounds rounds, interleaved with a bare node spawn"
for r in $(seq "$rounds"); do
  wait_sleeping alice/w 30
  read -r ms status < <($WAKE wake "$SKEP_ROUTER_PORT" w.alice.localhost)
  [ "$status" = 200 ] || die "round $r: the wake answered $status"
  echo "$r skep-wake $ms" >>"$results"
  read -r ms status < <($WAKE bare "$BENCH_TMP/app" "${bport[0]}")
  [ "$status" = 200 ] || die "round $r: bare node never answered"
  echo "$r bare-node $ms" >>"$results"
  printf 'round %2d  skep wake %8s ms   bare node %8s ms\n' "$r" \
    "$(awk -v r="$r" '$1==r && $2=="skep-wake" {print $3}' "$results")" "$ms"
done
echo
echo "== wake: sleeping app -> first 200 (ms) =="
bench_summary "$results" bare-node ms
for t in skep-wake bare-node; do
  awk -v t="$t" '$2==t {print $3}' "$results" | sort -n | awk -v t="$t" '{a[NR]=$1} END {
    p50 = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; i = int(NR * 0.99 + 0.999); if (i < 1) i = 1;
    printf "%-10s p50 %7.1f ms  p99 %7.1f ms  (n=%d)\n", t, p50, a[i], NR }'
done
skep_p50=$(awk '$2=="skep-wake" {print $3}' "$results" | median_of)
bare_p50=$(awk '$2=="bare-node" {print $3}' "$results" | median_of)
echo "overhead (skep wake p50 - bare p50): $(awk -v s="$skep_p50" -v b="$bare_p50" 'BEGIN {printf "%.1f", s-b}') ms (goal <= 100)"

# ---- memory of N sleeping apps ----
[ "$n" -gt 0 ] || exit 0
jvm_rss() { for s in 1 2 3; do rss_kb "$SKEP_PID"; sleep 0.3; done | median_of; }
app_children() { ps -o pid=,args= --ppid "$SKEP_PID" | grep -c 'server.js' || true; }
wait_sleeping alice/w 30
before=$(jvm_rss)
log "memory: deploying $n apps, each sleeping 1 s after its deploy"
for i in $(seq "$n"); do
  json=$(skep_deploy alice "d$i" "$BENCH_TMP/app")
  echo "$json" | grep -q '"drone"' || { echo "$json" >&2; die "deploy d$i"; }
  patch_app "alice/d$i" '{"idleStop": 1}'
  [ $((i % 50)) = 0 ] && log "  $i deployed"
done
for i in $(seq "$n"); do wait_sleeping "alice/d$i" 60; done
sleep 3
after=$(jvm_rss)
awake=$(app_children)
echo
echo "== memory: $n deployed apps, all sleeping =="
printf '%-46s %9s MiB\n' "skep JVM RSS, 1 app sleeping" "$(mib "$before")"
printf '%-46s %9s MiB   (%s node processes left)\n' "skep JVM RSS, $((n + 1)) apps sleeping" "$(mib "$after")" "$awake"
printf '%-46s %9s MiB\n' "added per sleeping app" "$(awk -v a="$after" -v b="$before" -v n="$n" 'BEGIN {printf "%.2f", (a-b)/1024/n}')"
printf '%-46s %9s MiB   (anchor: ~%s MiB per running app, not measured here)\n' "pm2 running the same $((n + 1))" \
  "$(( (n + 1) * PM2_PER_APP_MIB ))" "$PM2_PER_APP_MIB"
printf '%-46s %9s\n' "ratio skep/pm2" "$(awk -v a="$after" -v b=$(( (n + 1) * PM2_PER_APP_MIB * 1024 )) 'BEGIN {printf "%.3f", a/b}')"
echo "skep log WARN/ERROR lines: $(grep -cE ' (WARN|ERROR) ' "$SKEP_LOG" || true)"

#!/usr/bin/env bash
# Failover: kill -9 a host (its agent and its app processes) under ~50 GET/s through two routers; prints failed
# requests and the seconds until all of the app's instances serve again; median of N runs.
# Usage: bench/cluster/failover.sh [--netns] [N=5]
#
# The cluster is separate processes: a real 3-node ZooKeeper ensemble (QuorumPeerMain from skep's lib/),
# 1 controller, 3 agents (own data dirs, ids and app port ranges), 2 routers.
# Default: all on loopback. A kill there is a refused connection to the dead host's ports.
# --netns (root): each agent and router is a host of its own, a network namespace with a veth on a bridge in
# the root namespace (10.232.S.0/24, S picked per run); ZooKeeper and the controller stay in the root namespace
# on the bridge's address. The victim host is powered off: its agent and apps killed AND its link taken down,
# so its address stops answering at all (a router waits its connect timeout, 2 s, instead of being refused).
# Before the next round its link comes back and its agent restarts, empty.
. "$(dirname "$0")/../lib.sh"
NETNS=0
if [ "${1:-}" = --netns ]; then NETNS=1; shift; fi
N=${1:-5}
bench_init failover $((300 + N * 60))
skep_build
JAVA="$(skep_java_home)/bin/java"
declare -A ADDR NS_OF
LOCAL=127.0.0.1 # where ZooKeeper and the controller listen
if [ "$NETNS" = 1 ]; then
  [ "$(id -u)" = 0 ] || die "--netns needs root (ip netns, veth pairs)"
  command -v nsenter >/dev/null || die "--netns needs nsenter"
  S=$((100 + RANDOM % 150))
  while ip -o addr show | grep -q " 10\.232\.$S\."; do S=$((100 + (S - 99) % 150)); done # another run's network
  NET="10.232.$S"; TAG="skf$$"; BRIDGE="${TAG}b"
  # everything made here goes at exit, the processes in the namespaces by pid first
  bench_on_exit "ip link del $BRIDGE"
  ip link add "$BRIDGE" type bridge || die "ip link add $BRIDGE type bridge"
  ip addr add "$NET.1/24" dev "$BRIDGE" && ip link set "$BRIDGE" up
  LOCAL="$NET.1"
  n=10
  for h in a1 a2 a3 r1 r2; do
    n=$((n + 1)); ns="$TAG-$h"
    ip netns add "$ns" || die "ip netns add $ns"
    bench_on_exit "kill -KILL \$(ip netns pids $ns) 2>/dev/null; sleep 0.2; ip netns del $ns"
    ip link add "$TAG$h" type veth peer name eth0 netns "$ns"
    ip link set "$TAG$h" master "$BRIDGE" up
    ip -n "$ns" addr add "$NET.$n/24" dev eth0 && ip -n "$ns" link set eth0 up && ip -n "$ns" link set lo up
    ADDR[$h]="$NET.$n"; NS_OF[$h]="$ns"
  done
  log "network namespaces on $BRIDGE ($NET.0/24): agents ${ADDR[a1]} ${ADDR[a2]} ${ADDR[a3]}, routers ${ADDR[r1]} ${ADDR[r2]}"
else
  for h in a1 a2 a3 r1 r2; do ADDR[$h]=127.0.0.1; NS_OF[$h]=""; done
fi

SKEP=("$JAVA" -XX:+UseSerialGC -Xmx256m -jar "$REPO/server/target/skep.jar")
APP=bench/fo
INSTANCES=3

# ---- ZooKeeper ensemble ----
zk_ensemble 128m "$LOCAL"
mapfile -t P < <(free_ports 2)
API=${P[0]}; R1=${P[1]}; R2=$(free_ports 1)
COMMON=(--zk "$ZK" --zk-secret "$SECRET")

# start_role NAME HOST READY-LINE ARGS...: sets ROLE_PID. A HOST with a namespace runs it there through nsenter,
# which enters only the network namespace (cgroups and mounts stay the host's) and execs java: the same pid.
start_role() {
  local name=$1 host=$2 ready=$3 i; shift 3
  if [ -n "$host" ] && [ -n "${NS_OF[$host]}" ]; then
    nsenter --net="/run/netns/${NS_OF[$host]}" "${SKEP[@]}" "$@" >>"$BENCH_TMP/$name.log" 2>&1 &
  else
    "${SKEP[@]}" "$@" >>"$BENCH_TMP/$name.log" 2>&1 &
  fi
  ROLE_PID=$!
  bench_on_exit "bench_stop_pid $ROLE_PID 10"
  for i in $(seq 900); do
    grep -q "$ready" "$BENCH_TMP/$name.log" 2>/dev/null && return 0
    kill -0 "$ROLE_PID" 2>/dev/null || { tail -20 "$BENCH_TMP/$name.log" >&2; die "$name exited"; }
    sleep 0.1
  done
  die "$name not ready after 90 s"
}
start_role controller "" "event=api.started" controller "${COMMON[@]}" --data-dir "$BENCH_TMP/ctl" --api-port "$API" \
  --bind "$LOCAL" --advertise "$LOCAL" --id ctl --router-port "$R1"
declare -A AGENT_PID RANGE
start_agent() { # ID
  start_role "$1" "$1" "event=agent.started" agent "${COMMON[@]}" --data-dir "$BENCH_TMP/$1" --agent-id "$1" \
    --advertise "${ADDR[$1]}" --app-ports "${RANGE[$1]}" --drain-timeout 1
  AGENT_PID[$1]=$ROLE_PID
}
for a in a1 a2 a3; do RANGE[$a]=$(free_range 100); start_agent "$a"; done
start_role router1 r1 "event=router.listening" router "${COMMON[@]}" --bind "${ADDR[r1]}" --port "$R1"
start_role router2 r2 "event=router.listening" router "${COMMON[@]}" --bind "${ADDR[r2]}" --port "$R2"
SKEP_TOKEN=$(tr -d '[:space:]' <"$BENCH_TMP/ctl/admin.token"); SKEP_API="http://$LOCAL:$API"
HOST="fo.bench.localhost"

tar -cz -C "$HELLO" . | curl -sS -o /dev/null -w '%{http_code}' -XPOST -H "Authorization: Bearer $SKEP_TOKEN" \
  -H 'Content-Type: application/gzip' --data-binary @- "$SKEP_API/v1/apps/$APP/releases" | grep -q 201 || die "deploy"
curl -sS -o /dev/null -XPATCH -H "Authorization: Bearer $SKEP_TOKEN" -H 'Content-Type: application/json' \
  -d "{\"instances\": $INSTANCES}" "$SKEP_API/v1/apps/$APP"

# instances as "agent port pid state" lines (the agent told by the port's range)
instances() {
  skep_get "/v1/apps/$APP" | node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      const ranges = JSON.parse(process.argv[1]);
      for (const i of JSON.parse(s).instances || []) {
        const a = Object.keys(ranges).find((k) => { const [lo, hi] = ranges[k].split("-").map(Number); return i.port >= lo && i.port <= hi; });
        console.log(a, i.port, i.pid, i.state);
      } });' "{\"a1\":\"${RANGE[a1]}\",\"a2\":\"${RANGE[a2]}\",\"a3\":\"${RANGE[a3]}\"}"
}
# true when INSTANCES ready instances, none on DEAD, each answering 200 itself
all_serving() { # DEAD
  local n=0 a port pid st
  while read -r a port pid st; do
    [ "$st" = ready ] && [ "$a" != "$1" ] || continue
    [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://${ADDR[$a]}:$port/")" = 200 ] && n=$((n + 1))
  done < <(instances)
  [ "$n" -ge "$INSTANCES" ]
}
for i in $(seq 600); do all_serving none && break; sleep 0.1; done
all_serving none || die "the app never had $INSTANCES ready instances"
log "app $APP: $INSTANCES instances ready; waiting 12 s so the controller is settled"
sleep 12

LOAD_JS='
const http = require("http"); const [, host, r1, r2, out, a1, a2] = process.argv;
let ok = 0, failed = 0, n = 0, stop = false; const agent = new http.Agent({ keepAlive: true });
process.on("SIGTERM", () => { stop = true; });
const tick = setInterval(() => {
  if (stop) { clearInterval(tick); setTimeout(() => { require("fs").writeFileSync(out, ok + " " + failed + "\n"); process.exit(0); }, 1500); return; }
  const [address, port] = n++ % 2 ? [a2, r2] : [a1, r1];
  const req = http.get({ host: address, port, path: "/", headers: { host }, agent, timeout: 5000 }, (res) => {
    res.resume(); res.on("end", () => { if (res.statusCode === 200) ok++; else failed++; }); });
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", () => failed++);
}, 20);'

declare -a SECS FAILS
for round in $(seq "$N"); do
  victim=$(instances | awk '$4 == "ready" {print $1}' | sort | uniq -c | sort -rn | awk 'NR == 1 {print $2}')
  pids=$(instances | awk -v a="$victim" '$1 == a {print $3}' | tr '\n' ' ')
  node -e "$LOAD_JS" "$HOST" "$R1" "$R2" "$BENCH_TMP/load.$round" "${ADDR[r1]}" "${ADDR[r2]}" &
  loader=$!
  sleep 3
  t0=$(now_ms)
  kill -KILL "${AGENT_PID[$victim]}" $pids 2>/dev/null || true
  if [ "$NETNS" = 1 ]; then ip link set "$TAG$victim" down; fi # powered off: its address no longer answers
  until all_serving "$victim"; do
    [ $(($(now_ms) - t0)) -gt 60000 ] && { log "round $round: not recovered in 60 s"; break; }
    sleep 0.05
  done
  secs=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN {printf "%.2f", ms / 1000}')
  sleep 2
  kill -TERM "$loader" 2>/dev/null || true; wait "$loader" 2>/dev/null || true
  read -r ok failed <"$BENCH_TMP/load.$round"
  SECS+=("$secs"); FAILS+=("$failed")
  echo "round $round: killed $victim (agent + app pids $pids) -> all $INSTANCES serving again after ${secs} s; requests ok $ok, failed $failed"
  wait "${AGENT_PID[$victim]}" 2>/dev/null || true
  if [ "$NETNS" = 1 ]; then ip link set "$TAG$victim" up; fi
  start_agent "$victim" # the host comes back empty (its instances moved), for the next round
  sleep 12
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
if [ "$NETNS" = 1 ]; then
  echo "cluster: agents and routers each in a network namespace (veth on a bridge, $NET.0/24), the victim's link down with the kill; 3-node ZooKeeper ensemble and 1 controller in the root namespace, 3 agents, 2 routers"
else
  echo "cluster: separate processes on loopback (no network namespaces), 3-node ZooKeeper ensemble, 1 controller, 3 agents, 2 routers"
fi
echo "failover median of $N: $(median "${SECS[@]}") s until all $INSTANCES instances serve again (each: ${SECS[*]}); failed requests median $(median "${FAILS[@]}") (each: ${FAILS[*]}); goal < 5 s and 0"

#!/usr/bin/env bash
# Controller takeover and orphan stop (issue 15 §3), median of N rounds each:
#  - kill -9 the leader controller: seconds until the other one logs event=leader.gained (goal < 5 s);
#  - kill -9 an agent's JVM only (its apps live on, unrouted): seconds until its app processes are gone, with
#    `--orphan-stop 5` (the bound; SIGTERM due at most 5 + 3 s after the agent's last lease renewal).
# Usage: bench/cluster/ha.sh [N=5]
#
# Separate processes on loopback: a real 3-node ZooKeeper ensemble (QuorumPeerMain from skep's lib/, tickTime 500),
# 2 controllers, 2 agents, 1 router, the hello app at 2 instances.
. "$(dirname "$0")/../lib.sh"
N=${1:-5}
BOUND=5
bench_init ha $((300 + N * 90))
skep_build
JAVA="$(skep_java_home)/bin/java"
SKEP=("$JAVA" -XX:+UseSerialGC -Xmx256m -jar "$REPO/server/target/skep.jar")
APP=bench/ha
INSTANCES=2

zk_ensemble 128m
mapfile -t P < <(free_ports 3)
declare -A API PID RANGE
API[c1]=${P[0]}; API[c2]=${P[1]}; ROUTER=${P[2]}
COMMON=(--zk "$ZK" --zk-secret "$SECRET")

start_role() { # NAME READY-LINE ARGS...: sets PID[NAME]; the log is appended to across restarts
  local name=$1 ready=$2 i skip; shift 2
  skip=0; [ -f "$BENCH_TMP/$name.log" ] && skip=$(wc -l <"$BENCH_TMP/$name.log")
  "${SKEP[@]}" "$@" >>"$BENCH_TMP/$name.log" 2>&1 &
  PID[$name]=$!
  bench_on_exit "bench_stop_pid ${PID[$name]} 10"
  for i in $(seq 900); do
    tail -n +"$((skip + 1))" "$BENCH_TMP/$name.log" 2>/dev/null | grep -q "$ready" && return 0
    kill -0 "${PID[$name]}" 2>/dev/null || { tail -20 "$BENCH_TMP/$name.log" >&2; die "$name exited"; }
    sleep 0.1
  done
  die "$name not ready after 90 s"
}
start_controller() { # ID
  start_role "$1" "event=api.started" controller "${COMMON[@]}" --data-dir "$BENCH_TMP/$1" --api-port "${API[$1]}" \
    --advertise 127.0.0.1 --id "$1" --router-port "$ROUTER"
}
start_agent() { # ID
  start_role "$1" "event=agent.started" agent "${COMMON[@]}" --data-dir "$BENCH_TMP/$1" --agent-id "$1" \
    --advertise 127.0.0.1 --app-ports "${RANGE[$1]}" --drain-timeout 1 --orphan-stop "$BOUND"
}
start_controller c1
for i in $(seq 200); do grep -q "event=leader.gained member=c1" "$BENCH_TMP/c1.log" && break; sleep 0.1; done
start_controller c2
for a in a1 a2; do RANGE[$a]=$(free_range 100); start_agent "$a"; done
start_role router "event=router.listening" router "${COMMON[@]}" --bind 127.0.0.1 --port "$ROUTER"
SKEP_TOKEN=$(tr -d '[:space:]' <"$BENCH_TMP/c1/admin.token"); SKEP_API="http://127.0.0.1:${API[c2]}"

tar -cz -C "$HELLO" . | curl -sS -o /dev/null -w '%{http_code}' -XPOST -H "Authorization: Bearer $SKEP_TOKEN" \
  -H 'Content-Type: application/gzip' --data-binary @- "$SKEP_API/v1/apps/$APP/releases" | grep -q 201 || die "deploy"
curl -sS -o /dev/null -XPATCH -H "Authorization: Bearer $SKEP_TOKEN" -H 'Content-Type: application/json' \
  -d "{\"instances\": $INSTANCES}" "$SKEP_API/v1/apps/$APP"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
secs_since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN {printf "%.2f", ms / 1000}'; }
count() { grep -c "$2" "$BENCH_TMP/$1.log" 2>/dev/null || true; }

# ---- controller takeover ----
declare -a TAKE
leader=c1
for round in $(seq "$N"); do
  other=$([ "$leader" = c1 ] && echo c2 || echo c1)
  before=$(count "$other" "event=leader.gained member=$other")
  t0=$(now_ms)
  kill -KILL "${PID[$leader]}"
  until [ "$(count "$other" "event=leader.gained member=$other")" -gt "$before" ]; do
    [ $(($(now_ms) - t0)) -gt 30000 ] && die "round $round: $other did not lead within 30 s"
    sleep 0.02
  done
  TAKE+=("$(secs_since "$t0")")
  echo "takeover round $round: killed leader $leader -> $other leads after ${TAKE[-1]} s"
  wait "${PID[$leader]}" 2>/dev/null || true
  start_controller "$leader" # back as a follower, for the next round
  sleep 4
  leader=$other
done
SKEP_API="http://127.0.0.1:${API[$leader]}"

# ---- orphan stop ----
instances() { # "agent port pid state" lines
  skep_get "/v1/apps/$APP" | node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      const ranges = JSON.parse(process.argv[1]);
      for (const i of JSON.parse(s).instances || []) {
        const a = Object.keys(ranges).find((k) => { const [lo, hi] = ranges[k].split("-").map(Number); return i.port >= lo && i.port <= hi; });
        console.log(a, i.port, i.pid, i.state);
      } });' "{\"a1\":\"${RANGE[a1]}\",\"a2\":\"${RANGE[a2]}\"}"
}
ready_count() { instances | awk '$4 == "ready"' | wc -l; }
for i in $(seq 600); do [ "$(ready_count)" -ge "$INSTANCES" ] && break; sleep 0.1; done
declare -a ORPHAN
for round in $(seq "$N"); do
  victim=$(instances | awk '$4 == "ready" {print $1}' | sort | uniq -c | sort -rn | awk 'NR == 1 {print $2}')
  pids=$(instances | awk -v a="$victim" '$1 == a {print $3}' | tr '\n' ' ')
  t0=$(now_ms)
  kill -KILL "${PID[$victim]}" # the agent only: its apps live on
  for pid in $pids; do
    while kill -0 "$pid" 2>/dev/null && ! grep -q '^[^ ]* [^ ]* [ZX]' "/proc/$pid/stat" 2>/dev/null; do
      [ $(($(now_ms) - t0)) -gt 60000 ] && die "round $round: orphan $pid still runs after 60 s"
      sleep 0.05
    done
  done
  ORPHAN+=("$(secs_since "$t0")")
  echo "orphan round $round: killed agent $victim (apps $pids left running) -> gone after ${ORPHAN[-1]} s (bound $BOUND s)"
  wait "${PID[$victim]}" 2>/dev/null || true
  start_agent "$victim"
  for i in $(seq 600); do [ "$(ready_count)" -ge "$INSTANCES" ] && break; sleep 0.1; done
  sleep 12 # the leader is settled again
done

echo "cluster: separate processes on loopback, 3-node ZooKeeper ensemble (tickTime 500), 2 controllers, 2 agents, 1 router"
echo "controller takeover median of $N: $(median "${TAKE[@]}") s (each: ${TAKE[*]}); goal < 5 s"
echo "orphan stop median of $N: $(median "${ORPHAN[@]}") s after the agent's kill, bound $BOUND s (each: ${ORPHAN[*]})"

#!/usr/bin/env bash
# Scale (skep issue 15 §6): a real 3-node ensemble, 1 controller and 1 router, AGENTS simulated agents and APPS apps.
# The agents are ScaleSim.java: one ZooKeeper session each with the cluster secret's digest, writing what a real
# agent writes (its /skep/agents node, a heartbeat every 500 ms, each assigned instance READY), all instances
# served by one HTTP listener in the simulator, so a route through the router is real. Prints: time to place a
# new app (PATCH instances 0 -> 1 through the API until the assignment is seen) and until the router answers 200
# for it (p50/p99 of PROBES), time until the apps of KILL agents that vanish at once are placed elsewhere,
# the controller's RSS and ZooKeeper's write rate (zxid delta from `srvr`).
# Seeding: one app (bench/tpl) is deployed through the API (by ScaleSim, once its agents are up); the APPS others are copies of its spec and release
# written straight into ZooKeeper (see ScaleSim.java), since a build per app would time builds, not scheduling.
# Usage: bench/cluster/scale.sh [AGENTS=1000] [APPS=10000] [PROBES=100] [KILL=100]      Goal: p99 < 1 s.
# SCALE_CONTROLLER_OPTS: JVM options for the controller alone, e.g. a flight recording to profile it with:
#   SCALE_CONTROLLER_OPTS="-XX:StartFlightRecording=settings=profile,filename=/tmp/ctl.jfr" bench/cluster/scale.sh 300 3000
. "$(dirname "$0")/../lib.sh"
AGENTS=${1:-1000}; APPS=${2:-10000}; PROBES=${3:-100}; KILL=${4:-100}
bench_init scale $((600 + APPS / 10))
skep_build
JAVA_HOME_=$(skep_java_home); JAVA="$JAVA_HOME_/bin/java"
SKEP_JVM=("$JAVA" -XX:+UseSerialGC -Xmx512m)
SKEP_JAR=(-jar "$REPO/server/target/skep.jar")
LOCAL=127.0.0.1

zk_ensemble 512m
mapfile -t P < <(free_ports 2)
API=${P[0]}; R1=${P[1]}
COMMON=(--zk "$ZK" --zk-secret "$SECRET")

start_role() { # NAME READY-LINE "JVM-OPTIONS" ARGS...: sets ROLE_PID
  local name=$1 ready=$2 i opts; read -ra opts <<<"$3"; shift 3
  "${SKEP_JVM[@]}" "${opts[@]}" "${SKEP_JAR[@]}" "$@" >>"$BENCH_TMP/$name.log" 2>&1 &
  ROLE_PID=$!
  bench_on_exit "bench_stop_pid $ROLE_PID 10"
  for i in $(seq 900); do
    grep -q "$ready" "$BENCH_TMP/$name.log" 2>/dev/null && return 0
    kill -0 "$ROLE_PID" 2>/dev/null || { tail -20 "$BENCH_TMP/$name.log" >&2; die "$name exited"; }
    sleep 0.1
  done
  die "$name not ready after 90 s"
}
start_role controller "event=api.started" "${SCALE_CONTROLLER_OPTS:-}" controller "${COMMON[@]}" --data-dir "$BENCH_TMP/ctl" --api-port "$API" \
  --bind "$LOCAL" --advertise "$LOCAL" --id ctl --router-port "$R1"
CTL_PID=$ROLE_PID
start_role router1 "event=router.listening" "" router "${COMMON[@]}" --bind "$LOCAL" --port "$R1"
SKEP_TOKEN=$(tr -d '[:space:]' <"$BENCH_TMP/ctl/admin.token"); SKEP_API="http://$LOCAL:$API"

tar -cz -C "$HELLO" . >"$BENCH_TMP/hello.tgz" # ScaleSim deploys it as bench/tpl once its agents are up

lib="$REPO/server/target/lib"
CP=$(ls "$lib"/skep-model-*.jar "$lib"/jackson-*.jar "$lib"/zookeeper-*.jar "$lib"/slf4j-api-*.jar \
  "$lib"/netty-*.jar "$lib"/commons-*.jar 2>/dev/null | grep -v -- -tests.jar | tr '\n' :)
mkdir -p "$BENCH_TMP/sim"
"$JAVA_HOME_/bin/javac" -d "$BENCH_TMP/sim" -cp "$CP" "$(dirname "$0")/ScaleSim.java" || die "javac ScaleSim.java"
log "simulating $AGENTS agents, $APPS apps, $PROBES probes, $KILL killed"
echo "cluster: loopback processes, 3-node ZooKeeper ensemble, 1 controller (-Xmx512m), 1 router, $AGENTS simulated agents (one JVM, one session each)"
"$JAVA" -Xmx1g -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -Dzookeeper.jute.maxbuffer=16777216 -Djdk.httpclient.allowRestrictedHeaders=host \
  -cp "$BENCH_TMP/sim:$CP" ScaleSim "$ZK" "$SECRET" "$SKEP_API" "$SKEP_TOKEN" "$R1" "$CTL_PID" \
  "$AGENTS" "$APPS" "$PROBES" "$KILL" "$BENCH_TMP/hello.tgz"
# false silences: the controller's agent.silent lines for agents the run never stopped (the KILL victims are
# sim0000..sim<KILL-1>) whose beat stopped while their session lived (reason=no-beat; the sessions the simulator
# closes at its end are reason=session-ended); each would have moved that agent's instances away
awk -v kill="$KILL" '/event=agent.silent/ { n++; if (match($0, /agent=sim[0-9]+/) && substr($0, RSTART + 9, RLENGTH - 9) + 0 >= kill && !/reason=session-ended/) f++ }
  END { printf "controller agent.silent lines: %d, of them for agents never stopped whose session lived (false): %d\n", n, f }' "$BENCH_TMP/controller.log"

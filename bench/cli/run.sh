#!/usr/bin/env bash
# CLI round trip: `skep ps` (bin/skep, against a running server with one app) vs `pm2 jlist` (daemon
# running, one app), with `node -e 0` and a trivial java main as floors. Interleaved: every round runs
# each command once, in turn; wall time from bash's EPOCHREALTIME (no fork for the clock).
# (hyperfine would time each command's runs back to back, not interleaved, so it is not used.)
# ps-own and ps-jdk (PsBench.java) time skep ps's work with the client's own HTTP client and JSON binder and
# with java.net.http + Jackson, which the client would use without them.
# Usage: [SKIP_SKEP=1] bench/cli/run.sh [ROUNDS=20]          Goal: skep ps faster than pm2 jlist.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
rounds=${1:-20}
bench_init cli $((300 + rounds * 20))

java_home=$(skep_java_home) || die "no JDK 21+"
mkdir -p "$BENCH_TMP/java"
cat >"$BENCH_TMP/java/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] args) { System.out.println("hello"); } }
JAVA
"$java_home/bin/javac" -d "$BENCH_TMP/java" "$BENCH_TMP/java/Hello.java"

pm2_start
hello_copy "$BENCH_TMP/pm2"
pm2_ecosystem "$BENCH_TMP/pm2/eco.json" "hello:$(free_ports 1):$BENCH_TMP/pm2"
"$PM2" start "$BENCH_TMP/pm2/eco.json" >/dev/null

names=(node-e-0 java-main pm2-jlist)
cmds=("node -e 0" "'$java_home/bin/java' -cp '$BENCH_TMP/java' Hello" "'$PM2' jlist")
if [ "${SKIP_SKEP:-0}" != 1 ]; then
  skep_start
  hello_copy "$BENCH_TMP/skep-app"
  skep_deploy alice hello "$BENCH_TMP/skep-app" >/dev/null
  names+=(skep-ps)
  cmds+=("'$REPO/bin/skep' ps")
  # skep ps's work without picocli, through the client's own HTTP client and JSON binder (ps-own) and through
  # java.net.http + Jackson (ps-jdk): what the hand-written ones save. Same JVM options as bin/skep, each with an
  # AOT cache (JDK 25+) trained on one run of itself against this server.
  lib="$REPO/server/target/lib"
  cli_jar=$(ls "$lib"/skep-cli-*.jar | grep -v -- -tests.jar)
  jackson=$(ls "$lib"/jackson-databind-*.jar "$lib"/jackson-core-*.jar "$lib"/jackson-annotations-*.jar \
    "$lib"/jackson-datatype-jsr310-*.jar | tr '\n' :)
  mkdir -p "$BENCH_TMP/psbench"
  "$java_home/bin/javac" -d "$BENCH_TMP/psbench" -cp "$cli_jar:$jackson" "$here/PsBench.java"
  "$java_home/bin/jar" cf "$BENCH_TMP/psbench.jar" -C "$BENCH_TMP/psbench" . # an AOT cache takes jars, not directories
  jopts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider"
  jopts+=" -Djdk.reflect.useNativeAccessorOnly=true"
  major=$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  for mode in own jdk; do
    cp="$BENCH_TMP/psbench.jar:$cli_jar"; [ "$mode" = jdk ] && cp+=":${jackson%:}"
    cache=""
    if [ "${major%%.*}" -ge 25 ]; then
      "$java_home/bin/java" $jopts -XX:AOTCacheOutput="$BENCH_TMP/ps-$mode.aot" -cp "$cp" dev.skep.cli.PsBench "$mode" \
        >"$BENCH_TMP/train-$mode.log" 2>&1 || { cat "$BENCH_TMP/train-$mode.log" >&2; die "training ps-$mode"; }
      cache="-XX:AOTCache=$BENCH_TMP/ps-$mode.aot -XX:AOTMode=on -Xlog:aot=off -Xlog:cds=off" # on: fail if unusable
    fi
    names+=(ps-$mode)
    cmds+=("'$java_home/bin/java' $jopts $cache -cp '$cp' dev.skep.cli.PsBench $mode")
  done
fi

# Warm-up, untimed: page cache, and skep's class-data archive that bin/skep makes on first use.
for i in "${!cmds[@]}"; do
  for _ in 1 2 3; do
    eval "${cmds[$i]}" >"$BENCH_TMP/out.$i" 2>&1 || { cat "$BENCH_TMP/out.$i" >&2; die "${names[$i]} failed"; }
  done
done
echo "skep ps / pm2 jlist answer sizes: $(wc -c <"$BENCH_TMP/out.2") bytes (pm2)${cmds[3]:+, $(wc -c <"$BENCH_TMP/out.3") bytes (skep)}"
[ "${SKIP_SKEP:-0}" != 1 ] && { echo "skep ps printed:"; sed 's/^/  /' "$BENCH_TMP/out.3"
  echo "ps-jdk printed:"; sed 's/^/  /' "$BENCH_TMP/out.5"; }

out="$BENCH_TMP/rounds.txt"
log "cli: $rounds interleaved rounds"
for r in $(seq "$rounds"); do
  for i in "${!cmds[@]}"; do
    t0=$(now_us)
    eval "${cmds[$i]}" >/dev/null 2>&1 || die "${names[$i]} failed in round $r"
    t1=$(now_us)
    echo "$r ${names[$i]} $(awk -v d=$((t1 - t0)) 'BEGIN {printf "%.1f", d/1000}')" >>"$out"
  done
done
echo
echo "CLI round trip, $rounds interleaved rounds (wall ms):"
bench_summary "$out" pm2-jlist ms

#!/usr/bin/env bash
# CPU overhead of the monitor's MetricsSampler: 100 idle node processes sampled every 5 s for 60 s.
# Usage: bench/monitor/sampler-overhead.sh [SECONDS] [PROCESSES]    (prints % of one core; goal < 2 %)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
seconds=${1:-60}
count=${2:-100}
. "$repo/bin/find-jdk.sh"
skep_find_jdk

cd "$repo"
./mvnw -q -o -pl monitor -am install -DskipTests >/dev/null
cp=$(./mvnw -q -o -pl monitor dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
cp="$repo/monitor/target/classes:$cp"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for _ in $(seq "$count"); do
  node -e 'setInterval(() => {}, 1 << 30)' &
  pids+=($!)
done
echo "started $count idle node processes; sampling for ${seconds}s" >&2

"$SKEP_JAVA_HOME/bin/java" -cp "$cp" \
  "$here/SamplerOverhead.java" "$seconds" "${pids[@]}"

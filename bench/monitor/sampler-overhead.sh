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
# the reactor with -am, nothing installed into the user's Maven repository; monitor runs last
cp_file=$(mktemp)
./mvnw -q -pl monitor -am compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
cp="$repo/monitor/target/classes:$repo/model/target/classes:$(cat "$cp_file")"
rm -f "$cp_file"

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

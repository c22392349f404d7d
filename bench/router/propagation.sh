#!/usr/bin/env bash
# Route-change propagation: `skep server` with the hello app; N times (default 50) a custom domain is added
# through the API and the router is polled for it, back to back on a keep-alive connection, until it
# answers 200 instead of 404. Prints each sample (from the API's 201 and from the request's start), then
# median, p90, p99. Goal: p99 < 100 ms.
#
# Usage: bench/router/propagation.sh [N=50]
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
n=${1:-50}
bench_init propagation $((240 + n))

skep_start
router=$SKEP_ROUTER_PORT
skep_deploy bench hello "$HELLO" >/dev/null
for i in $(seq 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: hello.bench.localhost' "http://127.0.0.1:$router/")" = 200 ] && break
  sleep 0.1
done
log "hello serves; $n domain additions, each polled until the router serves it"
node "$here/propagation.js" "$SKEP_API" "$SKEP_TOKEN" "$router" bench/hello "$n"
echo "goal: p99 < 100 ms"

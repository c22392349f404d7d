#!/usr/bin/env bash
# Redeploys under load: `skep server`, an app with 2 instances, 16 keep-alive connections (wrk) through
# skep's router while the app is redeployed N times (each waits until the new release serves and the
# old instances have drained and gone). Prints failed requests (non-2xx + socket errors) per redeploy.
# Two loads, each its own run: GET / on the hello fixture (as pm2 reload's anchor was measured; a
# router may retry those on another instance), and POST ?ms=20 on the slow-answer fixture (never
# replayed: only a real drain keeps them whole).
# Anchor: pm2 reload loses ~22 requests per reload (measured on this kind of machine). Goal: 0.
#
# Usage: bench/router/redeploy.sh [REDEPLOYS=10]
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
redeploys=${1:-10}
bench_init redeploy $((300 + redeploys * 60))
command -v wrk >/dev/null || die "wrk is needed (Debian: apt-get install wrk)"

skep_start
router=$SKEP_ROUTER_PORT

# settled APP RELEASE: 2 instances, all of RELEASE, all ready (the old ones drained and gone).
settled() {
  local i
  for i in $(seq 600); do
    if [ "$(skep_get "/v1/apps/bench/$1" | jget "j.instances.filter(i => i.release == $2 && i.state == 'ready').length + ':' + j.instances.length")" = "2:2" ]; then
      return 0
    fi
    sleep 0.1
  done
  die "bench/$1 did not settle on release $2 with 2 ready instances"
}

deploy() { # APP FIXTURE -> release number
  tar -cz -C "$REPO/fixtures/apps/$2" . | curl -sS -XPOST --data-binary @- -H 'Content-Type: application/gzip' \
    -H "Authorization: Bearer $SKEP_TOKEN" "$SKEP_API/v1/apps/bench/$1/releases" | jget 'j.release'
}

# run APP FIXTURE PATH [LUA]: prints "label failed requests per_redeploy"
run() {
  local app=$1 fixture=$2 path=$3 lua=${4:-} rel out n2xx sock total ok
  rel=$(deploy "$app" "$fixture")
  curl -sS -XPATCH -H "Authorization: Bearer $SKEP_TOKEN" -H 'Content-Type: application/json' \
    -d '{"instances": 2}' "$SKEP_API/v1/apps/bench/$app" >/dev/null
  settled "$app" "$rel"
  out="$BENCH_TMP/wrk-$app.txt"
  wrk -t2 -c16 -d$((redeploys * 30))s --timeout 10s -H "Host: $app.bench.localhost" ${lua:+-s "$lua"} \
    "http://127.0.0.1:$router$path" >"$out" 2>&1 &
  local wrk_pid=$!
  bench_on_exit "kill $wrk_pid"
  sleep 2
  local t0 t1 times=()
  for i in $(seq "$redeploys"); do
    t0=$(now_ms)
    rel=$(deploy "$app" "$fixture")
    settled "$app" "$rel"
    t1=$(now_ms)
    times+=($((t1 - t0)))
  done
  sleep 2
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  total=$(awk '/requests in/ {print $1}' "$out")
  n2xx=$(awk -F': ' '/Non-2xx/ {print $2}' "$out")
  sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
  n2xx=${n2xx:-0}
  sock=${sock:-0}
  printf '%-26s %10s %8s %8s %12s   redeploy_ms: %s\n' "$app ($fixture $path)" "${total:-?}" "$n2xx" "$sock" \
    "$(awk -v f=$((n2xx + sock)) -v n="$redeploys" 'BEGIN {printf "%.1f", f / n}')" "${times[*]}"
}

cat >"$BENCH_TMP/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"n": 1}'
wrk.headers["Content-Type"] = "application/json"
LUA

log "$redeploys redeploys per load, 16 keep-alive connections"
printf '%-26s %10s %8s %8s %12s\n' "load" "requests" "non-2xx" "sockerr" "failed/redeploy"
run hello hello /
run slow slow-answer "/work?ms=20" "$BENCH_TMP/post.lua"
echo "anchor: pm2 reload ~22 failed requests per reload (ANCHORS.md); goal 0"

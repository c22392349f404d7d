#!/usr/bin/env bash
# Router benchmark: the same node hello backend reached directly and through skep's router, nginx,
# haproxy and node-http-proxy, in interleaved rounds (direct, skep, nginx, nginx+fwd, haproxy,
# node-http-proxy, direct, ...). nginx+fwd is nginx adding the six headers skep's router adds
# (X-Forwarded-*, Forwarded, X-Request-Id): the backend parses those too, so it serves fewer requests.
# The anchors are set up as they were measured (nginx upstream keepalive 64, haproxy http-reuse
# always). Prints req/s, p50, p99 and the proxy's CPU per request (utime+stime of the proxy process and its children from /proc, over requests served) per
# round, then per-target medians and per-round ratios to direct.
#
# Usage: bench/router/run.sh [ROUNDS=3] [SECONDS=10] [CONNECTIONS=64] [BACKENDS=1]
#
# With BACKENDS=2 every proxy balances over two node processes; "direct" is still one of them, so a
# proxy's ratio to direct can pass 1 (the second backend adds a node process, not a core).
#
# skep's router runs from the route module's test classpath (dev.skep.route.bench.BenchRouter, one
# event loop like nginx's one worker and haproxy's nbthread 1, access log off like nginx's), with the
# JVM options of `bin/skep server`.
# Everything runs on loopback, under a private temp dir, and is stopped by pid on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
rounds=${1:-3}
secs=${2:-10}
conns=${3:-64}
nbackends=${4:-1}
tmp=$(mktemp -d /tmp/skep-bench-router.XXXXXX)
pids=()

cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

# ---- tools ----
missing=()
for t in nginx haproxy wrk node npm python3; do
  command -v "$t" >/dev/null || missing+=("$t")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} from Debian"
    apt-get install -y nginx haproxy wrk >/dev/null
  else
    log "missing: ${missing[*]}; install them (Debian: apt-get install nginx haproxy wrk nodejs npm)"; exit 1
  fi
fi
. "$repo/bin/find-jdk.sh"
skep_find_jdk
java="$SKEP_JAVA_HOME/bin/java"
skep_server_opts "$(skep_java_major "$SKEP_JAVA_HOME")" # the JVM options `bin/skep server` runs with

freeport() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port: waits until something accepts on it
  local i
  for i in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "nothing listens on port $1 after 20 s"; exit 1
}

cpu_ticks() { # pid: utime+stime of the process and its direct children, in clock ticks
  local total=0 p stat
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    set -- $stat
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

# ---- build skep's router ----
# one reactor run with -am: skep-model comes from this checkout, not from an installed copy (a fresh clone with
# an empty local repository has none); route runs last, so its classpath is what cp.txt holds
log "building the route module"
(cd "$repo" && ./mvnw -q -pl route -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$tmp/cp.txt" >"$tmp/build.log" 2>&1) || { cat "$tmp/build.log"; exit 1; }
cp="$repo/route/target/test-classes:$repo/route/target/classes:$repo/model/target/classes:$(cat "$tmp/cp.txt")"

# ---- node-http-proxy, into the temp dir ----
log "installing http-proxy into $tmp/npm"
mkdir -p "$tmp/npm"
(cd "$tmp/npm" && npm init -y >/dev/null && npm install --no-audit --no-fund http-proxy@1.18 >/dev/null 2>&1) \
  || { log "npm install http-proxy failed"; exit 1; }

# ---- start everything ----
backend_ports=()
for i in $(seq 1 "$nbackends"); do
  port=$(freeport)
  node "$here/hello.js" "$port" >"$tmp/backend-$i.log" 2>&1 & pids+=("$!")
  [ "$i" = 1 ] && backend_pid=$!
  wait_port "$port"
  backend_ports+=("$port")
done
backend_port=${backend_ports[0]}
nginx_servers=$(printf 'server 127.0.0.1:%s; ' "${backend_ports[@]}")
haproxy_servers=$(for i in "${!backend_ports[@]}"; do printf '  server hello%s 127.0.0.1:%s\n' "$i" "${backend_ports[$i]}"; done)

skep_port=$(freeport)
bench_host=hello.bench.test # BenchRouter's route
"$java" "${SKEP_SERVER_OPTS[@]}" -Dskep.access.level=OFF -cp "$cp" \
  dev.skep.route.bench.BenchRouter "$skep_port" 1 "${backend_ports[@]}" >"$tmp/skep.log" 2>&1 & skep_pid=$!
pids+=("$skep_pid")

nginx_port=$(freeport)
nginx_fwd_port=$(freeport)
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  upstream app { $nginx_servers keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
  # like for like: the forwarding headers and request id skep's router adds to every request
  server {
    listen 127.0.0.1:$nginx_fwd_port;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$http_host;
      proxy_set_header X-Forwarded-Port \$server_port;
      proxy_set_header Forwarded "for=\$remote_addr;host=\$http_host;proto=\$scheme";
      proxy_set_header X-Request-Id \$request_id;
    }
  }
}
CONF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/logs/stdout.log" 2>&1 & nginx_pid=$!
pids+=("$nginx_pid")

haproxy_port=$(freeport)
cat >"$tmp/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 4096
  pidfile $tmp/haproxy.pid
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend web
  bind 127.0.0.1:$haproxy_port
  default_backend app
backend app
  balance roundrobin
$(printf '%b' "$haproxy_servers")
CONF
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 & haproxy_pid=$!
pids+=("$haproxy_pid")

nhp_port=$(freeport)
NODE_PATH="$tmp/npm/node_modules" node "$here/node-http-proxy.js" "$nhp_port" "${backend_ports[@]}" >"$tmp/nhp.log" 2>&1 &
nhp_pid=$!
pids+=("$nhp_pid")

for p in "$skep_port" "$nginx_port" "$nginx_fwd_port" "$haproxy_port" "$nhp_port"; do wait_port "$p"; done

targets=(direct skep nginx nginx+fwd haproxy node-http-proxy)
declare -A port_of=([direct]=$backend_port [skep]=$skep_port [nginx]=$nginx_port [nginx+fwd]=$nginx_fwd_port [haproxy]=$haproxy_port
  [node-http-proxy]=$nhp_port)
declare -A pid_of=([direct]=$backend_pid [skep]=$skep_pid [nginx]=$nginx_pid [nginx+fwd]=$nginx_pid [haproxy]=$haproxy_pid
  [node-http-proxy]=$nhp_pid)

to_ms() { # wrk latency like 1.23ms, 850.00us, 1.02s
  python3 -c 'import sys,re; v=sys.argv[1]; m=re.match(r"([\d.]+)(us|ms|s)", v); f={"us":0.001,"ms":1,"s":1000}[m.group(2)]; print(round(float(m.group(1))*f, 3))' "$1"
}

run_wrk() { # target seconds -> appends a result line
  local t=$1 d=$2 out before after reqs rps p50 p99 errs cpu
  before=$(cpu_ticks "${pid_of[$t]}")
  # a name, as browsers send: the router routes by Host and routes no IP literal
  out=$(wrk -t1 -c"$conns" -d"${d}s" --latency -H "Host: $bench_host" "http://127.0.0.1:${port_of[$t]}/")
  after=$(cpu_ticks "${pid_of[$t]}")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  errs=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' <<<"$out")
  cpu=$(python3 -c "print(round(($after-$before)*1e6/$hz/max(1,$reqs), 1))")
  echo "$t $rps $p50 $p99 $reqs $errs $cpu"
}

log "backends: $nbackends (direct = the first one alone)"
log "warming up each target for 15 s (the JVM compiles hot paths in its first seconds)"
for t in "${targets[@]}"; do run_wrk "$t" 15 >/dev/null; done

results="$tmp/results.txt"
printf '%-6s %-16s %10s %9s %9s %9s %7s %12s\n' round target req/s p50_ms p99_ms requests errors cpu_us/req
for r in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    line=$(run_wrk "$t" "$secs")
    echo "$r $line" >>"$results"
    set -- $line
    printf '%-6s %-16s %10s %9s %9s %9s %7s %12s\n' "$r" "$1" "$2" "$3" "$4" "$5" "$6" \
      "$([ "$1" = direct ] && echo "(app) $7" || echo "$7")"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for r, t, rps, p50, p99, reqs, errs, cpu in rows:
    by.setdefault(t, {})[int(r)] = dict(rps=float(rps), p50=float(p50), p99=float(p99), errs=int(errs), cpu=float(cpu))
direct = by["direct"]
print()
print(f"{'target':16} {'req/s med':>10} {'p50 med':>8} {'p99 med':>8} {'ratio to direct':>16} {'added p50':>10} {'cpu us/req':>11} {'errors':>7}")
for t, rounds in by.items():
    med = lambda k: statistics.median(v[k] for v in rounds.values())
    ratios = [rounds[r]["rps"] / direct[r]["rps"] for r in rounds]
    added = [rounds[r]["p50"] - direct[r]["p50"] for r in rounds]
    cpu = "(app)" if t == "direct" else f"{med('cpu'):.1f}"
    print(f"{t:16} {med('rps'):10.0f} {med('p50'):8.2f} {med('p99'):8.2f} "
          f"{statistics.median(ratios):16.2f} {statistics.median(added):+10.2f} {cpu:>11} "
          f"{sum(v['errs'] for v in rounds.values()):7d}")
print("\nratio per round:", {t: [round(by[t][r]['rps'] / direct[r]['rps'], 2) for r in sorted(by[t])] for t in by})
PY

# Sourced by bench/*/run.sh: a private temp dir, a clean-up that stops everything the script started,
# a time bound, anchor installs (npm, cached), skep start/stop/deploy, RSS, and the interleaved summary.
# Timing that needs milliseconds or many fresh connections lives in bench/lib/probe.js.
set -euo pipefail

BENCH_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_LIB/.." && pwd)
PROBE="$BENCH_LIB/lib/probe.js"
BENCH_CACHE=${SKEP_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/skep-bench}
HELLO="$REPO/fixtures/apps/hello"
BENCH_CLEANUPS=()
BENCH_TMP=""
BENCH_WATCHDOG=""

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# bench_init NAME MAX_SECONDS: temp dir, EXIT trap, and a watchdog that ends the script after MAX_SECONDS.
bench_init() {
  BENCH_TMP=$(mktemp -d "/tmp/skep-bench-$1.XXXXXX")
  chmod 711 "$BENCH_TMP" # skep runs each app under its own uid: the data dir inside must be reachable
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'log "time bound reached"; exit 124' TERM
  local max=$2 main=$$
  ( trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$max" & s=$!
    wait "$s" && kill -TERM "$main" 2>/dev/null ) &
  BENCH_WATCHDOG=$!
  command -v node >/dev/null || die "node is needed"
  command -v curl >/dev/null || die "curl is needed"
}

# bench_on_exit CMD...: run CMD at exit (last registered runs first).
bench_on_exit() { BENCH_CLEANUPS+=("$*"); }

bench_cleanup() {
  local rc=$? i
  set +e
  for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${BENCH_CLEANUPS[$i]}" >/dev/null 2>&1; done
  [ -n "$BENCH_TMP" ] && bench_kill_under "$BENCH_TMP"
  # an agent killed on purpose (failover) cannot unmount its apps' disk images: what is mounted under the run goes
  [ -n "$BENCH_TMP" ] && awk -v d="$BENCH_TMP/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m"; done
  [ -n "$BENCH_WATCHDOG" ] && kill "$BENCH_WATCHDOG" 2>/dev/null
  if [ -n "$BENCH_TMP" ]; then
    if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $BENCH_TMP"; else rm -rf "$BENCH_TMP"; fi
  fi
  exit "$rc"
}

# Pids of processes this run started, found by their command line or working dir lying in DIR
# (every app, supervisor and daemon of a run lives in its temp dir). Never this shell.
bench_pids_under() {
  local dir=$1 p cmd cwd
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
    cwd=$(readlink "/proc/$p/cwd" 2>/dev/null) || cwd=""
    case "$cmd" in *"$dir"*) echo "$p"; continue ;; esac
    case "$cwd" in "$dir"|"$dir"/*) echo "$p" ;; esac
  done
}

bench_kill_under() {
  local pids i
  pids=$(bench_pids_under "$1" | tr '\n' ' ')
  [ -z "${pids// /}" ] && return 0
  kill -TERM $pids 2>/dev/null
  for i in $(seq 30); do
    pids=$(for p in $pids; do [ -d "/proc/$p" ] && echo "$p"; done | tr '\n' ' ')
    [ -z "${pids// /}" ] && return 0
    sleep 0.1
  done
  kill -KILL $pids 2>/dev/null
  return 0
}

# bench_stop_pid PID [GRACE_S]: SIGTERM, then SIGKILL after the grace.
bench_stop_pid() {
  local pid=$1 grace=${2:-10} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  return 0
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
now_us() { echo "${EPOCHREALTIME/./}"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# cpu_ms PID: the process's utime+stime so far (after the ")" of /proc/PID/stat), in ms
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
free_ports() { node "$PROBE" ports "$1"; }
free_range() { node "$PROBE" range "$1"; }
wait_http() { node "$PROBE" wait "$1" "${2:-60}"; }

# bench_summary FILE BASELINE [UNIT]: FILE has "round target value" lines.
bench_summary() { node "$PROBE" summary "$@"; }

# A copy of the hello fixture in the run's temp dir (so every app process is findable under it).
hello_copy() { # DEST
  mkdir -p "$1"
  cp "$HELLO/server.js" "$HELLO/package.json" "$1/"
}

# ---------- anchors, installed once into $BENCH_CACHE ----------

# npm_tool NAME SPEC...: installs SPEC into $BENCH_CACHE/NAME (once); prints the prefix.
npm_tool() {
  local name=$1; shift
  local dir="$BENCH_CACHE/$name"
  if [ ! -f "$dir/.installed" ]; then
    log "installing $* into $dir (once)"
    rm -rf "$dir"; mkdir -p "$dir"
    timeout 600 npm install --silent --no-audit --no-fund --prefix "$dir" "$@" >"$dir/install.log" 2>&1 ||
      { cat "$dir/install.log" >&2; die "npm install $*"; }
    touch "$dir/.installed"
  fi
  echo "$dir"
}

pm2_bin() { echo "$(npm_tool pm2 pm2@7)/node_modules/.bin/pm2"; }

# haibu 0.10.3 on node 20, with the two changes it needs there:
# graceful-fs overridden to ^4.2.11, and _listen2.nodeVersion widened to '>=0.5.0'.
haibu_tool() {
  local dir="$BENCH_CACHE/haibu"
  if [ ! -f "$dir/.installed" ]; then
    log "installing haibu@0.10.3 into $dir (once)"
    rm -rf "$dir"; mkdir -p "$dir"
    cat >"$dir/package.json" <<'EOF'
{ "name": "haibu-anchor", "private": true,
  "dependencies": { "haibu": "0.10.3" },
  "overrides": { "graceful-fs": "^4.2.11" } }
EOF
    (cd "$dir" && timeout 600 npm install --no-audit --no-fund >install.log 2>&1) ||
      { cat "$dir/install.log" >&2; die "npm install haibu"; }
    sed -i "s/^module.exports._listen2.nodeVersion = .*/module.exports._listen2.nodeVersion = '>=0.5.0';/" \
      "$dir/node_modules/haibu-carapace/lib/plugins/net.js"
    grep -q "nodeVersion = '>=0.5.0'" "$dir/node_modules/haibu-carapace/lib/plugins/net.js" || die "haibu patch"
    touch "$dir/.installed"
  fi
  echo "$dir"
}

# haibu_start: a private copy of haibu (it keeps apps and packages inside its own tree), on a free port.
# Sets HAIBU_URL, HAIBU_PID.
haibu_start() {
  local src port
  src=$(haibu_tool)
  mkdir -p "$BENCH_TMP/haibu"
  cp -r "$src/node_modules" "$BENCH_TMP/haibu/"
  port=$(free_ports 1)
  (cd "$BENCH_TMP/haibu" && exec node node_modules/haibu/bin/haibu --port "$port" --address 127.0.0.1 \
    >"$BENCH_TMP/haibu.log" 2>&1) &
  HAIBU_PID=$!
  bench_on_exit "bench_stop_pid $HAIBU_PID 5"
  HAIBU_URL="http://127.0.0.1:$port"
  wait_http "$HAIBU_URL/version" 30 || { tail -20 "$BENCH_TMP/haibu.log" >&2; die "haibu did not start"; }
}

# A hello copy that haibu accepts: "user" and "scripts.start" = server.js.
haibu_app() { # DEST
  hello_copy "$1"
  cat >"$1/package.json" <<'EOF'
{ "name": "hello", "user": "alice", "version": "1.0.0", "scripts": { "start": "server.js" } }
EOF
}

# pm2_start: a private PM2_HOME in the temp dir; its daemon is killed at exit. Sets PM2, PM2_HOME.
pm2_start() {
  PM2=$(pm2_bin)
  export PM2_HOME="$BENCH_TMP/pm2home"
  mkdir -p "$PM2_HOME"
  bench_on_exit "PM2_HOME='$PM2_HOME' timeout 20 '$PM2' kill"
  "$PM2" ping >/dev/null
}
pm2_daemon_pid() { cat "$PM2_HOME/pm2.pid"; }

# pm2 ecosystem file for apps NAME:PORT:DIR ... in fork mode.
pm2_ecosystem() { # FILE NAME:PORT:DIR...
  local file=$1; shift
  node -e '
    const apps = process.argv.slice(2).map((s) => { const [name, port, dir] = s.split(":");
      return { name, script: dir + "/server.js", cwd: dir, exec_mode: "fork", autorestart: true,
               env: { PORT: port } }; });
    require("fs").writeFileSync(process.argv[1], JSON.stringify({ apps }, null, 1));' "$file" "$@"
}

# ---------- skep ----------

skep_java_home() { (. "$REPO/bin/find-jdk.sh" && skep_find_jdk && echo "$SKEP_JAVA_HOME"); }

# skep_build: the jar, built (once) before anything is timed.
skep_build() {
  local jar="$REPO/server/target/skep.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$REPO" -name target -prune -o -name node_modules -prune -o \
      \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
    log "building skep.jar"
    (cd "$REPO" && ./mvnw -q -DskipTests package) >&2 || die "skep build (./mvnw -DskipTests package)"
  fi
}

# zk_ensemble HEAP [ADDR=127.0.0.1]: a real 3-node ZooKeeper ensemble, clients served at ADDR (QuorumPeerMain from skep's lib/, tickTime 500,
# `srvr` allowed for write rates, no per-address connection cap), stopped on exit. Needs skep_build first.
# Sets ZK (the connect string) and SECRET (a fresh cluster secret, mode 0600).
zk_ensemble() {
  local heap=$1 addr=${2:-127.0.0.1} java i j d c
  java="$(skep_java_home)/bin/java"
  local -a p
  mapfile -t p < <(free_ports 9)
  ZK=""
  for i in 1 2 3; do
    d="$BENCH_TMP/zk$i"; mkdir -p "$d"; echo "$i" >"$d/myid"
    c=${p[$((i - 1))]}
    {
      echo "tickTime=500"; echo "initLimit=20"; echo "syncLimit=10"; echo "dataDir=$d"; echo "clientPort=$c"
      echo "clientPortAddress=$addr"; echo "admin.enableServer=false"; echo "4lw.commands.whitelist=srvr"
      echo "maxClientCnxns=0"
      for j in 1 2 3; do echo "server.$j=127.0.0.1:${p[$((1 + j * 2))]}:${p[$((2 + j * 2))]}"; done
    } >"$d/zoo.cfg"
    "$java" "-Xmx$heap" -Dzookeeper.log.dir="$d" -cp "$REPO/server/target/lib/*" \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$d/zoo.cfg" >"$d/out.log" 2>&1 &
    bench_on_exit "bench_stop_pid $! 5"
    ZK+="${ZK:+,}$addr:$c"
  done
  log "zookeeper ensemble $ZK"
  SECRET="$BENCH_TMP/zk.secret"
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$SECRET")
}

# skep_start [ARGS...]: `skep server` with a data dir in the temp dir and free ports.
# Sets SKEP_PID (the JVM), SKEP_API, SKEP_ROUTER_PORT, SKEP_TOKEN, SKEP_SERVER, SKEP_DATA, SKEP_LOG, SKEP_CMD.
skep_start() {
  local api router range
  skep_build
  { read -r api; read -r router; } < <(free_ports 2)
  range=$(free_range 300)
  SKEP_DATA="$BENCH_TMP/skep-data"
  SKEP_LOG="$BENCH_TMP/skep.log"
  SKEP_CMD=("$REPO/bin/skep" server --data-dir "$SKEP_DATA" --api-port "$api" --router-port "$router"
    --app-ports "$range" --max-apps-per-user 100000 "$@")
  SKEP_API="http://127.0.0.1:$api"
  SKEP_ROUTER_PORT=$router
  : >"$SKEP_LOG"
  bench_on_exit 'bench_stop_pid "${SKEP_PID:-}" 20' # expanded at exit: the JVM of the last (re)start
  skep_launch
  log "skep server pid $SKEP_PID api $SKEP_API apps $range"
}

# skep_launch: runs SKEP_CMD (again, for a restart: the same data dir, ports and flags, once the last JVM has
# exited), its output appended to SKEP_LOG; sets SKEP_PID and returns when its API answers.
skep_launch() {
  local i
  "${SKEP_CMD[@]}" >>"$SKEP_LOG" 2>&1 &
  SKEP_PID=$!
  for i in $(seq 600); do
    if [ -s "$SKEP_DATA/admin.token" ] &&
       [ "$(curl -s -o /dev/null -w '%{http_code}' "$SKEP_API/v1/apps" -H "Authorization: Bearer $(cat "$SKEP_DATA/admin.token")")" != 000 ]; then
      break
    fi
    kill -0 "$SKEP_PID" 2>/dev/null || { tail -30 "$SKEP_LOG" >&2; die "skep server exited"; }
    sleep 0.1
  done
  [ -s "$SKEP_DATA/admin.token" ] || { tail -30 "$SKEP_LOG" >&2; die "skep server: no admin token after 60 s"; }
  SKEP_TOKEN=$(tr -d '[:space:]' <"$SKEP_DATA/admin.token")
  export SKEP_SERVER="$SKEP_API" SKEP_TOKEN
}

# skep_deploy USER APP DIR: the haibu route; prints the JSON answer.
skep_deploy() {
  tar -cz -C "$3" . | curl -XPOST -sSNT- -u "admin:$SKEP_TOKEN" "$SKEP_API/deploy/$1/$2"
}

skep_get() { curl -sS -H "Authorization: Bearer $SKEP_TOKEN" "$SKEP_API$1"; }

# jget JS-EXPR: evaluates EXPR over the JSON on stdin, bound to j; prints the result (arrays one per line).
jget() {
  node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      const j = JSON.parse(s); const v = eval(process.argv[1]);
      console.log(Array.isArray(v) ? v.join("\n") : typeof v === "object" ? JSON.stringify(v) : v); });' "$1"
}

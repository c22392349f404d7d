#!/usr/bin/env bash
# Detection time of skep's monitor: from an app hanging to the alert mail arriving at a real SMTP server
# (GreenMail, started from MailSink.java). Two ways to hang, ROUNDS rounds each, then the medians:
#   heartbeat: the app stops beating (GET /hang); rule: expire after T=10 s, judged at its deadline
#              (last beat + T) rather than on the 5 s periodic check; goal: T + one interval = 15 s, expected ~T
#   health:    GET /health answers 503 (GET /sick); check every 2 s, 3 failures; an event rule on health.failed
#              goal: 3 x 2 s + one check interval = 8 s
# Usage: bench/monitor/detect.sh [ROUNDS=10]
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
rounds=${1:-10}
here="$REPO/bench/monitor"
bench_init detect 1800

java_home=$(skep_java_home)
# the reactor with -am (nothing needs installing first); server runs last, so the file holds its classpath
(cd "$REPO" && ./mvnw -q -pl server -am test-compile dependency:build-classpath -Dmdep.outputFile="$BENCH_TMP/cp.txt" \
  -Dmdep.includeScope=test >"$BENCH_TMP/build.log" 2>&1) || die "cannot resolve GreenMail from the server's test classpath (see $BENCH_TMP/build.log)"
cp=$(cat "$BENCH_TMP/cp.txt")
smtp_port=$(free_ports 1)
mails="$BENCH_TMP/mails.txt"
"$java_home/bin/java" -cp "$cp" "$here/MailSink.java" "$smtp_port" >"$mails" 2>"$BENCH_TMP/mailsink.log" &
sink=$!
bench_on_exit "bench_stop_pid $sink 5"
for _ in $(seq 300); do grep -q READY "$mails" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$mails" || die "GreenMail did not start: $(cat "$BENCH_TMP/mailsink.log")"
log "GreenMail on 127.0.0.1:$smtp_port"

skep_start --smtp-host 127.0.0.1 --smtp-port "$smtp_port" --alert-mail ops@bench.example
app_dir="$BENCH_TMP/beats"
cp -r "$REPO/fixtures/apps/beats" "$app_dir"

deploy_app() { # NAME -> port
  skep_deploy bench "$1" "$app_dir" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).drone.port))'
}
put_alerts() { # NAME JSON
  curl -sS -o /dev/null -w '%{http_code}' -XPUT -H "Authorization: Bearer $SKEP_TOKEN" \
    -H 'Content-Type: application/json' -d "$2" "$SKEP_API/v1/apps/bench/$1/alerts" | grep -q 200 || die "PUT alerts $1"
}
count() { grep -c "$1" "$mails" || true; }
wait_count() { # PATTERN N TIMEOUT_S
  local i
  for i in $(seq $(($3 * 20))); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.05; done
  die "no mail '$1' #$2 within $3 s"
}
arrival() { grep "$1" "$mails" | sed -n "${2}p" | cut -d' ' -f1; }

results="$BENCH_TMP/results.txt"

# --- heartbeat ---
hb_port=$(deploy_app hb)
put_alerts hb '{"rules":[{"kind":"expire","id":"heartbeat","signal":"heartbeat","after":"PT10S"}]}'
for r in $(seq "$rounds"); do
  before=$(curl -s "127.0.0.1:$hb_port/beats")
  for _ in $(seq 100); do [ "$(curl -s "127.0.0.1:$hb_port/beats")" -gt "$before" ] && break; sleep 0.1; done
  t0=$(now_ms)
  curl -s "127.0.0.1:$hb_port/hang" >/dev/null
  wait_count "ALERT bench/hb" "$r" 40
  t1=$(arrival "ALERT bench/hb" "$r")
  echo "$r heartbeat $((t1 - t0))" >>"$results"
  log "heartbeat round $r: $((t1 - t0)) ms"
  curl -s "127.0.0.1:$hb_port/resume" >/dev/null
  wait_count "RESOLVED bench/hb" "$r" 20
done

# --- health ---
hh_port=$(deploy_app hh)
put_alerts hh '{"rules":[{"kind":"event","id":"unhealthy","eventType":"health.failed","resolveOn":"health.recovered"}]}'
curl -sS -o /dev/null -XPATCH -H "Authorization: Bearer $SKEP_TOKEN" -H 'Content-Type: application/json' \
  -d '{"health":{"path":"/health","interval":2,"timeout":1,"failures":3,"restartAfter":600}}' "$SKEP_API/v1/apps/bench/hh"
for r in $(seq "$rounds"); do
  t0=$(now_ms)
  curl -s "127.0.0.1:$hh_port/sick" >/dev/null
  wait_count "ALERT bench/hh" "$r" 30
  t1=$(arrival "ALERT bench/hh" "$r")
  echo "$r health $((t1 - t0))" >>"$results"
  log "health round $r: $((t1 - t0)) ms"
  curl -s "127.0.0.1:$hh_port/well" >/dev/null
  wait_count "RESOLVED bench/hh" "$r" 20
done

echo "detection: hang -> alert mail at the SMTP server, $rounds rounds each (ms)"
bench_summary "$results" heartbeat ms

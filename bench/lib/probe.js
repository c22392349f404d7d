#!/usr/bin/env node
// The timing half of bench/lib.sh: everything that needs millisecond clocks or many fresh connections.
// Node only, no packages. Subcommands:
//   ports N                      N free loopback ports (one per line)
//   range N                      a free range of N consecutive ports, as A-B
//   wait URL SECONDS             until URL answers 200 (exit 1 on time-out)
//   deploy URL DIR [USER:PASS]   tar -cz DIR | curl POST URL, then poll the returned drone port
//                                every 5 ms until 200; prints "ms port pid" (ms from upload start)
//   crash ROUNDS GAP_MS NAME=PORT[,PORT...] ...
//                                interleaved SIGKILLs: each round, for each target in order, kill the
//                                pid its next app reports, then poll a fresh connection every 5 ms until
//                                200 from a new pid; prints "round name ms oldpid newpid" per kill
//   phases LOG USER APP...        skep's deploy timeline from its log: median ms of each step over the apps
//   summary FILE BASELINE [UNIT] reads "round name value" lines; per target n/median/min/max and the
//                                median of per-round ratios to BASELINE's value in the same round
'use strict';
const http = require('http');
const net = require('net');
const { spawn } = require('child_process');
const fs = require('fs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// One GET on a fresh connection; resolves {status, body} or null on any error/time-out.
function get(url, timeoutMs = 1000, headers = {}) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', () => resolve(null));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(null));
  });
}

const pidOf = (body) => {
  const m = /pid (\d+)/.exec(body || '');
  return m ? Number(m[1]) : null;
};

// Polls port every 5 ms until a 200 whose body names a pid other than notPid.
async function pollUntil200(port, notPid, deadlineMs) {
  for (;;) {
    const r = await get(`http://127.0.0.1:${port}/`, 1000);
    if (r && r.status === 200) {
      const pid = pidOf(r.body);
      if (notPid == null) return pid ?? '-'; // an app that does not print its pid (bench/build's) still counts
      if (pid !== notPid) return pid;
    }
    if (nowMs() > deadlineMs) return null;
    await sleep(5);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

// Below the kernel's ephemeral range: a port in it may be taken by any outgoing connection meanwhile.
async function freeRange(n) {
  let low = 32768;
  try { low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]); } catch (e) { /* keep the default */ }
  for (let tries = 0; tries < 50; tries++) {
    const base = 10000 + Math.floor(Math.random() * Math.max(1, low - 10000 - n));
    let ok = true;
    for (let p = base; p < base + n && ok; p++) ok = await portFree(p);
    if (ok) return `${base}-${base + n - 1}`;
  }
  throw new Error(`no free range of ${n} ports`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function deploy(url, dir, auth) {
  const t0 = nowMs();
  const env = { ...process.env, BENCH_URL: url, BENCH_DIR: dir, BENCH_AUTH: auth || '' };
  const child = spawn('sh', ['-c',
    'tar -cz -C "$BENCH_DIR" . | curl -XPOST -sSNT- ${BENCH_AUTH:+-u "$BENCH_AUTH"} "$BENCH_URL"'],
  { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const code = await new Promise((r) => child.on('close', r));
  const tUpload = nowMs() - t0;
  let port;
  try {
    port = JSON.parse(out).drone.port;
  } catch (e) {
    console.error(`deploy: no drone port in the answer (curl exit ${code}): ${out.slice(0, 500)}`);
    process.exit(1);
  }
  const pid = await pollUntil200(port, null, t0 + 120000);
  const ms = nowMs() - t0;
  if (pid == null) {
    console.error(`deploy: port ${port} never answered 200`);
    process.exit(1);
  }
  console.log(`${ms.toFixed(1)} ${port} ${pid} ${tUpload.toFixed(1)}`);
}

async function crash(rounds, gapMs, specs) {
  const targets = specs.map((s) => {
    const [name, ports] = s.split('=');
    return { name, ports: ports.split(',').map(Number) };
  });
  for (let r = 1; r <= rounds; r++) {
    for (const t of targets) {
      const port = t.ports[(r - 1) % t.ports.length];
      const before = await get(`http://127.0.0.1:${port}/`, 5000);
      const oldPid = before && before.status === 200 ? pidOf(before.body) : null;
      if (!oldPid) {
        console.error(`crash: ${t.name} port ${port} does not answer before round ${r}`);
        process.exit(1);
      }
      process.kill(oldPid, 'SIGKILL');
      const t0 = nowMs();
      const newPid = await pollUntil200(port, oldPid, t0 + 60000);
      const ms = nowMs() - t0;
      if (newPid == null) {
        console.error(`crash: ${t.name} port ${port} not back 60 s after killing ${oldPid}`);
        process.exit(1);
      }
      console.log(`${r} ${t.name} ${ms.toFixed(1)} ${oldPid} ${newPid}`);
      await sleep(gapMs);
    }
  }
}

function summary(file, baseline, unit = 'ms') {
  const rows = fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean)
    .map((l) => l.trim().split(/\s+/)).map(([round, name, v]) => ({ round, name, v: Number(v) }));
  const names = [...new Set(rows.map((r) => r.name))];
  const base = new Map(rows.filter((r) => r.name === baseline).map((r) => [r.round, r.v]));
  const pad = (s, n) => String(s).padStart(n);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
  console.log(`${'target'.padEnd(16)}${pad('n', 4)}${pad('median', 10)}${pad('min', 9)}${pad('max', 9)}` +
    `   per-round ratio to ${baseline}: median [min..max]   (${unit})`);
  for (const name of names) {
    const vs = rows.filter((r) => r.name === name);
    const xs = vs.map((r) => r.v);
    const ratios = vs.filter((r) => base.has(r.round)).map((r) => r.v / base.get(r.round));
    const rr = name === baseline || !ratios.length ? ''
      : `   ${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)}]`;
    console.log(`${name.padEnd(16)}${pad(xs.length, 4)}${pad(f(median(xs)), 10)}${pad(f(Math.min(...xs)), 9)}` +
      `${pad(f(Math.max(...xs)), 9)}${rr}`);
  }
}

// Steps of one skep deploy as its server log tells them (the first line matching each, per app).
const PHASES = [
  ['started', /Deployer event=deploy\.started/],
  ['received', /event=deploy\.received/],
  ['built', /event=deploy\.built/],
  ['stored', /event=release\.stored/],
  ['claimed', /event=rollout\.started/],
  ['assigned', /event=schedule\.assigned/],
  ['spawned', /event=instance\.launched app=/],
  ['ready', /event=instance\.ready app=.* after_ms=/],
  // the haibu route answers once the release serves: before its probation, or when released without one
  ['answered', /event=release\.probation |Deployer event=deploy\.succeeded/],
];
function phases(logFile, user, apps) {
  const lines = fs.readFileSync(logFile, 'utf8').split('\n');
  const steps = PHASES.slice(1).map(([name], i) => `${PHASES[i][0]}->${name}`);
  const deltas = steps.map(() => []);
  for (const app of apps) {
    const mine = lines.filter((l) => l.includes(`app=${user}/${app} `));
    const at = PHASES.map(([, re]) => {
      const l = mine.find((x) => re.test(x));
      return l ? Date.parse(l.split(' ')[0]) : NaN;
    });
    at.slice(1).forEach((t, i) => deltas[i].push(t - at[i]));
  }
  console.log(steps.map((s, i) => `${s} ${median(deltas[i].filter(Number.isFinite))}`).join('   '));
}

async function main() {
  const [cmd, ...a] = process.argv.slice(2);
  switch (cmd) {
    case 'ports': {
      const n = Number(a[0] || 1);
      const seen = new Set();
      while (seen.size < n) seen.add(await freePort());
      console.log([...seen].join('\n'));
      break;
    }
    case 'range':
      console.log(await freeRange(Number(a[0] || 100)));
      break;
    case 'wait': {
      const deadline = nowMs() + Number(a[1] || 60) * 1000;
      for (;;) {
        const r = await get(a[0], 2000);
        if (r && r.status === 200) break;
        if (nowMs() > deadline) {
          console.error(`wait: ${a[0]} did not answer 200 in ${a[1]} s`);
          process.exit(1);
        }
        await sleep(20);
      }
      break;
    }
    case 'deploy':
      await deploy(a[0], a[1], a[2]);
      break;
    case 'crash':
      await crash(Number(a[0]), Number(a[1]), a.slice(2));
      break;
    case 'phases':
      phases(a[0], a[1], a.slice(2));
      break;
    case 'summary':
      summary(a[0], a[1], a[2]);
      break;
    default:
      console.error('usage: probe.js ports|range|wait|deploy|crash|summary ...');
      process.exit(2);
  }
}
main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});

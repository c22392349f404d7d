#!/usr/bin/env node
// Load and figures for bench/restart/run.sh, node only, no packages:
//   run OUT NAME=PORT[@HOST]...  a paced GET / per target (LOAD_INTERVAL_MS, default 10), each on a fresh
//                                connection (KEEPALIVE=1: one keep-alive agent per target), with HOST as the
//                                Host header; appends "name start_ms latency_ms result pid" per request to OUT,
//                                result the status code or the error's kind (refused, reset, timeout, or the
//                                error code). Until SIGTERM; then waits for the requests in flight and exits.
//   serving PORT HOST SECONDS     a GET every 20 ms on a fresh connection until 200; prints the app's pid
//   report OUT MARKS STRICT       per target and round (MARKS: "name round from_ms to_ms key=value..." lines,
//                                the requests started in [from, to] count for that round): requests, failures
//                                by kind, outage (start of the first failure to the end of the last; also both ends
//                                as ms after the round's start), slowest answer, the marks' key=values; then
//                                each target's medians. A non-2xx answer of target STRICT, or a pid=A>B mark of
//                                it with A != B (its app restarted), is printed as a regression (exit 3), its
//                                other failures than refusals as a note.
'use strict';
const http = require('http');
const fs = require('fs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT_MS = Number(process.env.LOAD_TIMEOUT_MS || 20000); // past skep's 5 s start hold, so a hold shows as slow, not failed

const KINDS = { ECONNREFUSED: 'refused', ECONNRESET: 'reset', EPIPE: 'reset', TIMEOUT: 'timeout' };

// One GET; resolves {result, pid}: the status code, or the error's kind.
function get(port, host, agent) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ result: res.statusCode, pid: (/pid (\d+)/.exec(body) || [])[1] || '-' }));
      res.on('error', (e) => resolve({ result: kind(e), pid: '-' }));
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => resolve({ result: kind(e), pid: '-' }));
  });
}
const kind = (e) => KINDS[e.code] || String(e.code || e.message).toLowerCase().replace(/\s+/g, '-');

async function run(out, specs) {
  const fd = fs.openSync(out, 'a');
  const interval = Number(process.env.LOAD_INTERVAL_MS || 10);
  const keepAlive = process.env.KEEPALIVE === '1';
  let inFlight = 0;
  const timers = specs.map((spec) => {
    const [, name, port, host] = /^([^=]+)=(\d+)(?:@(.+))?$/.exec(spec);
    const agent = keepAlive ? new http.Agent({ keepAlive: true }) : false;
    return setInterval(async () => {
      const start = Date.now(); // epoch ms, as the script's marks
      const t0 = performance.now();
      inFlight++;
      const { result, pid } = await get(Number(port), host, agent);
      inFlight--;
      fs.writeSync(fd, `${name} ${start} ${(performance.now() - t0).toFixed(1)} ${result} ${pid}\n`);
    }, interval);
  });
  process.on('SIGTERM', async () => {
    timers.forEach(clearInterval);
    while (inFlight > 0) await sleep(20);
    process.exit(0);
  });
}

async function serving(port, host, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const r = await get(Number(port), host || null, false);
    if (r.result === 200) return console.log(r.pid);
    await sleep(20);
  }
  process.exit(1);
}

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function report(out, marksFile, strict) {
  const reqs = fs.readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const [name, start, ms, result, pid] = l.split(' ');
    return { name, start: Number(start), ms: Number(ms), result, pid };
  });
  const marks = fs.readFileSync(marksFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const [name, round, from, to, ...kv] = l.split(' ');
    return { name, round, from: Number(from), to: Number(to), kv };
  });
  const ok = (r) => /^2\d\d$/.test(r.result);
  const isStatus = (r) => /^\d+$/.test(r.result);
  const strictBad = [];
  const restarted = []; // rounds where STRICT's app did not keep its pid: restarted, not re-adopted
  const strictOther = []; // failures of STRICT that are not refusals: not a regression, but not expected either
  const summary = [];
  for (const name of [...new Set(marks.map((m) => m.name))]) {
    const rounds = marks.filter((m) => m.name === name);
    console.log(`\n${name}:`);
    console.log(['round', 'requests', 'failed', 'refused', 'reset', 'other', 'non-2xx', 'outage_ms', 'fail_from', 'fail_to',
      'slowest_ok', '']
      .map((h, i) => (i ? h.padStart(9) : h.padEnd(5))).join(' '));
    const failed = [];
    const outages = [];
    const slowests = [];
    for (const m of rounds) {
      const mine = reqs.filter((r) => r.name === name && r.start >= m.from && r.start <= m.to);
      const bad = mine.filter((r) => !ok(r));
      const count = (f) => bad.filter(f).length;
      const non2xx = {};
      bad.filter(isStatus).forEach((r) => (non2xx[r.result] = (non2xx[r.result] || 0) + 1));
      const other = {};
      bad.filter((r) => !isStatus(r) && r.result !== 'refused' && r.result !== 'reset')
        .forEach((r) => (other[r.result] = (other[r.result] || 0) + 1));
      // the failures' span, also as ms after the round's start (the restart's first step)
      const from = bad.length ? Math.min(...bad.map((r) => r.start)) : NaN;
      const to = bad.length ? Math.max(...bad.map((r) => r.start + r.ms)) : NaN;
      const outage = bad.length ? to - from : 0;
      const slowest = Math.max(0, ...mine.filter(ok).map((r) => r.ms));
      slowests.push(slowest);
      const fmt = (o) => Object.entries(o).map(([k, v]) => `${v}x${k}`).join(',') || '0';
      const rel = (t) => (Number.isNaN(t) ? '-' : `+${(t - m.from).toFixed(0)}`);
      console.log([m.round.padEnd(5), mine.length, bad.length, count((r) => r.result === 'refused'),
        count((r) => r.result === 'reset'), fmt(other), fmt(non2xx), outage.toFixed(0), rel(from), rel(to),
        slowest.toFixed(0), m.kv.join(' ')]
        .map((v, i) => (i ? String(v).padStart(9) : v)).join(' '));
      failed.push(bad.length);
      outages.push(outage);
      if (name === strict) {
        const pids = m.kv.find((kv) => kv.startsWith('pid='));
        const [before, after] = pids ? pids.slice(4).split('>') : [];
        if (before !== after) restarted.push(`round ${m.round}: ${before} -> ${after}`);
        bad.filter(isStatus).forEach((r) => strictBad.push({ round: m.round, ...r }));
        bad.filter((r) => !isStatus(r) && r.result !== 'refused').forEach((r) => strictOther.push({ round: m.round, ...r }));
      }
    }
    // Failures outside every round (before the first, between rounds) would be a fault of the steady state.
    const outside = reqs.filter((r) => r.name === name && !ok(r) && !rounds.some((m) => r.start >= m.from && r.start <= m.to));
    const total = reqs.filter((r) => r.name === name).length;
    console.log(`${name}: ${total} requests in all, ${outside.length} failed outside the rounds` +
      (outside.length ? `: ${[...new Set(outside.map((r) => r.result))].join(',')}` : ''));
    summary.push({ name, failed: median(failed), outage: median(outages), slowest: median(slowests),
      all: failed.reduce((a, b) => a + b, 0) });
  }
  console.log('\nmedian per round:');
  console.log(['target', 'failed', 'outage_ms', 'slowest_ok', 'all_failed'].map((h, i) => (i ? h.padStart(10) : h.padEnd(8))).join(' '));
  for (const s of summary) {
    console.log([s.name.padEnd(8), s.failed, s.outage.toFixed(0), s.slowest.toFixed(0), s.all].map((v, i) => (i ? String(v).padStart(10) : v)).join(' '));
  }
  if (strictOther.length) {
    console.log(`\nNOTE: ${strict} failed ${strictOther.length} request(s) other than by a refused connection:`);
    strictOther.slice(0, 20).forEach((r) => console.log(`  round ${r.round} at ${new Date(r.start).toISOString()}: ${r.result} after ${r.ms} ms`));
  }
  if (restarted.length) {
    console.log(`\n!!!!!!!! REGRESSION: ${strict}'s app was restarted instead of re-adopted (its instances' pid/state changed):`);
    restarted.forEach((l) => console.log(`!!!!!!!!   ${l}`));
    process.exitCode = 3;
  }
  if (strictBad.length) {
    console.log(`\n!!!!!!!! REGRESSION: ${strict}'s router answered ${strictBad.length} request(s) with a non-2xx status ` +
      '(a request it takes during a --keep-apps restart must get the app\'s answer):');
    strictBad.slice(0, 20).forEach((r) => console.log(`!!!!!!!!   round ${r.round} at ${new Date(r.start).toISOString()}: ${r.result} after ${r.ms} ms`));
    process.exitCode = 3;
  }
}

async function main() {
  const [cmd, ...a] = process.argv.slice(2);
  if (cmd === 'run') await run(a[0], a.slice(1));
  else if (cmd === 'serving') await serving(a[0], a[1], Number(a[2]));
  else if (cmd === 'report') report(a[0], a[1], a[2]);
  else { console.error('usage: load.js run|serving|report ...'); process.exit(2); }
}
main();

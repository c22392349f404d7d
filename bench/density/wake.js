#!/usr/bin/env node
// Timing for bench/density/run.sh, node only:
//   wake ROUTER_PORT HOST        one GET through skep's router with that Host, on a fresh connection, waiting up
//                                to 40 s (the router holds it while the app wakes); prints "ms status"
//   bare DIR PORT                spawns `node server.js` in DIR with PORT, polls it every 5 ms on fresh
//                                connections until 200, prints "ms 200", kills it and waits for its exit
'use strict';
const http = require('http');
const { spawn } = require('child_process');

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function get(port, host, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, headers: host ? { host } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', () => resolve(0));
      });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

async function main() {
  const [cmd, a, b] = process.argv.slice(2);
  if (cmd === 'wake') {
    const t0 = nowMs();
    const status = await get(Number(a), b, 40000);
    console.log(`${(nowMs() - t0).toFixed(1)} ${status}`);
  } else if (cmd === 'bare') {
    const t0 = nowMs();
    const child = spawn('node', ['server.js'], { cwd: a, env: { ...process.env, PORT: b }, stdio: 'ignore' });
    let status = 0;
    while (nowMs() - t0 < 30000) {
      status = await get(Number(b), null, 1000);
      if (status === 200) break;
      await sleep(5);
    }
    const ms = nowMs() - t0;
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    console.log(`${ms.toFixed(1)} ${status}`);
  } else {
    console.error('usage: wake ROUTER_PORT HOST | bare DIR PORT');
    process.exit(2);
  }
}
main();

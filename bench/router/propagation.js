// Route-change propagation: N times, add a custom domain through the API (POST .../domains, answered 201 =
// the change is acknowledged) and poll the router for that Host on a keep-alive connection, back to back
// (each poll is one round trip, well under 1 ms on loopback), until it answers 200 instead of 404.
// Prints every sample, then median, p90, p99 and max. No packages, node's http module only.
// Usage: node propagation.js API_URL TOKEN ROUTER_PORT USER/APP N
'use strict';
const http = require('http');

const [api, token, routerPort, app, n] = [process.argv[2], process.argv[3], Number(process.argv[4]),
  process.argv[5], Number(process.argv[6] || 50)];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const apiAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body ? Buffer.from(JSON.stringify(body)) : null;
    const req = http.request(api + path, { method, agent: apiAgent, headers: {
      Authorization: 'Bearer ' + token, ...(data ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function poll(host) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: routerPort, path: '/', agent, headers: { Host: host } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end();
  });
}

const ms = (t) => Number(t) / 1e6;
const pick = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

(async () => {
  const stamp = Date.now().toString(36);
  const samples = [];
  console.log('sample  ack_to_200_ms  send_to_200_ms  api_ms  polls');
  for (let i = 1; i <= n; i++) {
    const domain = `p${i}-${stamp}.propagation.test`;
    if ((await poll(domain)) !== 404) throw new Error(domain + ' served before it was added');
    const sent = process.hrtime.bigint();
    const added = await call('POST', `/v1/apps/${app}/domains`, { domain });
    const ack = process.hrtime.bigint();
    if (added.status !== 201) throw new Error('adding ' + domain + ': ' + added.status + ' ' + added.text);
    let polls = 0;
    let status;
    do {
      status = await poll(domain);
      polls++;
      if (polls > 200000) throw new Error(domain + ' never served');
    } while (status !== 200);
    const live = process.hrtime.bigint();
    const s = { ack: ms(live - ack), send: ms(live - sent), api: ms(ack - sent), polls };
    samples.push(s);
    console.log(`${String(i).padStart(6)}  ${s.ack.toFixed(2).padStart(13)}  ${s.send.toFixed(2).padStart(14)}  `
      + `${s.api.toFixed(2).padStart(6)}  ${String(polls).padStart(5)}`);
    const removed = await call('DELETE', `/v1/apps/${app}/domains/${domain}`);
    if (removed.status !== 200) throw new Error('removing ' + domain + ': ' + removed.status);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const key of ['ack', 'send']) {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
    console.log(`${key === 'ack' ? 'API answer -> router 200' : 'API request -> router 200'} (N=${sorted.length}): `
      + `median ${pick(sorted, 50).toFixed(2)} ms, p90 ${pick(sorted, 90).toFixed(2)}, p99 ${pick(sorted, 99).toFixed(2)}, `
      + `max ${sorted[sorted.length - 1].toFixed(2)}`);
  }
  agent.destroy();
  apiAgent.destroy();
})().catch((e) => { console.error('FAILED: ' + e.message); process.exit(1); });

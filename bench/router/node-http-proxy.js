// node-http-proxy with a keep-alive agent, as in ANCHORS.md. NODE_PATH points at its temp install.
'use strict';
const http = require('http');
const httpProxy = require('http-proxy');
// Usage: node node-http-proxy.js PORT BACKEND_PORT... (round robin over the backends)
const [port, ...targets] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const proxy = httpProxy.createProxyServer({ agent });
proxy.on('error', (err, req, res) => { res.writeHead(502); res.end(); });
let next = 0;
http.createServer((req, res) => {
  const target = `http://127.0.0.1:${targets[next++ % targets.length]}`;
  proxy.web(req, res, { target });
}).listen(port, '127.0.0.1', () => console.log('ready'));

// node-http-proxy with a keep-alive agent, as in ANCHORS.md. NODE_PATH points at its temp install.
'use strict';
const http = require('http');
const httpProxy = require('http-proxy');
const [port, target] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${target}`, agent });
proxy.on('error', (err, req, res) => { res.writeHead(502); res.end(); });
http.createServer((req, res) => proxy.web(req, res)).listen(port, '127.0.0.1', () => console.log('ready'));

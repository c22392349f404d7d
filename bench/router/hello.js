// The backend every target proxies to: node's own http server, keep-alive on.
'use strict';
const http = require('http');
const body = 'hello world\n';
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('ready'));

// Test backend for the router: no packages, node's http module only.
// Usage: node backend.js PORT NAME (PORT 0: any free port, printed as "listening PORT NAME")
'use strict';
const http = require('http');
const crypto = require('crypto');

const port = Number(process.argv[2]);
const name = process.argv[3] || 'backend';
let connections = 0;
let requests = 0;

const server = http.createServer((req, res) => {
  requests++;
  const url = new URL(req.url, 'http://x');
  const q = (k, d) => Number(url.searchParams.get(k) || d);
  switch (url.pathname) {
    case '/stats':
      return server.getConnections((err, open) => json(res, { name, pid: process.pid, connections, requests, open }));
    case '/headers':
      return json(res, { name, headers: req.headers, url: req.url, method: req.method, httpVersion: req.httpVersion });
    case '/slow':
      return setTimeout(() => text(res, `slow ${name}\n`), q('ms', 1000));
    case '/upload': {
      let bytes = 0;
      const hash = crypto.createHash('sha256');
      req.on('data', (c) => { bytes += c.length; hash.update(c); });
      req.on('end', () => json(res, { name, bytes, sha256: hash.digest('hex') }));
      return;
    }
    case '/download': {
      const total = q('mb', 1) * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          const n = Math.min(chunk.length, total - sent);
          sent += n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    case '/sse': {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let n = 0;
      const count = q('n', 5);
      const t = setInterval(() => {
        res.write(`data: event ${n} at ${Date.now()}\n\n`);
        if (++n >= count) { clearInterval(t); res.end(); }
      }, q('every', 200));
      req.on('close', () => clearInterval(t));
      return;
    }
    case '/close-delimited': {
      res.socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nuntil close ' + name);
      return res.socket.end();
    }
    case '/exit':
      res.socket.destroy();
      return process.exit(1);
    default:
      return text(res, `hello from ${name}\n`);
  }
});

function json(res, body) {
  const s = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

function text(res, s) {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

server.on('connection', () => connections++);

// Websocket echo with node's raw upgrade handling: unmasks client frames, echoes text and binary.
server.on('upgrade', (req, socket) => {
  const key = req.headers['sec-websocket-key'];
  const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (buf.length < 2) return;
      const op = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      const masked = (buf[1] & 0x80) !== 0;
      const need = off + (masked ? 4 : 0) + len;
      if (buf.length < need) return;
      const mask = masked ? buf.subarray(off, off + 4) : null;
      const payload = Buffer.from(buf.subarray(off + (masked ? 4 : 0), need));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      buf = buf.subarray(need);
      if (op === 0x8) { socket.end(frame(0x8, payload)); return; }
      if (op === 0x9) { socket.write(frame(0xA, payload)); continue; }
      if (op === 0x1 || op === 0x2) socket.write(frame(op, op === 0x1 ? Buffer.from(`${name}: ${payload}`) : payload));
    }
  });
  socket.on('error', () => {});
});

function frame(op, payload) {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | op, len])
    : len < 65536 ? Buffer.from([0x80 | op, 126, len >> 8, len & 0xff])
    : (() => { const b = Buffer.alloc(10); b[0] = 0x80 | op; b[1] = 127; b.writeBigUInt64BE(BigInt(len), 2); return b; })();
  return Buffer.concat([head, payload]);
}

server.keepAliveTimeout = 5000;
// port 0: the kernel picks a free one, with no window for another socket to take it first
server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port} ${name}`));

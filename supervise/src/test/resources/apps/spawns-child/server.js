// Starts a child process that would outlive it; with STUBBORN=1 it also ignores SIGTERM.
const http = require('http');
const { spawn } = require('child_process');
const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'],
  { stdio: 'ignore' });
if (process.env.STUBBORN === '1') { process.on('SIGTERM', () => console.log('ignoring SIGTERM')); }
http.createServer((req, res) => res.end(JSON.stringify({ pid: process.pid, child: child.pid })))
  .listen(Number(process.env.PORT));

// Answers with its whole environment as JSON: the agent must hand over nothing of its own.
const http = require('http');
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ pid: process.pid, uid: process.getuid(), gid: process.getgid(), cwd: process.cwd(), env: process.env }));
}).listen(Number(process.env.PORT), () => console.log(`env-dump listening on ${process.env.PORT}`));

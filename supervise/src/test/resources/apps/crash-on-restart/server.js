// Serves on its first run and dies on /crash; every later run finds MARKER and exits 3 at once.
const fs = require('fs');
const http = require('http');
const marker = process.env.MARKER;
if (fs.existsSync(marker)) { console.error('marker found, giving up'); process.exit(3); }
fs.writeFileSync(marker, String(process.pid));
http.createServer((req, res) => {
  if (req.url === '/crash') { process.exit(7); }
  res.end(`alive ${process.pid}\n`);
}).listen(Number(process.env.PORT));

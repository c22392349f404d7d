// forever-monitor 3 supervising one hello per port given on the command line (defaults otherwise).
// Usage: node forever.js FOREVER_MONITOR_DIR APP_DIR PORT...
const path = require('path');
const [fmDir, appDir, ...ports] = process.argv.slice(2);
const forever = require(path.join(fmDir, 'node_modules', 'forever-monitor'));
for (const port of ports) {
  const child = new forever.Monitor(path.join(appDir, 'server.js'), {
    silent: true, cwd: appDir, env: { PORT: port }, max: Infinity,
  });
  child.on('exit:code', () => {});
  child.start();
}
process.on('SIGTERM', () => process.exit(0)); // forever-monitor kills its children on exit
console.log(`forever-monitor: ${ports.length} apps`);

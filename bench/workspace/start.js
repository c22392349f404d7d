#!/usr/bin/env node
// Instance start, slug -> first 200, three ways, interleaved per round (see bench/README.md, "workspace"):
//   slug     node runs in the slug itself (skep before slugs became immutable)
//   overlay  unshare -m + an overlay of the slug + a bind-mounted volume, as skep does as root
//   copy     cp -a --reflink=auto of the slug first, as skep does without root
// Usage: start.js WORKDIR SLUG ROUNDS PORT   (root: the app runs as uid 150000 via setpriv, as in skep)
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const [work, slug, roundsArg, portArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 10);
const port = Number(portArg || 23456);
const root = process.getuid() === 0;
const node = process.execPath;
const UID = 150000;
const drop = root ? ['/usr/bin/setpriv', `--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', '--no-new-privs',
  '--inh-caps=-all', '--'] : [];
// the same mount script as supervise/.../workspace/OverlayWorkspaces.SCRIPT
const SCRIPT = 'l=$1; u=$2; w=$3; m=$4; shift 4; '
  + 'mount -t overlay skep-app -o "nosuid,nodev,lowerdir=$l,upperdir=$u,workdir=$w" "$m" || exit 97; '
  + 'while [ "$1" != -- ]; do s=$1; p=$2; shift 2; mkdir -p "$m/$p" && [ ! -L "$m/$p" ] '
  + '&& mount --bind -o nosuid,nodev "$s" "$m/$p" || exit 97; done; shift; cd "$m" || exit 97; unset PWD OLDPWD; exec "$@"';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const get = () => new Promise((resolve) => {
  const req = http.get(`http://127.0.0.1:${port}/`, { agent: false }, (res) => { res.resume(); resolve(res.statusCode); });
  req.on('error', () => resolve(0));
  req.setTimeout(500, () => { req.destroy(); resolve(0); });
});

async function timed(prepare, argv, cwd) {
  const begun = nowMs();
  prepare();
  const child = spawn(argv[0], argv.slice(1), { cwd, env: { PORT: String(port), PATH: '/usr/bin:/bin' }, stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => { exited = true; });
  while (!exited && (await get()) !== 200) await sleep(5);
  const ms = nowMs() - begun;
  child.kill('SIGKILL');
  while (!exited) await sleep(5);
  if (ms > 60000) throw new Error('no 200');
  return ms;
}

function fresh(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (root) fs.chownSync(dir, UID, UID);
}

(async () => {
  if (root) execFileSync('/bin/chown', ['-R', `${UID}:${UID}`, slug]);
  const volume = path.join(work, 'volume');
  fresh(volume);
  const ways = {
    slug: () => timed(() => {}, ['/usr/bin/setsid', ...drop, node, 'server.js'], slug),
    overlay: () => {
      const layer = path.join(work, 'layer');
      const merged = path.join(work, 'merged');
      return timed(() => {
        fs.rmSync(layer, { recursive: true, force: true });
        fs.mkdirSync(path.join(layer, 'work'), { recursive: true });
        fresh(path.join(layer, 'upper'));
        fs.mkdirSync(merged, { recursive: true });
      }, ['/usr/bin/setsid', '/usr/bin/unshare', '-m', '--propagation', 'private', '/bin/sh', '-c', SCRIPT, 'x', slug,
        path.join(layer, 'upper'), path.join(layer, 'work'), merged, volume, 'data', '--', ...drop, node, 'server.js'],
      merged);
    },
    copy: () => {
      const copy = path.join(work, 'copy');
      return timed(() => {
        fs.rmSync(copy, { recursive: true, force: true });
        execFileSync('/bin/cp', ['-a', '--reflink=auto', slug, copy]);
        execFileSync('/bin/chmod', ['-R', 'u+w', copy]);
      }, ['/usr/bin/setsid', ...drop, node, 'server.js'], copy);
    },
  };
  if (!root) delete ways.overlay;
  for (let round = 1; round <= rounds; round++) {
    for (const [name, run] of Object.entries(ways)) {
      console.log(`${round} ${name} ${(await run()).toFixed(1)}`);
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });

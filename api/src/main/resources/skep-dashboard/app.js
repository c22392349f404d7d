// skep's dashboard: plain JS over the /v1 API, as the session's user. Every value from the server is put in
// the page as text (textContent), never as HTML: app names, logs and events are the tenants' own words.
'use strict';

const state = { me: null, stream: null, timers: [] };

// ---- helpers ----

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function main(...children) {
  const m = document.getElementById('main');
  m.replaceChildren(...children);
  return m;
}

function toast(message, isError) {
  const box = el('div', { class: isError ? 'error' : '' }, message);
  document.getElementById('toast').append(box);
  setTimeout(() => box.remove(), isError ? 8000 : 3000);
}

function badge(text) { return el('span', { class: 'badge ' + text }, text); }

function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.round(s / 60) + 'm ago';
  if (s < 86400) return Math.round(s / 3600) + 'h ago';
  return Math.round(s / 86400) + 'd ago';
}

function mib(bytes) { return bytes == null ? '' : (bytes / 1048576).toFixed(1) + ' MiB'; }

// A small inline SVG line of the values (oldest first), scaled to their own range; the title says the last one.
function sparkline(values, title) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', '80');
  svg.setAttribute('height', '18');
  if (values.length < 2) return svg;
  const max = Math.max(...values), min = Math.min(...values), span = (max - min) || 1;
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', values.map((v, i) => (i * 80 / (values.length - 1)).toFixed(1) + ',' + (17 - (v - min) * 16 / span).toFixed(1)).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  svg.append(line);
  const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  t.textContent = title;
  svg.append(t);
  return svg;
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || ('HTTP ' + status));
    this.status = status;
    this.detail = body && body.detail;
  }
}

// The session's second half: its login answered this token, kept in this origin's storage (a cookie goes to every
// port of the host; storage stays with this one). Every call sends both.
const CSRF_KEY = 'skep.csrf';

function sessionHeaders() {
  const csrf = localStorage.getItem(CSRF_KEY);
  return csrf ? { 'X-Skep-CSRF': csrf } : {};
}

function opened(session) {
  localStorage.setItem(CSRF_KEY, session.csrf);
  state.me = { user: session.user, admin: session.admin };
}

// Every call carries the session cookie (same origin) and the session's CSRF token.
async function api(method, path, body) {
  const headers = Object.assign({ 'Accept': 'application/json' }, sessionHeaders());
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  const lost = res.status === 401 || (res.status === 403 && json && /X-Skep-CSRF/.test(json.error || ''));
  if (lost && state.me) { state.me = null; showLogin('Your session ended: log in again.'); }
  if (!res.ok) throw new ApiError(res.status, json);
  return json === null ? text : json;
}

function failed(e) {
  toast(e.message + (e.detail ? ' — ' + e.detail : ''), true);
}

// ---- login ----

async function boot() {
  document.getElementById('logout').addEventListener('click', logout);
  if (await loginByLink()) return;
  try {
    if (!localStorage.getItem(CSRF_KEY)) throw new Error('not logged in');
    state.me = await api('GET', '/v1/dashboard/session');
  } catch (e) {
    showLogin(null);
    return;
  }
  loggedIn();
}

// A login link (`skep dashboard`) carries its one-time code in the fragment, which never reaches a server log
// or a Referer. It may be opened in a fresh tab or over a page already open (then only the hash changes).
async function loginByLink() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const code = hash.get('login');
  if (!code) return false;
  const app = hash.get('app');
  // the code works once: take it out of the address bar and history before anything else
  history.replaceState(null, '', location.pathname + (app ? '#/apps/' + app : '#/apps'));
  stopStream();
  state.me = null;
  try {
    opened(await api('POST', '/v1/dashboard/session', { code }));
  } catch (e) {
    showLogin(e.message + (e.detail ? ' — ' + e.detail : ''));
    return true;
  }
  loggedIn();
  return true;
}

function showLogin(message) {
  stopStream();
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const input = el('input', { id: 'login-token', type: 'password', placeholder: 'skp_…', autocomplete: 'off' });
  const form = el('form', { class: 'login', id: 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      opened(await api('POST', '/v1/dashboard/session', { token: input.value }));
      input.value = '';
      loggedIn();
    } catch (e) {
      form.querySelector('.error').textContent = e.message + (e.detail ? ' — ' + e.detail : '');
    }
  } },
  el('h1', {}, 'Log in to skep'),
  el('p', { class: 'muted' }, 'Run ', el('code', {}, 'skep dashboard'), ' for a one-time link, or paste an API token.'),
  input,
  el('button', { class: 'primary', type: 'submit' }, 'Log in'),
  el('p', { class: 'error', id: 'login-error' }, message || ''));
  main(form);
}

function loggedIn() {
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = state.me.user + (state.me.admin ? ' (admin)' : '');
  document.body.classList.toggle('admin', !!state.me.admin);
  route();
}

async function logout() {
  try { await api('DELETE', '/v1/dashboard/session'); } catch (e) { /* gone already */ }
  localStorage.removeItem(CSRF_KEY);
  state.me = null;
  showLogin('Logged out.');
}

// ---- pages ----

function stopStream() {
  if (state.stream) { state.stream.abort(); state.stream = null; }
  state.timers.forEach(clearInterval);
  state.timers = [];
}

async function route() {
  if (!state.me) return;
  stopStream();
  const path = location.hash.replace(/^#/, '') || '/apps';
  const parts = path.split('/').filter(Boolean);
  try {
    if (parts[0] === 'apps' && parts.length === 3) await appPage(parts[1] + '/' + parts[2]);
    else if (parts[0] === 'tokens') await tokensPage();
    else if (parts[0] === 'users') await usersPage();
    else if (parts[0] === 'audit') await auditPage();
    else if (parts[0] === 'cluster') await clusterPage();
    else await appsPage();
  } catch (e) {
    if (e.status !== 401) main(el('p', { class: 'error' }, e.message + (e.detail ? ' — ' + e.detail : '')));
  }
}

async function appsPage() {
  const apps = await api('GET', '/v1/apps');
  const rows = apps.map(a => {
    const ready = (a.instances || []).filter(i => i.state === 'ready').length;
    const mem = (a.instances || []).reduce((sum, i) => sum + (i.memoryBytes || 0), 0);
    const rate = el('td', { class: 'rate' });
    const trend = el('td', { class: 'trend' });
    api('GET', '/v1/apps/' + a.app + '/metrics?samples=60').then(m => {
      if (m && m.traffic) rate.textContent = m.traffic.requestsPerSecond.toFixed(1);
      // the app's CPU and memory: its instances' samples summed, aligned on the newest
      const series = (m && m.instances || []).map(i => i.samples || []).filter(s => s.length > 0);
      const n = Math.max(0, ...series.map(s => s.length));
      const sum = f => Array.from({ length: n }, (_, k) => series.reduce((t, s) => t + (s.length - n + k >= 0 ? f(s[s.length - n + k]) : 0), 0));
      if (n > 0) {
        const cpu = sum(x => x.cpuPercent), mem = sum(x => x.rssBytes);
        trend.replaceChildren(sparkline(cpu, 'CPU ' + cpu[n - 1].toFixed(1) + '%'), ' ', sparkline(mem, 'memory ' + mib(mem[n - 1])));
      }
    }).catch(() => {});
    return el('tr', { 'data-app': a.app },
      el('td', {}, el('a', { href: '#/apps/' + a.app }, a.app)),
      el('td', {}, badge(a.state)),
      el('td', {}, a.release ? 'v' + a.release : '—'),
      el('td', {}, ready + '/' + a.instancesWanted),
      rate,
      el('td', {}, mem ? mib(mem) : ''),
      trend,
      el('td', {}, a.url ? el('a', { href: a.url, rel: 'noopener noreferrer', target: '_blank' }, a.url) : ''));
  });
  main(el('h1', {}, 'Apps'),
    apps.length === 0 ? el('p', { class: 'muted', id: 'no-apps' }, 'No apps yet: deploy one with ', el('code', {}, 'skep deploy')) :
      el('table', { id: 'apps' }, el('thead', {}, el('tr', {}, ['app', 'state', 'release', 'ready', 'req/s', 'memory', 'last hour', 'url'].map(h => el('th', {}, h)))),
        el('tbody', {}, rows)));
}

async function appPage(id) {
  const app = await api('GET', '/v1/apps/' + id);
  const base = '/v1/apps/' + id;
  const reload = () => route();
  const act = (method, path, body, done) => async () => {
    try { await api(method, base + path, body); toast(done); reload(); } catch (e) { failed(e); }
  };

  const scaleInput = el('input', { id: 'scale', type: 'number', min: 0, class: 'narrow', value: app.formation && app.formation.web != null ? app.formation.web : app.instancesWanted });
  const header = el('div', {},
    el('h1', {}, app.app, ' ', badge(app.state), ' ', el('span', { id: 'live-release', 'data-release': app.release }, app.release ? 'v' + app.release : '')),
    el('div', { class: 'row' },
      app.url ? el('a', { href: app.url, target: '_blank', rel: 'noopener noreferrer' }, app.url) : '',
      el('button', { onclick: act('POST', '/restart', {}, 'restarting') }, 'Restart'),
      app.running ? el('button', { onclick: act('POST', '/stop', {}, 'stopped') }, 'Stop')
        : el('button', { onclick: act('POST', '/start', {}, 'started') }, 'Start'),
      el('span', { class: 'muted' }, 'web instances'), scaleInput,
      el('button', { id: 'scale-button', onclick: () => act('PATCH', '', { instances: Number(scaleInput.value) }, 'scaled')() }, 'Scale')));

  const instances = el('table', { id: 'instances' },
    el('thead', {}, el('tr', {}, ['process', 'instance', 'release', 'state', 'host', 'port', 'up', 'restarts', 'memory', 'CPU', 'last hour', 'last exit'].map(h => el('th', {}, h)))),
    el('tbody', {}, (app.instances || []).map(i => el('tr', { 'data-instance': i.instance },
      el('td', {}, i.process || ''), el('td', {}, el('code', {}, i.instance)), el('td', {}, 'v' + i.release),
      el('td', {}, badge(i.state)), el('td', {}, i.host), el('td', {}, i.port), el('td', {}, ago(i.since)),
      el('td', {}, i.restarts), el('td', {}, mib(i.memoryBytes)),
      el('td', {}, i.cpuPercent == null ? '' : i.cpuPercent.toFixed(1) + '%'), el('td', { class: 'trend' }), el('td', {}, i.lastExit || '')))));
  // CPU and memory of each instance over the monitor's last hour of samples
  api('GET', base + '/metrics?samples=120').then(m => {
    for (const im of (m && m.instances) || []) {
      const cell = instances.querySelector('tr[data-instance="' + im.instance + '"] td.trend');
      const samples = im.samples || [];
      if (!cell || samples.length === 0) continue;
      const last = samples[samples.length - 1];
      cell.replaceChildren(sparkline(samples.map(x => x.cpuPercent), 'CPU ' + last.cpuPercent.toFixed(1) + '%'), ' ',
        sparkline(samples.map(x => x.rssBytes), 'memory ' + mib(last.rssBytes)));
    }
  }).catch(() => {});

  const filter = el('input', { id: 'log-filter', placeholder: 'filter', autocomplete: 'off' });
  const logs = el('pre', { id: 'logs' });
  const lines = [];
  const render = () => {
    const f = filter.value;
    logs.textContent = lines.filter(l => !f || l.includes(f)).join('\n');
    logs.scrollTop = logs.scrollHeight;
  };
  filter.addEventListener('input', render);

  const buildLog = el('pre', { id: 'build-log', hidden: true });
  const releases = await api('GET', base + '/releases');
  const releaseTable = el('table', { id: 'releases' },
    el('thead', {}, el('tr', {}, ['release', 'status', 'created', 'by', 'node', 'note', ''].map(h => el('th', {}, h)))),
    el('tbody', {}, releases.map(r => el('tr', { 'data-release': r.number },
      el('td', {}, 'v' + r.number), el('td', {}, badge(r.status || ''), r.failed ? el('div', { class: 'muted' }, r.failed) : ''),
      el('td', {}, ago(r.created)), el('td', {}, r.createdBy || ''), el('td', {}, r.node || ''), el('td', {}, r.note || ''),
      el('td', {},
        el('button', { onclick: async () => {
          try { buildLog.textContent = await api('GET', base + '/build-log?release=' + r.number); buildLog.hidden = false; }
          catch (e) { failed(e); }
        } }, 'Build log'), ' ',
        r.current ? '' : el('button', { class: 'rollback', 'data-rollback': r.number,
          onclick: act('POST', '/rollback', { release: r.number }, 'rolled back to v' + r.number) }, 'Roll back'))))));

  const env = el('div', { id: 'env' });
  const events = el('table', { id: 'events' });
  const settings = el('div', { id: 'settings' });
  main(header, el('h2', {}, 'Instances'), instances,
    el('h2', {}, 'Logs'), el('div', { class: 'row' }, filter, el('span', { class: 'muted', id: 'log-state' }, 'following')), logs,
    el('h2', {}, 'Releases'), releaseTable, buildLog,
    el('h2', {}, 'Environment'), env,
    settings,
    el('h2', {}, 'Events'), events);
  appSettings(base, settings, act);

  followLogs(base, lines, render);
  envEditor(base, env, reload).catch(failed);
  api('GET', '/v1/events?limit=30&app=' + encodeURIComponent(id)).then(list => {
    events.replaceChildren(el('tbody', {}, list.slice().reverse().map(e => el('tr', {},
      el('td', {}, ago(e.time)), el('td', {}, e.type), el('td', {}, e.release ? 'v' + e.release : ''), el('td', {}, e.message || '')))));
  }).catch(failed);
}

// Domains (add, remove), certificates, health check, alerts and volumes: what skep domains|certs|health|alerts|
// volumes show. A section whose route this process does not serve (a controller without a monitor) says so.
function appSettings(base, box, act) {
  const section = (id, title, path, render) => {
    const body = el('div', { id });
    box.append(el('h2', {}, title), body);
    api('GET', base + path).then(v => body.replaceChildren(...[].concat(render(v))))
      .catch(e => body.replaceChildren(el('p', { class: 'muted' }, e.message)));
  };
  const domain = el('input', { id: 'domain-name', placeholder: 'shop.example.com' });
  section('domains', 'Domains', '/domains', d => [
    el('ul', {}, el('li', {}, el('code', {}, d.defaultHost), ' ', el('span', { class: 'muted' }, 'default')),
      ...(d.domains || []).map(n => el('li', { 'data-domain': n }, el('code', {}, n), ' ',
        el('button', { class: 'danger', onclick: act('DELETE', '/domains/' + encodeURIComponent(n), undefined, 'removed ' + n) }, 'Remove')))),
    el('div', { class: 'row' }, domain, el('button', { id: 'domain-add', onclick: () => act('POST', '/domains', { domain: domain.value }, 'added ' + domain.value)() }, 'Add domain'))]);
  section('certificates', 'Certificates', '/certificates', list => list.length === 0 ? el('p', { class: 'muted' }, 'none (the router\'s default certificate)') :
    el('table', {}, el('tbody', {}, list.map(c => el('tr', {}, el('td', {}, el('code', {}, c.domain)), el('td', {}, c.subject),
      el('td', {}, 'until ' + (c.notAfter || '').slice(0, 10)))))));
  section('health', 'Health check', '/health', h => el('p', {}, h.type === 'off' ? 'off (a crash is what restarts it)' :
    h.type === 'tcp' ? 'TCP connect' : 'GET ' + h.path + (h.interval ? ' every ' + h.interval : '')));
  section('alerts', 'Alerts', '/alerts', a => el('ul', {},
    el('li', {}, 'mail: ' + ((a.mail || []).join(', ') || 'none')),
    el('li', {}, 'webhooks: ' + ((a.webhooks || []).join(', ') || 'none')),
    el('li', {}, 'rules: ' + ((a.rules || []).map(r => r.name || r.type || JSON.stringify(r)).join(', ') || 'the defaults'))));
  section('volumes', 'Volumes', '/volumes', v => (v.volumes || []).length === 0 ? el('p', { class: 'muted' }, 'none') : [
    el('table', {}, el('tbody', {}, v.volumes.map(x => el('tr', { 'data-volume': x.path }, el('td', {}, el('code', {}, x.path)),
      el('td', {}, x.agent || ''), el('td', {}, x.bytes == null ? '' : mib(x.bytes)))))),
    v.disk ? el('p', { class: 'muted' }, 'disk: ' + mib(v.disk.used) + ' of ' + mib(v.disk.quota) + ' (' + v.disk.mode + ')') : '']);
}

// The log route streams text while the request is open; aborting the fetch closes the connection, which ends
// the server's follow.
async function followLogs(base, lines, render) {
  const controller = new AbortController();
  state.stream = controller;
  try {
    const res = await fetch(base + '/logs?tail=200&follow=true', { credentials: 'same-origin', headers: sessionHeaders(), signal: controller.signal });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let partial = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      partial += value;
      const parts = partial.split('\n');
      partial = parts.pop();
      const fresh = parts.filter(l => l.length > 0); // bare newlines are the server's keep-alives
      if (fresh.length) {
        lines.push(...fresh);
        if (lines.length > 2000) lines.splice(0, lines.length - 2000);
        render();
      }
    }
    const s = document.getElementById('log-state');
    if (s) s.textContent = 'stream ended';
  } catch (e) {
    if (e.name !== 'AbortError') failed(e);
  }
}

async function envEditor(base, box, reload) {
  const env = await api('GET', base + '/env');
  const keys = Object.keys(env.env || {}).sort();
  const rows = keys.map(k => {
    const value = el('code', { class: 'masked' }, '••••••');
    let shown = false;
    return el('tr', { 'data-key': k },
      el('td', {}, el('code', {}, k)), el('td', {}, value),
      el('td', {},
        el('button', { onclick: (ev) => { shown = !shown; value.textContent = shown ? env.env[k] : '••••••'; ev.target.textContent = shown ? 'Hide' : 'Reveal'; } }, 'Reveal'), ' ',
        el('button', { class: 'danger', onclick: async () => {
          if (!confirm('Unset ' + k + '? This makes a new release.')) return;
          try { await api('PATCH', base + '/env', { unset: [k] }); toast('unset ' + k); reload(); } catch (e) { failed(e); }
        } }, 'Unset')));
  });
  const key = el('input', { id: 'env-key', placeholder: 'KEY' });
  const val = el('input', { id: 'env-value', placeholder: 'value', type: 'password', autocomplete: 'off' });
  box.replaceChildren(
    el('table', {}, el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { class: 'muted' }, 'no config vars')))),
    el('div', { class: 'row' }, key, val, el('button', { id: 'env-set', onclick: async () => {
      try { await api('PATCH', base + '/env', { set: { [key.value]: val.value } }); toast('set ' + key.value); reload(); } catch (e) { failed(e); }
    } }, 'Set (new release)')));
}

async function tokensPage() {
  const tokens = await api('GET', '/v1/tokens');
  main(el('h1', {}, 'Tokens'),
    el('table', { id: 'tokens' }, el('thead', {}, el('tr', {}, ['id', 'user', 'created', 'expires', ''].map(h => el('th', {}, h)))),
      el('tbody', {}, tokens.map(t => el('tr', {},
        el('td', {}, el('code', {}, t.id)), el('td', {}, t.user), el('td', {}, ago(t.created)), el('td', {}, t.expires || 'never'),
        el('td', {}, el('button', { class: 'danger', onclick: async () => {
          if (!confirm('Revoke token ' + t.id + '? Sessions made with it end too.')) return;
          try { await api('DELETE', '/v1/tokens/' + t.id); toast('revoked ' + t.id); route(); } catch (e) { failed(e); }
        } }, 'Revoke')))))));
}

async function usersPage() {
  const users = await api('GET', '/v1/users');
  const name = el('input', { id: 'user-name', placeholder: 'name' });
  const admin = el('input', { id: 'user-admin', type: 'checkbox' });
  const made = el('pre', { hidden: true });
  main(el('h1', {}, 'Users'),
    el('table', { id: 'users' }, el('thead', {}, el('tr', {}, ['name', 'admin', 'created', 'tokens', ''].map(h => el('th', {}, h)))),
      el('tbody', {}, users.map(u => el('tr', {},
        el('td', {}, u.name), el('td', {}, u.admin ? 'admin' : ''), el('td', {}, ago(u.created)), el('td', {}, (u.tokens || []).length),
        el('td', {}, el('button', { class: 'danger', onclick: async () => {
          if (!confirm('Remove user ' + u.name + '?')) return;
          try { await api('DELETE', '/v1/users/' + u.name); toast('removed ' + u.name); route(); } catch (e) { failed(e); }
        } }, 'Remove')))))),
    el('h2', {}, 'Add a user'),
    el('div', { class: 'row' }, name, el('label', {}, admin, ' admin'), el('button', { onclick: async () => {
      try {
        const t = await api('POST', '/v1/users', { name: name.value, admin: admin.checked });
        made.textContent = 'token for ' + t.user + ' (shown once): ' + t.token;
        made.hidden = false;
      } catch (e) { failed(e); }
    } }, 'Add')), made);
}

async function auditPage() {
  const entries = await api('GET', '/v1/audit?limit=200');
  main(el('h1', {}, 'Audit log'),
    el('table', { id: 'audit' }, el('thead', {}, el('tr', {}, ['when', 'user', 'from', 'action', 'app', 'status'].map(h => el('th', {}, h)))),
      el('tbody', {}, entries.slice().reverse().map(a => el('tr', {},
        el('td', { title: a.time }, ago(a.time)), el('td', {}, a.user || ''), el('td', {}, a.from || ''),
        el('td', {}, a.action), el('td', {}, a.app || ''), el('td', {}, a.status))))));
}

// The agents as GET /v1/agents shows them (admins only); drain moves an agent's instances away, rolling.
async function clusterPage() {
  const agents = await api('GET', '/v1/agents');
  const health = await api('GET', '/v1/cluster');
  const drain = (a, on) => async () => {
    if (on && !confirm('Drain ' + a.id + '? Its instances move to other agents and it takes no new work.')) return;
    try { await api('POST', '/v1/agents/' + encodeURIComponent(a.id) + '/' + (on ? 'drain' : 'undrain')); toast((on ? 'draining ' : 'undrained ') + a.id); route(); }
    catch (e) { failed(e); }
  };
  main(el('h1', {}, 'Cluster'),
    agents.length === 0 ? el('p', { class: 'muted', id: 'no-agents' }, 'No agent has registered.') :
      el('table', { id: 'agents' }, el('thead', {}, el('tr', {}, ['agent', 'address', 'state', 'instances', 'memory used', 'memory free', 'CPUs', 'labels', 'version', 'pinned apps', ''].map(h => el('th', {}, h)))),
        el('tbody', {}, agents.map(a => el('tr', { 'data-agent': a.id },
          el('td', {}, a.id), el('td', {}, a.host || ''), el('td', {}, badge(a.state)), el('td', {}, a.instances),
          el('td', {}, a.memoryUsedBytes ? mib(a.memoryUsedBytes) : ''), el('td', {}, a.memoryFreeBytes ? mib(a.memoryFreeBytes) : ''),
          el('td', {}, a.cpus || ''), el('td', {}, Object.entries(a.labels || {}).map(([k, v]) => k + '=' + v).join(' ')),
          el('td', {}, a.version || ''), el('td', {}, (a.pinned || []).join(' ')),
          el('td', {}, a.state === 'draining' ? el('button', { class: 'undrain', onclick: drain(a, false) }, 'Undrain')
            : el('button', { class: 'danger drain', onclick: drain(a, true) }, 'Drain')))))),
    el('h2', {}, 'State store'),
    el('p', { id: 'state-store' }, health.stateReachable ? badge('reachable') : badge('cut-off'), ' ',
      health.stateReachable ? 'ZooKeeper answers; route change ' + health.routeEpoch
        : 'ZooKeeper is unreachable: this is the last known state, and changes are refused until it is back'),
    el('h2', {}, 'Routers'),
    health.routers.length === 0 ? el('p', { class: 'muted' }, 'No router reports.') :
      el('table', { id: 'routers' }, el('thead', {}, el('tr', {}, ['router', 'address', 'HTTPS port', 'route change applied'].map(h => el('th', {}, h)))),
        el('tbody', {}, health.routers.map(r => el('tr', { 'data-router': r.id },
          el('td', {}, r.id), el('td', {}, r.host ? r.host + ':' + r.port : ''), el('td', {}, r.httpsPort || ''),
          el('td', {}, r.routeEpochApplied == null ? '' : String(r.routeEpochApplied) + (r.routeEpochApplied >= health.routeEpoch ? '' : ' (behind)')))))));
}

window.addEventListener('hashchange', async () => { if (!(await loginByLink())) route(); });
document.addEventListener('DOMContentLoaded', boot);

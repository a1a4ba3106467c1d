// Bridge ops console: plain DOM, data from Bridge's own APIs with the session cookie; every action sends the CSRF token.
(() => {
  'use strict';
  const state = { csrf: null, charts: {}, timer: null, job: null };
  window.bridgeConsole = state; // the charts' data is readable for checks (state.charts.throughput.data)
  const $ = (id) => document.getElementById(id);

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf ?? '';
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (response.status === 401 && path !== '/console/session' && state.csrf) {
      // The session ended (signed out elsewhere, expired): stop polling and ask to sign in again.
      clearInterval(state.timer); clearInterval(state.job); state.csrf = null; showLogin();
    }
    if (!response.ok) {
      const error = new Error(json?.detail ?? json?.title ?? `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return json;
  }

  function cell(row, text) { const td = row.insertCell(); td.textContent = text ?? ''; return td; }
  function button(label, onClick, danger) {
    const b = document.createElement('button'); b.type = 'button'; b.textContent = label; if (danger) b.className = 'danger';
    b.addEventListener('click', onClick); return b;
  }
  const fmt = (n, digits = 2) => (n === null || n === undefined ? '—' : Number(n).toFixed(digits));
  const when = (t) => (t ? new Date(t).toLocaleString() : '—');
  state.lib = { api, $, cell, button, fmt, when }; // for the views in the other scripts (alerts.js, dead-letter.js)

  // Session
  async function start() {
    const session = await api('GET', '/console/session').catch(() => null);
    if (session) signedIn(session); else showLogin();
  }
  function showLogin() {
    $('login').hidden = false; $('nav').hidden = true; $('sign-out').hidden = true; $('operator').textContent = '';
    document.querySelectorAll('.view').forEach((v) => { v.hidden = true; });
    $('key').focus();
  }
  function signedIn(session) {
    state.csrf = session.csrfToken;
    $('login').hidden = true; $('nav').hidden = false; $('sign-out').hidden = false;
    $('operator').textContent = `Signed in as ${session.operator}`;
    route();
  }
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    try {
      signedIn(await api('POST', '/console/session', { key: $('key').value }));
      $('key').value = '';
    } catch (err) { $('login-error').textContent = err.message; }
  });
  $('sign-out').addEventListener('click', async () => { await api('DELETE', '/console/session'); state.csrf = null; showLogin(); });

  // Routing
  const views = { overview: showOverview, subscriptions: showSubscriptions, 'dead-letters': showDeadLetters, events: showEvents };
  state.views = views; // alerts.js adds its own
  function route() {
    if (!state.csrf) return;
    const name = (location.hash || '#overview').slice(1);
    const view = views[name] ? name : 'overview';
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== `view-${view}`; });
    document.querySelectorAll('nav a').forEach((a) => { if (a.getAttribute('href') === `#${view}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current'); });
    clearInterval(state.timer);
    views[view]();
  }
  window.addEventListener('hashchange', route);

  // Overview: live charts from the in-process aggregates, every 2 s
  function chart(id, series) {
    const element = $(id);
    const width = Math.max(320, element.clientWidth || 900);
    const lines = series.map((s) => ({ width: 2, points: { show: true, size: 4 }, ...s }));
    return new uPlot({ width, height: 240, series: [{}, ...lines], axes: [{}, {}], scales: { x: { time: true } } }, [[], ...series.map(() => [])], element);
  }
  async function refreshOverview() {
    const window = document.querySelector('input[name=window]:checked').value;
    const m = await api('GET', `/console/api/metrics?window=${window}`);
    const start = Date.parse(m.start) / 1000;
    const xs = m.published.map((_, i) => start + i * m.stepSeconds);
    state.charts.throughput.setData([xs, m.published, m.delivered, m.failed, m.deadLettered]);
    state.charts.latency.setData([xs, m.latencyP50, m.latencyP99]);
    const total = (series) => Math.round(series.reduce((a, b) => a + b, 0) * m.stepSeconds);
    const label = document.querySelector('input[name=window]:checked').parentElement.textContent.trim();
    $('overview-totals').textContent = `Last ${label}: ${total(m.published)} published, ${total(m.delivered)} delivered, `
      + `${total(m.failed)} failed attempts, ${total(m.deadLettered)} dead-lettered.`;
    const body = $('per-subscription').tBodies[0];
    body.replaceChildren();
    for (const s of m.subscriptions) {
      const row = body.insertRow();
      [s.topic, s.subscription, s.delivered, s.failedAttempts, s.deadLettered, `${fmt(s.retryRate * 100, 1)} %`, fmt(s.latencyP50, 3), fmt(s.latencyP99, 3)].forEach((v) => cell(row, String(v)));
    }
  }
  function showOverview() {
    if (!state.charts.throughput) {
      state.charts.throughput = chart('chart-throughput', [
        { label: 'published', stroke: '#0b63c9' }, { label: 'delivered', stroke: '#1a7f37' },
        { label: 'failed', stroke: '#bf8700' }, { label: 'dead-lettered', stroke: '#cf222e' }]);
      state.charts.latency = chart('chart-latency', [{ label: 'p50', stroke: '#1a7f37' }, { label: 'p99', stroke: '#8250df' }]);
      document.querySelectorAll('input[name=window]').forEach((r) => r.addEventListener('change', refreshOverview));
    }
    const refresh = () => Promise.all([refreshOverview(), state.refreshOpenAlerts?.()]).catch(() => {});
    refresh();
    state.timer = setInterval(refresh, 2000);
  }

  // Subscriptions, with their endpoint state, backlog (chart: backlog.js) and pause/resume
  async function showSubscriptions() {
    const [subscriptions, endpoints] = await Promise.all([
      api('GET', '/api/subscriptions'),
      api('GET', '/api/endpoints').catch(() => []),
    ]);
    const body = $('subscriptions').tBodies[0];
    body.replaceChildren();
    for (const s of subscriptions.items) {
      const e = endpoints.find((x) => x.topic === s.topic && x.subscription === s.name);
      const row = body.insertRow();
      row.dataset.subscription = `${s.topic}/${s.name}`; // backlog.js keeps its figures current
      const filter = [s.filter.types?.length ? `types: ${s.filter.types.join(', ')}` : '', s.filter.subject ? `subject: ${s.filter.subject}` : ''].filter(Boolean).join('; ') || 'all';
      [s.topic, s.name, filter, s.delivery === 'pull' ? 'pull (received over HTTP)' : s.url, s.batch ? `${s.format}, batches of up to ${s.batch.maxEvents} within ${s.batch.maxWaitMilliseconds} ms` : s.format ?? '—', s.problem ? `failed: ${s.problem}` : e ? (e.paused ? `paused (${e.pauseMode ?? 'manual'})` : 'active') : '—', e?.circuit ?? '—', s.backlog?.pending ?? '—', s.backlog?.held ?? '—', e ? `${e.inFlight} / ${e.concurrency}` : s.concurrency ? `— / ${s.concurrency}` : '—', s.deadLetterCount]
        .forEach((v) => cell(row, String(v)));
      const actions = row.insertCell();
      actions.append(button('Details', () => {
        $('sub-detail').hidden = false;
        $('sub-detail-title').textContent = `Subscription ${s.topic}/${s.name}`;
        $('sub-detail-body').textContent = JSON.stringify({ subscription: s, endpoint: e ?? null }, null, 2);
        $('sub-detail-title').focus();
      }), ' ', button('Dead letters', () => { $('dl-subscription').value = `${s.topic}/${s.name}`; location.hash = '#dead-letters'; }), ' ');
      if (e) {
        const path = `/api/topics/${encodeURIComponent(s.topic)}/subscriptions/${encodeURIComponent(s.name)}/endpoint/${e.paused ? 'resume' : 'pause'}`;
        actions.append(button(e.paused ? 'Resume' : 'Pause', async () => { await api('POST', path, e.paused ? undefined : { reason: 'paused from the console' }); showSubscriptions(); }));
      }
    }
    state.backlogSample?.(subscriptions.items, endpoints); // backlog.js: the chart's first point, its subscriptions
    const select = $('dl-subscription');
    const current = select.value;
    select.replaceChildren(...subscriptions.items.map((s) => new Option(`${s.topic}/${s.name} (${s.deadLetterCount})`, `${s.topic}/${s.name}`)));
    if (current) select.value = current;
  }

  // Dead letters: filter, inspect, replay one / a selection / all matching (a replay job with progress), purge
  function deadLetterPath() {
    const [topic, subscription] = $('dl-subscription').value.split('/');
    return `/api/topics/${encodeURIComponent(topic)}/subscriptions/${encodeURIComponent(subscription)}`;
  }
  function filter() {
    const iso = (v) => (v ? new Date(v).toISOString() : undefined);
    return { reason: $('dl-reason').value || undefined, type: $('dl-type').value || undefined, from: iso($('dl-from').value), to: iso($('dl-to').value) };
  }
  async function loadDeadLetters() {
    const f = filter();
    const query = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
    const page = await api('GET', `${deadLetterPath()}/dead-letters?${query}`);
    const body = $('dead-letters').tBodies[0];
    body.replaceChildren();
    for (const d of page.items) {
      const row = body.insertRow();
      const box = document.createElement('input'); box.type = 'checkbox'; box.value = d.messageId; box.setAttribute('aria-label', `Select ${d.messageId}`);
      row.insertCell().append(box);
      [d.messageId, d.type, d.reason, d.deliveryCount, new Date(d.deadLetteredTime).toLocaleString()].forEach((v) => cell(row, String(v)));
      const actions = row.insertCell();
      actions.append(button('Inspect', () => inspect(d.messageId)), ' ', button('Replay', () => replay([d.messageId])));
    }
    $('dl-status').textContent = `${page.items.length} dead letter(s)`;
  }
  async function inspect(id) {
    const detail = await api('GET', `${deadLetterPath()}/dead-letters/${encodeURIComponent(id)}`);
    $('dl-detail').hidden = false;
    state.renderDeadLetter(detail);
    $('dl-detail-title').focus?.();
  }
  const selected = () => [...document.querySelectorAll('#dead-letters tbody input:checked')].map((b) => b.value);
  async function replay(ids) {
    if (!ids.length) { $('dl-status').textContent = 'Select dead letters first.'; return; }
    const target = $('dl-target').value;
    const job = await api('POST', `${deadLetterPath()}/replay-jobs`, { filter: { messageIds: ids }, targetUrl: target || undefined });
    followJob(job);
  }
  async function replayAll() {
    const f = filter();
    const described = Object.entries(f).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(', ') || 'all';
    if (!confirm(`Replay every dead letter of ${$('dl-subscription').value} matching ${described}?`)) return;
    const job = await api('POST', `${deadLetterPath()}/replay-jobs`, { filter: { ...f, all: true }, targetUrl: $('dl-target').value || undefined });
    followJob(job);
  }
  function followJob(job) {
    $('job').hidden = false;
    const show = (j) => { $('job-label').textContent = `Replay job ${j.id}: ${j.status}`; $('job-progress').value = j.percent; $('job-percent').textContent = `${fmt(j.percent, 0)} % (${j.replayed}/${j.total})`; };
    show(job);
    clearInterval(state.job);
    state.job = setInterval(async () => {
      const j = await api('GET', `/api/replay-jobs/${encodeURIComponent(job.id)}`);
      show(j);
      if (!['Pending', 'Running'].includes(j.status)) { clearInterval(state.job); loadDeadLetters(); }
    }, 500);
  }
  async function purge() {
    const ids = selected();
    if (!ids.length) { $('dl-status').textContent = 'Select dead letters first.'; return; }
    if (!confirm(`Purge ${ids.length} dead letter(s) for good? They will not be delivered.`)) return;
    const result = await api('POST', `${deadLetterPath()}/dead-letters/purge`, { messageIds: ids });
    $('dl-status').textContent = `Purged ${result.purged}`;
    loadDeadLetters();
  }
  async function showDeadLetters() {
    if (!$('dl-subscription').options.length) await showSubscriptions().catch(() => {});
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-dead-letters'; });
    if ($('dl-subscription').value) await loadDeadLetters();
  }
  $('dead-letter-filter').addEventListener('submit', (e) => { e.preventDefault(); loadDeadLetters().catch((err) => { $('dl-status').textContent = err.message; }); });
  $('dl-replay-selected').addEventListener('click', () => replay(selected()).catch((err) => { $('dl-status').textContent = err.message; }));
  $('dl-replay-all').addEventListener('click', () => replayAll().catch((err) => { $('dl-status').textContent = err.message; }));
  $('dl-purge').addEventListener('click', () => purge().catch((err) => { $('dl-status').textContent = err.message; }));

  // Event search: by message id, else by correlation id, with its delivery timeline
  function showEvents() { $('event-query').focus(); showRetention(); }
  // What the store keeps how long (GET /api/retention); periods come as d.hh:mm:ss
  const period = (s) => {
    const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(s ?? '');
    const days = Number(m?.[1] ?? 0);
    return m && days && m[2] === '00' && m[3] === '00' && m[4] === '00' ? `${days} day${days === 1 ? '' : 's'}` : s;
  };
  async function showRetention() {
    const r = await api('GET', '/api/retention').catch(() => null);
    if (!r) return;
    const topics = Object.entries(r.topics).map(([t, p]) => `${t} ${period(p)}`).join(', ');
    $('event-retention').textContent = `Kept: events, attempts and deliveries ${period(r.events)}${topics ? ` (topics: ${topics})` : ''}; `
      + `dead-letter and replay records ${period(r.deadLetters)} (the dead letters themselves stay replayable in the broker).`;
  }
  $('event-search').addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = $('event-query').value.trim();
    try {
      let id = q;
      let detail = await api('GET', `/api/events/${encodeURIComponent(q)}`).catch(() => null);
      if (!detail) {
        const page = await api('GET', `/api/events?correlationId=${encodeURIComponent(q)}`);
        if (!page.items.length) { $('event-status').textContent = 'No event with that id or correlation id.'; $('event-result').textContent = ''; return; }
        id = page.items[0].messageId;
        detail = await api('GET', `/api/events/${encodeURIComponent(id)}`);
      }
      const timeline = await api('GET', `/api/events/${encodeURIComponent(id)}/timeline`);
      $('event-status').textContent = `Event ${id}`;
      $('event-result').textContent = JSON.stringify({ ...detail, timeline: timeline.entries }, null, 2);
    } catch (err) { $('event-status').textContent = err.message; }
  });

  start();
})();

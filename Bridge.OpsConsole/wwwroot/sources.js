// Bridge ops console: broker sources, and the messages each could not read, to replay through its current mapping or purge.
(() => {
  'use strict';
  const state = window.bridgeConsole;
  const { api, $, cell, button, when } = state.lib;
  const size = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);

  async function act(path, method, done) {
    try {
      const result = await api(method, path);
      $('source-status').textContent = done(result);
    } catch (err) { $('source-status').textContent = err.message; }
    await showSources();
  }

  async function showDeadLetters(source) {
    $('source-dead-letters-title').textContent = `Open dead letters of ${source}`;
    const page = await api('GET', `/api/sources/${encodeURIComponent(source)}/dead-letters?state=open&limit=100`);
    const body = $('source-dead-letters').tBodies[0];
    body.replaceChildren();
    for (const d of page.items) {
      const row = body.insertRow();
      [d.id, d.messageId ?? '—', d.reason, d.description ?? '', d.contentType ?? '—', size(d.size), when(d.deadLetteredAt)].forEach((v) => cell(row, v));
      const actions = row.insertCell();
      const path = `/api/sources/${encodeURIComponent(source)}/dead-letters/${d.id}`;
      actions.append(
        button('Replay', () => act(`${path}/replay`, 'POST', (r) => `Dead letter ${d.id} replayed: ${r.published.length} event(s) published.`)), ' ',
        button('Purge', () => act(path, 'DELETE', () => `Dead letter ${d.id} purged.`), true));
    }
    $('source-dead-letters').hidden = page.items.length === 0;
    $('source-replay-all').hidden = page.items.length === 0;
    $('source-replay-all').onclick = () => act(`/api/sources/${encodeURIComponent(source)}/dead-letters/replay`, 'POST',
      (r) => `${r.replayed.length} replayed, ${r.stillFailing.length} still unreadable.`);
    $('source-dead-letters-empty').hidden = page.items.length > 0;
  }

  async function showSources() {
    let sources;
    try { sources = await api('GET', '/api/sources'); } catch (err) {
      // A replay service on its own serves no sources: the publisher service reads them.
      $('sources-status').textContent = err.status === 404 ? 'Sources are read by the publisher service, not this one.' : err.message;
      $('sources').tBodies[0].replaceChildren(); $('source-detail').hidden = true;
      return;
    }
    const body = $('sources').tBodies[0];
    body.replaceChildren();
    for (const s of sources.items) {
      const row = body.insertRow();
      [s.name, s.broker, s.entity, s.topic, s.openDeadLetters].forEach((v) => cell(row, v));
      row.insertCell().append(button('Dead letters', () => { state.source = s.name; showDeadLetters(s.name); }));
    }
    $('sources-status').textContent = sources.items.length ? `${sources.items.length} source(s)` : 'No broker source is configured (Bridge:Sources).';
    const current = sources.items.find((s) => s.name === state.source) ?? sources.items[0];
    $('source-detail').hidden = !current;
    if (current) { state.source = current.name; await showDeadLetters(current.name); }
  }
  state.views.sources = showSources;
})();

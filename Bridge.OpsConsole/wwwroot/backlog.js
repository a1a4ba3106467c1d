// Bridge ops console: the backlog of each subscription (pending, held, in flight, dead-lettered) over time, sampled
// every 3 s while the Subscriptions view is open; the chart shows the selected subscription or the total of all.
(() => {
  'use strict';
  const state = window.bridgeConsole;
  const { api, $ } = state.lib;
  const figures = ['pending', 'held', 'inFlight', 'deadLettered'];
  const samples = []; // { t: seconds, items: { 'topic/name': { pending, held, inFlight, deadLettered } } }, the last 600 (30 min)

  function chart() {
    const element = $('chart-backlog');
    const series = [
      { label: 'pending', stroke: '#0b63c9' }, { label: 'held', stroke: '#bf8700' },
      { label: 'in flight', stroke: '#1a7f37' }, { label: 'dead-lettered', stroke: '#cf222e' }]
      .map((s) => ({ width: 2, points: { show: true, size: 4 }, ...s }));
    return new uPlot({ width: Math.max(320, element.clientWidth || 900), height: 240, series: [{}, ...series], axes: [{}, {}], scales: { x: { time: true } } },
      [[], [], [], [], []], element);
  }

  // Figures of one subscription: the overview's backlog, in flight from the endpoint (the delivering process) when the overview has none.
  function figuresOf(s, endpoints) {
    const e = endpoints.find((x) => x.topic === s.topic && x.subscription === s.name);
    const b = s.backlog ?? {};
    return { pending: b.pending ?? null, held: b.held ?? null, inFlight: b.inFlight ?? e?.inFlight ?? null, deadLettered: b.deadLettered ?? s.deadLetterCount ?? null };
  }

  function record(items, endpoints) {
    samples.push({ t: Date.now() / 1000, items: Object.fromEntries(items.map((s) => [`${s.topic}/${s.name}`, figuresOf(s, endpoints)])) });
    if (samples.length > 600) samples.shift();
    // The table's pending, held and dead-letter cells follow the samples (the rest of a row changes only when the view is shown again).
    for (const [key, f] of Object.entries(samples.at(-1).items)) {
      const cells = document.querySelector(`#subscriptions tr[data-subscription="${CSS.escape(key)}"]`)?.cells;
      if (!cells) continue;
      cells[7].textContent = String(f.pending ?? '—'); cells[8].textContent = String(f.held ?? '—'); cells[10].textContent = String(f.deadLettered ?? '—');
    }
    const select = $('backlog-subscription');
    const keys = items.map((s) => `${s.topic}/${s.name}`);
    const shown = [...select.options].slice(1).map((o) => o.value);
    if (shown.join('\n') !== keys.join('\n')) {
      const current = select.value;
      select.replaceChildren(new Option('All subscriptions (total)', ''), ...keys.map((k) => new Option(k, k)));
      select.value = keys.includes(current) ? current : '';
    }
    draw();
  }

  // A figure of the selection: the subscription's, or the sum over all (null when none of them knows it).
  function valueAt(sample, key, figure) {
    const rows = key ? [sample.items[key]].filter(Boolean) : Object.values(sample.items);
    const known = rows.map((r) => r[figure]).filter((v) => v !== null && v !== undefined);
    return known.length ? known.reduce((a, b) => a + b, 0) : null;
  }

  function draw() {
    state.charts.backlog ??= chart();
    const key = $('backlog-subscription').value;
    state.charts.backlog.setData([samples.map((s) => s.t), ...figures.map((f) => samples.map((s) => valueAt(s, key, f)))]);
    const last = samples.at(-1);
    if (!last) return;
    const [pending, held, inFlight, deadLettered] = figures.map((f) => valueAt(last, key, f) ?? '—');
    $('backlog-figures').textContent = `${key || 'All subscriptions'}: ${pending} pending, ${held} held, ${inFlight} in flight, ${deadLettered} dead-lettered`
      + ` (at ${new Date(last.t * 1000).toLocaleTimeString()}).`;
  }

  async function sample() {
    const [subscriptions, endpoints] = await Promise.all([api('GET', '/api/subscriptions'), api('GET', '/api/endpoints').catch(() => [])]);
    record(subscriptions.items, endpoints);
  }

  state.backlogSample = record;
  $('backlog-subscription').addEventListener('change', draw);
  const showSubscriptions = state.views.subscriptions;
  state.views.subscriptions = async () => {
    clearInterval(state.timer);
    state.timer = setInterval(() => sample().catch(() => {}), 3000);
    await showSubscriptions();
  };
})();

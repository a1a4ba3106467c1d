// Bridge ops console: open alerts (also on the overview and as a count in the menu), their history and the rules.
(() => {
  'use strict';
  const state = window.bridgeConsole;
  const { api, $, cell, when } = state.lib;
  const lasted = (a) => {
    const seconds = Math.max(0, (Date.parse(a.clearedAt ?? new Date().toISOString()) - Date.parse(a.openedAt)) / 1000);
    return seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
  };
  const value = (a, v) => (a.kind === 'failureRatio' ? `${(v * 100).toFixed(0)} %` : a.kind === 'endpointUnavailable' ? `${v} s` : String(v));

  async function refreshOpenAlerts() {
    const open = await api('GET', '/api/alerts?state=open').catch(() => null);
    if (!open) return null;
    const badge = $('alert-count');
    badge.hidden = open.items.length === 0;
    badge.textContent = String(open.items.length);
    badge.setAttribute('aria-label', `${open.items.length} open`);
    $('overview-alerts').hidden = open.items.length === 0;
    $('overview-alert-list').replaceChildren(...open.items.map((a) => {
      const li = document.createElement('li'); li.textContent = `${a.rule}: ${a.summary} (since ${when(a.openedAt)})`; return li;
    }));
    return open;
  }
  state.refreshOpenAlerts = refreshOpenAlerts;

  async function showAlerts() {
    const [open, history, rules] = await Promise.all([
      refreshOpenAlerts(), api('GET', '/api/alerts?state=all&limit=100'), api('GET', '/api/alert-rules')]);
    const openBody = $('alerts-open').tBodies[0];
    openBody.replaceChildren();
    for (const a of open?.items ?? []) {
      const row = openBody.insertRow();
      [a.rule, a.kind, a.subject + (a.members.length > 1 ? ` (${a.members.join(', ')})` : ''), when(a.openedAt), value(a, a.value), value(a, a.peak), value(a, a.threshold), a.summary]
        .forEach((v) => cell(row, v));
    }
    $('alerts-open-status').textContent = open?.items.length ? `${open.items.length} open` : 'No open alert.';
    const historyBody = $('alerts-history').tBodies[0];
    historyBody.replaceChildren();
    for (const a of history.items.filter((x) => x.state === 'cleared')) {
      const row = historyBody.insertRow();
      [a.rule, a.subject, when(a.openedAt), when(a.clearedAt), lasted(a), value(a, a.peak), a.summary].forEach((v) => cell(row, v));
    }
    const rulesBody = $('alert-rules').tBodies[0];
    rulesBody.replaceChildren();
    for (const r of rules.items) {
      const x = r.rule;
      const scope = [x.topic, x.subscription].filter(Boolean).join('/') || (x.publisher ? `publisher ${x.publisher}` : 'all');
      const span = x.kind === 'endpointUnavailable' ? x.for : x.kind === 'deadLetterDepth' ? '—' : x.window;
      const tr = rulesBody.insertRow();
      [r.name, r.origin, x.kind, scope, x.threshold ?? 'default', span, x.minInterval, x.groupBy].forEach((v) => cell(tr, v));
    }
    clearInterval(state.timer);
    if (location.hash === '#alerts') state.timer = setInterval(() => refreshOpenAlerts().catch(() => {}), 5000);
  }
  state.views.alerts = showAlerts;
})();

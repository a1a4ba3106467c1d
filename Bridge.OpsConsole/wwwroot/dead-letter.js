// Bridge ops console: one dead letter as a person reads it — why, when, and every attempt on a timeline.
(() => {
  'use strict';
  const state = window.bridgeConsole;
  const { $, fmt, when } = state.lib;
  const outcomeClass = (o) => (o === 'Delivered' || o === 'Duplicate' ? 'ok' : o === 'Rejected' ? 'rejected' : 'failed');

  function fact(list, term, value) {
    const dt = document.createElement('dt'); dt.textContent = term;
    const dd = document.createElement('dd'); dd.textContent = value ?? '—';
    list.append(dt, dd);
  }

  state.renderDeadLetter = (detail) => {
    const d = detail.deadLetter;
    $('dl-detail-title').textContent = `Dead letter ${d.messageId}`;
    const facts = $('dl-facts');
    facts.replaceChildren();
    fact(facts, 'Reason', d.reason);
    fact(facts, 'Why', d.description);
    fact(facts, 'Event type', d.type);
    fact(facts, 'Subject', d.subject);
    fact(facts, 'Correlation id', d.correlationId);
    fact(facts, 'Deliveries', String(d.deliveryCount));
    fact(facts, 'Enqueued', when(d.enqueuedTime));
    fact(facts, 'Dead-lettered', when(d.deadLetteredTime));

    const timeline = $('dl-timeline');
    timeline.replaceChildren();
    for (const a of detail.attempts) {
      const item = document.createElement('li');
      item.className = outcomeClass(a.outcome);
      const what = document.createElement('span'); what.className = 'what';
      what.textContent = `Attempt ${a.attempt}: ${a.outcome}${a.statusCode ? ` (HTTP ${a.statusCode})` : ''}`;
      const meta = document.createElement('span'); meta.className = 'muted';
      meta.textContent = ` — ${when(a.startedAt)}, ${fmt(a.durationMs, 0)} ms`;
      item.append(what, meta);
      if (a.error) { const e = document.createElement('div'); e.textContent = a.error; item.append(e); }
      if (a.responseExcerpt) { const x = document.createElement('pre'); x.className = 'excerpt'; x.textContent = a.responseExcerpt; item.append(x); }
      timeline.append(item);
    }
    if (!detail.attempts.length) {
      const none = document.createElement('li'); none.textContent = 'No attempt recorded (set aside before any call, or its records were pruned).'; timeline.append(none);
    }
    $('dl-detail-body').textContent = JSON.stringify(detail.envelope, null, 2);
  };
})();

// The drill dashboard: one event stream (server-sent events, read with fetch so that it can
// carry the bearer token), three uPlot charts, and buttons that call the drill's API.
/* global uPlot */
(() => {
  'use strict';

  const MB = 1024 * 1024;
  const TOKEN_KEY = 'leak-lab-drill-token';
  const $ = (id) => document.getElementById(id);

  // --- the token: taken from the URL once, kept for this tab only, dropped from the address bar
  const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token') || new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(null, '', location.pathname);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);

  const view = {
    tz: undefined,
    sloMs: 500,
    mem: [[], [], [], [], [], []],
    traffic: [[], [], []],
    latency: [[], [], []],
    state: null,
    ended: false,
    scenarios: [],
  };
  const charts = {};
  // For tests and the curious: what the charts hold right now.
  window.__drill = { view, charts };

  // --- charts ---------------------------------------------------------------------------
  const mbValue = (u, v) => (v == null ? '-' : `${v.toFixed(1)} MB`);
  // Clock times in the run's zone, 24-hour, like the timeline and the terminal.
  let clockFormat = null;
  const clockOf = (ts) => {
    clockFormat ??= new Intl.DateTimeFormat('en-GB', { timeZone: view.tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    return clockFormat.format(new Date(ts * 1e3));
  };
  function makeChart(id, series, yLabel, yRange) {
    const el = $(id).querySelector('.plot');
    const opts = {
      width: Math.max(300, el.clientWidth),
      height: 200,
      tzDate: (ts) => (view.tz ? uPlot.tzDate(new Date(ts * 1e3), view.tz) : new Date(ts * 1e3)),
      scales: { x: { time: true }, y: { range: yRange } },
      axes: [
        { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, values: (u, splits) => splits.map(clockOf) },
        { label: yLabel, size: 56, stroke: '#6b7280', grid: { stroke: '#eef0f3' } },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [{ label: 'time', value: (u, v) => (v == null ? '-' : clockOf(v)) }, ...series],
    };
    const data = id === 'chart-memory' ? view.mem : id === 'chart-traffic' ? view.traffic : view.latency;
    charts[id] = new uPlot(opts, data, el);
    new ResizeObserver(() => charts[id].setSize({ width: Math.max(300, el.clientWidth), height: 200 })).observe(el);
  }

  const fromZero = (u, min, max) => [0, Math.max(1, max) * 1.08];
  function buildCharts() {
    if (charts['chart-memory']) return;
    const stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
    makeChart(
      'chart-memory',
      [
        { label: 'heap used', stroke: '#2563eb', width: 2, fill: 'rgba(37,99,235,0.10)', value: mbValue },
        { label: 'heap total', stroke: '#7aa2f7', width: 1, value: mbValue },
        { label: 'RSS', stroke: '#7c3aed', width: 1, dash: [4, 4], value: mbValue },
        { label: 'heap cap', stroke: '#dc2626', width: 2, paths: stepped, value: mbValue },
        { label: '80% of cap', stroke: '#d97706', width: 1.5, dash: [8, 5], paths: stepped, value: mbValue },
      ],
      'MB',
      fromZero,
    );
    makeChart(
      'chart-traffic',
      [
        { label: 'answered /s', stroke: '#15803d', width: 2, fill: 'rgba(21,128,61,0.08)', value: (u, v) => (v == null ? '-' : `${v}`) },
        { label: 'failed /s', stroke: '#dc2626', width: 2, fill: 'rgba(220,38,38,0.12)', value: (u, v) => (v == null ? '-' : `${v}`) },
      ],
      'req/s',
      fromZero,
    );
    makeChart(
      'chart-latency',
      [
        { label: 'p99', stroke: '#0f766e', width: 2, value: (u, v) => (v == null ? '-' : `${v.toFixed(0)} ms`) },
        { label: 'SLO', stroke: '#dc2626', width: 1.5, dash: [8, 5], value: (u, v) => (v == null ? '-' : `${v} ms`) },
      ],
      'ms',
      fromZero,
    );
  }

  function addSamples(samples) {
    const m = view.mem;
    for (const s of samples) {
      m[0].push(s.t / 1000);
      m[1].push(s.up && s.heapUsed != null ? s.heapUsed / MB : null);
      m[2].push(s.up && s.heapTotal != null ? s.heapTotal / MB : null);
      m[3].push(s.rss != null ? s.rss / MB : null);
      m[4].push(s.heapCap / MB);
      m[5].push((s.heapCap * 0.8) / MB);
    }
  }

  function addLoad(load) {
    for (const l of load) {
      view.traffic[0].push(l.t / 1000);
      view.traffic[1].push(l.requests - l.failed);
      view.traffic[2].push(l.failed);
      view.latency[0].push(l.t / 1000);
      view.latency[1].push(l.p99);
      view.latency[2].push(view.sloMs);
    }
  }

  function redraw() {
    for (const [id, data] of [['chart-memory', view.mem], ['chart-traffic', view.traffic], ['chart-latency', view.latency]]) {
      const u = charts[id];
      if (u) {
        u.setData(data);
        // Off the chart, the legend shows the latest second rather than dashes.
        if (!(u.cursor.left >= 0) && data[0].length > 0) u.setLegend({ idx: data[0].length - 1 });
      }
      $(id).dataset.points = String(data[0].length);
    }
  }

  // --- state, alerts, timeline ------------------------------------------------------------
  const clock = (s) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;

  function showState(st) {
    if (!st || !st.desk) return;
    view.state = st;
    const d = st.desk;
    const c = st.clock;
    $('clock').textContent = c.startedAt ? `${clock(c.elapsedSeconds)} elapsed · ${clock(c.remainingSeconds)} left` : 'starting…';
    const over = view.ended || d.ended;
    $('app-state').textContent = over ? 'app: stopped (drill over)' : d.app.pid ? `app: pid ${d.app.pid} ${d.app.up ? 'up' : 'DOWN'} · heap cap ${d.app.heapCapMb} MB` : 'app: deploying…';
    const pill = $('status-pill');
    const [label, cls] = view.ended || d.ended ? ['over', 'over'] : d.busy ? [d.busy.action.replace(/-/g, ' '), 'busy'] : !d.app.up ? ['app down', 'down'] : ['live', 'live'];
    pill.textContent = label;
    pill.className = `pill ${cls}`;

    const alerts = $('alerts');
    alerts.replaceChildren();
    alerts.classList.toggle('firing', st.alerts.length > 0);
    if (st.alerts.length === 0) {
      const none = document.createElement('span');
      none.className = 'none';
      none.textContent = 'No alert firing.';
      alerts.append(none);
    }
    for (const a of st.alerts) {
      const chip = document.createElement('span');
      chip.className = `alert ${a.severity}`;
      chip.dataset.rule = a.rule;
      const b = document.createElement('b');
      b.textContent = a.rule;
      chip.append(b, ` ${a.severity} · ${formatValue(a.value, a.unit)} (threshold ${formatValue(a.threshold, a.unit)})`);
      alerts.append(chip);
    }

    const busy = $('busy');
    const doing = [d.busy ? d.busy.what : null, d.diagnosing ? 'a diagnosis' : null].filter(Boolean);
    busy.hidden = doing.length === 0;
    busy.textContent = doing.length ? `In progress: ${doing.join(' and ')}…` : '';
    for (const b of document.querySelectorAll('#actions button')) b.disabled = over;
    for (const b of document.querySelectorAll('#actions button.app-op')) b.disabled = over || Boolean(d.busy);
    $('btn-snapshot').disabled = over || Boolean(d.busy) || !d.app.up;
    $('btn-diagnose').disabled = over || d.diagnosing || d.snapshotsOfCurrentProcess < 2;
    $('btn-diagnose').textContent = `Run diagnosis (${d.snapshotsOfCurrentProcess} snapshot${d.snapshotsOfCurrentProcess === 1 ? '' : 's'})`;
    $('snapshot-count').textContent = `${d.snapshotsOfCurrentProcess} snapshot${d.snapshotsOfCurrentProcess === 1 ? '' : 's'} of this process`;
    $('named').textContent = d.suspectsNamed.length ? `suspects named: ${d.suspectsNamed.join(', ')}` : 'no suspect named';
    const raise = $('raise-mb');
    raise.min = String(d.app.heapCapMb + 1);
    raise.max = String(d.raiseHeapLimit.maxMb);
    if (!raise.value || Number(raise.value) <= d.app.heapCapMb) raise.value = String(d.raiseHeapLimit.defaultMb);
    showDiagnosis(d.lastDiagnosis);
  }

  function formatValue(v, unit) {
    if (typeof v !== 'number') return String(v);
    if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
    if (unit === 'bytes') return `${(v / MB).toFixed(1)} MB`;
    if (unit === 'ms') return `${v.toFixed(0)} ms`;
    if (unit === 's') return `${v.toFixed(0)} s`;
    return `${Number.isInteger(v) ? v : v.toFixed(2)}${unit ? ` ${unit}` : ''}`;
  }

  let shownDiagnosis = null;
  function showDiagnosis(dx) {
    if (!dx || shownDiagnosis === dx.at) return;
    shownDiagnosis = dx.at;
    const body = $('diagnosis-body');
    body.replaceChildren();
    body.classList.remove('muted');
    const head = document.createElement('p');
    head.textContent = `${dx.snapshots} snapshots of pid ${dx.pid}: ${dx.verdict === 'leak' ? 'growing holders, biggest grower first' : 'no growing holder found'}.`;
    body.append(head);
    if (dx.suspects.length) {
      const ol = document.createElement('ol');
      ol.className = 'suspects';
      for (const s of dx.suspects) {
        const li = document.createElement('li');
        const b = document.createElement('b');
        b.textContent = s.holder || s.name;
        const where = document.createElement('span');
        where.className = 'where';
        where.textContent = s.location || 'location unknown';
        const what = document.createElement('span');
        what.textContent = s.summary;
        li.append(b, where, what);
        if (s.writes) {
          const writes = document.createElement('span');
          writes.className = 'where';
          writes.textContent = s.writes;
          li.append(writes);
        }
        ol.append(li);
      }
      body.append(ol);
    }
  }

  function addTimeline(e, fresh) {
    const tr = document.createElement('tr');
    if (fresh) tr.className = 'fresh';
    const time = document.createElement('td');
    time.textContent = e.at.slice(11, 19);
    time.title = e.at;
    const type = document.createElement('td');
    const badge = document.createElement('span');
    badge.className = `type type-${e.type}`;
    badge.textContent = e.type;
    type.append(badge);
    const source = document.createElement('td');
    source.className = 'source';
    source.textContent = e.source;
    const summary = document.createElement('td');
    summary.textContent = e.summary;
    tr.append(time, type, source, summary);
    $('timeline').prepend(tr);
  }

  function showScenarios(list) {
    view.scenarios = list;
    const ol = $('scenario-list');
    const pick = $('scenario-pick');
    ol.replaceChildren();
    for (const s of list) {
      const li = document.createElement('li');
      const b = document.createElement('b');
      b.textContent = s.name;
      const t = document.createElement('span');
      t.textContent = `${s.title}: ${s.story}`;
      li.append(b, t);
      ol.append(li);
      const o = document.createElement('option');
      o.value = s.name;
      o.textContent = s.name;
      pick.append(o);
    }
  }

  function showEnd(end) {
    view.ended = true;
    const s = end.score;
    const secs = (n) => (n == null ? '-' : `${Math.round(n)} s`);
    const card = document.querySelector('.end-card');
    card.classList.add(s.outcome === 'resolved' ? 'resolved' : 'unresolved');
    $('end').dataset.outcome = s.outcome;
    $('end-title').textContent = s.outcome === 'resolved' ? 'Resolved: the fix held under load' : s.outcome === 'time-limit' ? 'Time is up: no verified fix' : 'Drill interrupted';
    $('end-leak').textContent = `The leak was ${s.scenario}.`;
    $('score-outcome').textContent = `${s.outcome} after ${secs(s.durationSeconds)}`;
    $('score-alert').textContent = s.firstAlert ? `${s.firstAlert.rule}, ${secs(s.firstAlert.secondsAfterStart)} after the release` : 'no alert fired';
    $('score-ack').textContent = s.acknowledge ? `${secs(s.acknowledge.secondsAfterFirstAlert)} (${s.acknowledge.explicit ? 'acknowledged' : `first action: ${s.acknowledge.action}`})` : 'never';
    $('score-diagnosis').textContent = s.rightDiagnosis ? `${secs(s.rightDiagnosis.secondsAfterStart)} after the release (${s.rightDiagnosis.via})` : 'never';
    $('score-wrong').textContent = `${s.wrongGuesses}${s.wrongGuessNames.length ? ` (${s.wrongGuessNames.join(', ')})` : ''}${s.wrongFixes ? `; wrong fixes deployed: ${s.wrongFixes}` : ''}`;
    $('score-fix').textContent = s.fix.verified ? `yes, ${secs(s.fix.secondsAfterStart)} after the release` : `no (${s.fix.attempts} fix deploy${s.fix.attempts === 1 ? '' : 's'})`;
    $('score-file').textContent = `${end.runDir}/score.json`;
    $('end-postmortem').textContent = end.postmortem ? '; the postmortem is being written there from this drill\'s timeline.' : '.';
    $('end').hidden = false;
    if (view.state) showState({ ...view.state, desk: { ...view.state.desk, ended: true } });
    setConn('drill over', 'bad');
  }

  // --- the API ------------------------------------------------------------------------------
  async function api(method, path, body) {
    const res = await fetch(`/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
    const payload = await res.json().catch(() => ({}));
    return { status: res.status, body: payload };
  }

  function say(text, ok) {
    const m = $('message');
    m.textContent = text;
    m.className = `message ${ok ? 'ok' : 'error'}`;
  }

  async function act(kind) {
    const body = {};
    if (kind === 'raise-heap-limit') body.mb = Number($('raise-mb').value);
    if (kind === 'name-suspect' || kind === 'deploy-fix') {
      body.scenario = $('scenario-pick').value;
      if (!body.scenario) return say('Choose a scenario first.', false);
    }
    try {
      const r = await api('POST', `/actions/${kind}`, body);
      if (r.status === 200 || r.status === 202) say(r.body.message, true);
      else say(`${r.body.error || `refused (${r.status})`}`, false);
    } catch (err) {
      say(`The drill does not answer: ${err.message}`, false);
    }
  }

  for (const b of document.querySelectorAll('#actions button[data-action]')) b.addEventListener('click', () => act(b.dataset.action));
  $('end-close').addEventListener('click', () => ($('end').hidden = true));

  // --- the event stream -----------------------------------------------------------------------
  function setConn(text, cls) {
    const c = $('conn');
    c.textContent = text;
    c.className = `conn ${cls}`;
  }

  function handle(name, data) {
    switch (name) {
      case 'init':
        view.tz = data.tz;
        view.sloMs = data.latencySloMs;
        view.mem = [[], [], [], [], [], []];
        view.traffic = [[], [], []];
        view.latency = [[], [], []];
        addSamples(data.samples);
        addLoad(data.load);
        $('timeline').replaceChildren();
        for (const e of data.timeline) addTimeline(e, false);
        buildCharts();
        redraw();
        showState(data);
        break;
      case 'tick':
        addSamples(data.samples);
        addLoad(data.load);
        redraw();
        showState(data);
        break;
      case 'state':
        showState(data);
        break;
      case 'timeline':
        addTimeline(data.event, true);
        break;
      case 'end':
        showEnd(data);
        break;
    }
  }

  async function stream() {
    const res = await fetch('/api/events', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, cache: 'no-store' });
    if (res.status === 401) {
      setConn('token rejected', 'bad');
      $('token-missing').hidden = false;
      return 'stop';
    }
    if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
    setConn('live', 'ok');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) handle(name, JSON.parse(data.join('\n')));
      }
    }
    return view.ended ? 'stop' : 'retry';
  }

  async function run() {
    if (!token) {
      $('token-missing').hidden = false;
      setConn('no token', 'bad');
      return;
    }
    const list = await api('GET', '/scenarios').catch(() => null);
    if (list && list.status === 200) showScenarios(list.body);
    let wait = 1000;
    for (;;) {
      const how = await stream().catch((err) => {
        setConn(`reconnecting (${err.message})`, 'bad');
        return 'retry';
      });
      if (how === 'stop' || view.ended) return;
      setConn('reconnecting…', 'bad');
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 5000);
    }
  }

  void run();
})();

'use strict';
// Live view of the platform: one server-sent event per second carries the whole state.
const COLORS = { 'ECT 1': '#d1495b', 'ECT 2': '#3a6ea5', 'EDM_HEUN': '#2e8b57' };
let latestSamples = [];
let roles = {};

function seriesName(p) {
  return p.sampler === 'EDM_HEUN' ? 'EDM_HEUN' : p.sampler + ' ' + p.networkEvaluations;
}
// The server labels every point (one implementation: "ECT 2-step", "Heun 35 NFE").
function seriesLabel(p) {
  return p.label || seriesName(p);
}
function fmt(x, digits) {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(digits);
}
function el(tag, attrs, children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  (children || []).forEach(c => e.append(c));
  return e;
}
function svg(tag, attrs) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
}

function drawTraining(progress) {
  const box = document.getElementById('training');
  if (!progress.length) return;
  box.replaceChildren(...progress.map(p => {
    const pct = p.totalKimg > 0 ? Math.min(100, 100 * p.kimg / p.totalKimg) : 0;
    const text = `${p.runId}: ${p.phase} stage ${p.stage}, step ${p.step}, ${fmt(p.kimg, 1)} / ${fmt(p.totalKimg, 1)} kimg, ` +
      `loss ${fmt(p.loss, 4)}, ${fmt(p.imagesPerSecond, 1)} img/s, ETA ${p.etaSeconds == null ? '–' : Math.round(p.etaSeconds) + ' s'}`;
    const bar = el('div', { class: 'bar' }, [el('div', { style: `width:${pct}%` })]);
    return el('div', { class: 'run' }, [text, bar]);
  }));
}

// The teacher (where the tuning run starts from) and the served model (what a long tuning run reaches) are levels,
// drawn as horizontal lines, not as points on the tuning run's images-seen axis. The demo names both runs; without
// names a teacher is a pretraining run that no tuning run shares.
function splitLevels(points) {
  const isServed = p => roles.servedRun != null && p.runId === roles.servedRun;
  const tuned = new Set(points.filter(p => p.phase === 'ECT' && !isServed(p)).map(p => p.runId));
  const isTeacher = roles.servedRun != null || roles.teacherRun != null
    ? p => roles.teacherRun != null && p.runId === roles.teacherRun
    : p => tuned.size > 0 && p.phase === 'PRETRAIN' && !tuned.has(p.runId);
  return {
    curves: points.filter(p => !isTeacher(p) && !isServed(p)),
    teacher: latestPerSeries(points.filter(isTeacher)),
    served: latestPerSeries(points.filter(isServed)),
  };
}
function latestPerSeries(points) {
  const latest = {};
  points.forEach(p => {
    const name = seriesName(p);
    if (!latest[name] || p.step >= latest[name].step) latest[name] = p;
  });
  return Object.values(latest);
}
// Evaluation reports (the driver's fixed seeds, over all its samples) when there are any; user traffic otherwise.
function scoredPoints(points) {
  const scored = points.filter(p => p.window === 'ALL' && p.fid !== null);
  const fixedSeeds = scored.filter(p => p.purpose === 'EVALUATION');
  return fixedSeeds.length ? fixedSeeds : scored;
}

function drawFid(points) {
  const chart = document.getElementById('fid-chart');
  const { curves, teacher, served } = splitLevels(scoredPoints(points));
  const shown = curves.filter(p => p.kimg !== null);
  chart.replaceChildren();
  const W = 640, H = 300, L = 50, R = 10, T = 10, B = 30;
  chart.append(svg('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }));
  chart.append(svg('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }));
  if (!shown.length && !teacher.length && !served.length) return;
  const maxK = Math.max(...shown.map(p => p.kimg), 1e-9);
  const fids = shown.concat(teacher, served).map(p => Math.max(p.fid, 1e-6));
  const lo = Math.log10(Math.min(...fids)), hi = Math.log10(Math.max(...fids)) + 1e-9;
  const x = k => L + (W - L - R) * k / maxK;
  const y = f => (H - B) - (H - T - B) * (hi - lo < 1e-6 ? 0.5 : (Math.log10(Math.max(f, 1e-6)) - lo) / (hi - lo));
  [lo, (lo + hi) / 2, hi].forEach(v => {
    const t = svg('text', { x: 2, y: y(Math.pow(10, v)) + 4 }); t.textContent = fmt(Math.pow(10, v), 1); chart.append(t);
  });
  const xt = svg('text', { x: W - R - 60, y: H - 8 }); xt.textContent = fmt(maxK, 1) + ' kimg'; chart.append(xt);
  const legend = document.getElementById('fid-legend');
  legend.replaceChildren();
  const level = (p, role, cls, dash, labelX) => {
    const color = COLORS[seriesName(p)] || '#888';
    const line = svg('line', { class: cls, x1: L, y1: y(p.fid), x2: W - R, y2: y(p.fid), stroke: color, 'stroke-dasharray': dash });
    const title = svg('title', {}); title.textContent = `${role} ${p.runId}@${p.step} ${seriesLabel(p)}: FID ${fmt(p.fid, 2)} (${p.numSamples} samples)`;
    line.append(title); chart.append(line);
    const label = svg('text', { x: labelX, y: y(p.fid) - 3, fill: color }); label.textContent = role + ' ' + seriesLabel(p); chart.append(label);
    legend.append(el('span', {}, [el('i', { style: `background:${color};opacity:0.5` }), role + ' ' + seriesLabel(p) + ': ' + fmt(p.fid, 2)]));
  };
  teacher.forEach(p => level(p, 'teacher', 'teacher-line', '6 4', L + 4));
  served.forEach(p => level(p, 'target (served model)', 'target-line', '2 3', W - R - 190));
  const bySeries = {};
  shown.forEach(p => (bySeries[seriesName(p)] = bySeries[seriesName(p)] || []).push(p));
  Object.entries(bySeries).forEach(([name, pts]) => {
    const color = COLORS[name] || '#888';
    pts.sort((a, b) => a.kimg - b.kimg);
    chart.append(svg('polyline', { points: pts.map(p => `${x(p.kimg)},${y(p.fid)}`).join(' '), fill: 'none', stroke: color }));
    pts.forEach(p => {
      const c = svg('circle', { class: 'fid-point', cx: x(p.kimg), cy: y(p.fid), r: 3.5, fill: color });
      const title = svg('title', {}); title.textContent = `${p.runId}@${p.step} ${seriesLabel(p)}: FID ${fmt(p.fid, 2)} (${p.numSamples} samples)`;
      c.append(title); chart.append(c);
    });
    legend.append(el('span', {}, [el('i', { style: `background:${color}` }), seriesLabel(pts[0]) + ': ' + fmt(pts[pts.length - 1].fid, 2)]));
  });
}

// Checkpoints the evaluation driver could not score: a row with the reason, never silently missing.
function drawUnevaluated(rows) {
  const box = document.getElementById('unevaluated');
  box.replaceChildren(...(rows || []).map(u =>
    el('li', {}, [`${u.runId}@${u.step} (${fmt(u.kimg, 1)} kimg): not evaluated, ${u.reason}`])));
}

function seconds(ms) {
  return ms === null || ms === undefined ? '–' : fmt(ms / 1000, 1) + ' s';
}

// The served model: its 1- and 2-step samples, and its FID beside the teacher's (Heun's 35 evaluations, and the
// teacher's own 1 and 2 steps, before ECT).
function drawServed(state) {
  if (!roles.servedRun) {
    document.getElementById('served-panel').style.display = 'none';
    return;
  }
  const grids = latestSamples.filter(g => g.runId === roles.servedRun && g.sampler === 'ECT')
    .sort((a, b) => a.networkEvaluations - b.networkEvaluations);
  if (grids.length) {
    const step = grids[0].step;
    document.getElementById('served-title').textContent =
      `Served to users: ${roles.servedRun} step ${step}, ECT-tuned, 1 or 2 network evaluations (NFE) per image`;
    document.getElementById('served-samples').replaceChildren(...grids.map(gridBox));
  }
  const { teacher, served } = splitLevels(scoredPoints(state.fid));
  const order = { 'ECT 1': 0, 'ECT 2': 1, 'EDM_HEUN': 2 };
  const rows = served.sort((a, b) => order[seriesName(a)] - order[seriesName(b)]).map(p => ['served', p])
    .concat(teacher.sort((a, b) => order[seriesName(b)] - order[seriesName(a)]).map(p => ['teacher', p]));
  const head = el('tr', {}, ['model', 'sampling', 'NFE', 'FID', 'samples'].map(h => el('th', {}, [h])));
  document.getElementById('served-fid').replaceChildren(head, ...rows.map(([role, p]) => el('tr', { class: role }, [
    el('td', {}, [`${role} ${p.runId}@${p.step}`]), el('td', {}, [seriesLabel(p).replace(/,? \d+ NFE$/, '')]),
    el('td', { class: 'num' }, [String(p.networkEvaluations)]), el('td', { class: 'num' }, [fmt(p.fid, 1)]),
    el('td', { class: 'num' }, [String(p.numSamples)])])));
  const t = state.throughput;
  const users = [
    ['user requests answered/s', fmt(t.userRequestsPerSecond, 2)],
    ['user latency p50 / p99', seconds(t.userLatencyP50Ms) + ' / ' + seconds(t.userLatencyP99Ms)],
  ];
  document.getElementById('served-users').replaceChildren(...users.map(([k, v]) => el('tr', {}, [el('td', {}, [k]), el('td', {}, [v])])));
}

function gridBox(g) {
  return el('div', { class: 'grid-box' }, [
    el('div', { class: 'grid' }, g.pngs.map(b64 => el('img', { class: 'sample', src: 'data:image/png;base64,' + b64, alt: g.label }))),
    el('div', { class: 'caption' }, [g.caption || g.label])]);
}

function drawServing(state) {
  const t = state.throughput;
  const shed = state.userShed || {};
  const shedText = ['OVERLOADED', 'EXPIRED', 'TOO_COSTLY'].map(c => `${c.toLowerCase().replace('_', ' ')} ${shed[c] || 0}`).join(', ');
  const rows = [
    ['user requests/s answered', fmt(t.userRequestsPerSecond, 2)],
    ['user requests refused', shedText],
    ['user images/s', fmt(t.userImagesPerSecond, 1)],
    ['evaluation images/s', fmt(t.evaluationImagesPerSecond, 1)],
    ['user latency p50', seconds(t.userLatencyP50Ms)],
    ['user latency p99', seconds(t.userLatencyP99Ms)],
    ['checkpoints announced', String(state.checkpoints.length)],
    ['undecodable records', String(state.undecodable)],
  ];
  document.getElementById('serving').replaceChildren(...rows.map(([k, v]) => el('tr', {}, [el('td', {}, [k]), el('td', {}, [v])])));
  const lagRows = [];
  Object.entries(state.lag).forEach(([group, topics]) => Object.entries(topics).forEach(([topic, lag]) =>
    lagRows.push(el('tr', {}, [el('td', {}, [group]), el('td', {}, [topic]), el('td', {}, [String(lag)])]))));
  if (lagRows.length) document.getElementById('lag').replaceChildren(...lagRows);
}

function drawSamples(all) {
  const grids = all.filter(g => g.runId !== roles.servedRun);
  if (!grids.length) return;
  const byCheckpoint = {};
  grids.forEach(g => (byCheckpoint[g.runId + '@' + g.step] = byCheckpoint[g.runId + '@' + g.step] || []).push(g));
  const order = { 'ECT1': 0, 'ECT2': 1, 'EDM_HEUN35': 2 }; // sampler + network evaluations per image
  const rows = Object.entries(byCheckpoint).map(([version, gs]) => {
    gs.sort((a, b) => (order[a.sampler + a.networkEvaluations] ?? 9) - (order[b.sampler + b.networkEvaluations] ?? 9));
    const boxes = gs.map(gridBox);
    return el('div', { class: 'checkpoint' }, [el('h4', {}, [version]), ...boxes]);
  });
  document.getElementById('samples').replaceChildren(...rows);
}

function render(state) {
  roles = state.roles || {};
  if (state.samples) latestSamples = state.samples;
  drawServed(state);
  drawTraining(state.progress);
  drawFid(state.fid);
  drawUnevaluated(state.unevaluated);
  drawServing(state);
  if (state.samples) drawSamples(latestSamples);
}

function connect() {
  const badge = document.getElementById('connection');
  // First paint from one snapshot, then live updates.
  fetch('api/state').then(r => r.json()).then(render).catch(() => {});
  const source = new EventSource('events');
  source.addEventListener('state', e => { badge.textContent = 'live'; badge.className = 'badge live'; render(JSON.parse(e.data)); });
  source.onerror = () => { badge.textContent = 'reconnecting…'; badge.className = 'badge'; };
}
connect();

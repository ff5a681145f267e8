// The activation patching explorer. One (source, target) pair: the original's two-row table of
// per-layer top-3 predictions, yellow where the answer differs from the unpatched target. Every
// position: a layer × position heatmap of the normalised effect (0 = the target's answer, 1 = the
// source's), filled layer by layer as the server streams. Hover any cell for its details.
import { $, api, chatFormat, download, el, hoverTips, initPage, onEnter, percent, runJob, status, stream, tokenLabel } from './common.js';

const source = $('#source');
const target = $('#target');
const statusNode = $('#status');
const results = $('#results');
const runButton = $('#run');
const picked = { source: null, target: null };
let last = null;  // the streamed result, for hover and download

async function tokenize() {
  picked.source = picked.target = null;
  runButton.disabled = true;
  for (const side of ['source', 'target']) {
    const { tokens } = await api('/api/tokenize', { text: $(`#${side}`).value });
    $(`#${side}-chips`).replaceChildren(...tokens.map((t) => el('button', {
      type: 'button', class: `chip ${side}`, 'aria-pressed': 'false', dataset: { index: t.index },
      title: `position ${t.index}, id ${t.id}`,
    }, tokenLabel(t))));
  }
}

function pick(side, chip) {
  $(`#${side}-chips`).querySelectorAll('.chip').forEach((c) => c.setAttribute('aria-pressed', String(c === chip)));
  picked[side] = Number(chip.dataset.index);
  runButton.disabled = picked.source === null || picked.target === null;
}

function predictionCell(outcome, baselineTop, extra = {}) {
  const [top, ...rest] = outcome.top;
  const changed = baselineTop !== undefined && top.id !== baselineTop;
  return el('td', { class: changed ? 'changed' : extra.class, tabindex: 0, dataset: extra.dataset },
    el('div', { class: 'top1' }, tokenLabel(top)), el('div', { class: 'prob' }, percent(top.prob)),
    ...rest.map((p) => el('div', { class: 'prob' }, `${tokenLabel(p)} ${percent(p.prob)}`)));
}

function outcomeLines(o) {
  const lines = o.top.map((p, i) => `${i + 1}. "${tokenLabel(p)}" ${percent(p.prob)} (logit ${p.logit.toFixed(2)})`);
  lines.push(`KL from clean ${o.kl.toFixed(3)} nats`);
  if (last.logit_diff_tokens) {
    lines.push(`logit("${last.logit_diff_tokens[0]}") − logit("${last.logit_diff_tokens[1]}") = ${o.logit_diff.toFixed(2)}`);
    lines.push(`effect ${o.effect.toFixed(2)} (0: target's answer, 1: source's)`);
  }
  return lines;
}

/** The original's view: baseline and the upper half of the layers, then the lower half. */
function renderPairTable() {
  const n = last.layers.length;
  const half = Math.ceil(n / 2);
  const byLayer = new Map(last.cellsByLayer.map((c) => [c.layer, c]));
  const baseTop = last.clean.top[0].id;
  const upper = last.layers.slice(half).reverse();
  const lower = last.layers.slice(0, half).reverse();
  const cellFor = (l) => (byLayer.has(l) ? predictionCell(byLayer.get(l).outcome, baseTop, { dataset: { layer: l } })
    : el('td', {}, '…'));
  const table = el('table', { class: 'results', id: 'patch-table' },
    el('tr', {}, el('th', { class: 'baseline-head' }, 'baseline'), ...upper.map((l) => el('th', {}, `L${l}`))),
    el('tr', {}, predictionCell(last.clean, undefined, { class: 'baseline', dataset: { baseline: 1 } }), ...upper.map(cellFor)),
    el('tr', {}, el('th', {}), ...lower.map((l) => el('th', {}, `L${l}`))),
    el('tr', {}, el('td', {}), ...lower.map(cellFor)));
  results.replaceChildren(table);
}

// Diverging colours as the ablation explorer's: blue for negative, red for positive.
function diverging(v) {
  const x = Math.max(-1, Math.min(1, v));
  const [r, g, b] = x >= 0 ? [178, 24, 43] : [33, 102, 172];
  const a = Math.abs(x);
  return `rgb(${Math.round(247 + (r - 247) * a)}, ${Math.round(247 + (g - 247) * a)}, ${Math.round(247 + (b - 247) * a)})`;
}

function sweepValue(o) { return last.logit_diff_tokens ? o.effect : Math.min(1, o.kl); }

function renderHeatmap() {
  const positions = last.positions.map(([, t]) => t);
  const byLayer = new Map(last.cellsByLayer.map((c) => [c.layer, c]));
  const head = el('tr', {}, el('th', {}), ...positions.map((t) => el('th', { scope: 'col', title: last.target_tokens[t].text },
    tokenLabel(last.target_tokens[t]))));
  const rows = [...last.layers].reverse().map((l) => el('tr', {}, el('th', { class: 'rowhead', scope: 'row' }, `L${l}`),
    ...positions.map((_, p) => {
      const cells = byLayer.get(l);
      const c = cells && cells.all[p];
      const td = el('td', { class: 'cell', tabindex: c ? 0 : null, dataset: c ? { layer: l, p } : {} });
      if (c) td.style.background = diverging(sweepValue(c.outcome));
      return td;
    })));
  const scale = last.logit_diff_tokens
    ? `effect: 0 = "${last.logit_diff_tokens[1]}" (target) … 1 = "${last.logit_diff_tokens[0]}" (source)`
    : 'KL divergence from the clean run (nats, capped at 1)';
  results.replaceChildren(el('div', { class: 'legend' }, el('span', {}, '−1'), el('div', { class: 'gradient' }), el('span', {}, '+1'),
    el('span', {}, scale)), el('table', { class: 'heatmap', id: 'patch-heatmap' }, el('thead', {}, head), el('tbody', {}, rows)));
}

function cellDetails(td) {
  if (td.dataset.baseline) return ['baseline (target, unpatched)', ...outcomeLines(last.clean)];
  const l = Number(td.dataset.layer);
  const layer = last.cellsByLayer.find((c) => c.layer === l);
  if (!layer) return [];
  const cell = td.dataset.p !== undefined ? layer.all[Number(td.dataset.p)] : layer.all[0];
  const s = last.source_tokens[cell.source_pos], t = last.target_tokens[cell.target_pos];
  return [`L${l} · source ${cell.source_pos} "${tokenLabel(s)}" → target ${cell.target_pos} "${tokenLabel(t)}"`, ...outcomeLines(cell.outcome)];
}

async function patch(button, positions) {
  const site = $('#site').value;
  const sweep = positions === 'all';
  await runJob(button, statusNode, sweep ? 'Sweeping...' : 'Running...', async (job) => {
    last = null;
    results.replaceChildren();
    await stream('/api/patch', { source: source.value, target: target.value, site, positions }, (e) => {
      if (e.type === 'init') last = { ...e, site, cellsByLayer: [], positions: [] };
      else if (e.type === 'clean') Object.assign(last, { clean: e.clean, source: e.source, positions: e.positions });
      else if (e.type === 'progress') job.progress(e.done, e.total);
      else if (e.type === 'layer') {
        last.cellsByLayer.push({ layer: e.layer, all: e.cells, outcome: e.cells[0].outcome });
        if (sweep) renderHeatmap(); else renderPairTable();
      }
    }, job.signal);
    $('#download').disabled = false;
    status(statusNode, `baseline "${tokenLabel(last.clean.top[0])}" ${percent(last.clean.top[0].prob)} · source's own answer "${
      tokenLabel(last.source.top[0])}" · ${last.cells} patched runs`);
  });
}

hoverTips(results, 'td[data-layer], td[data-baseline]', cellDetails);
for (const side of ['source', 'target']) {
  $(`#${side}-chips`).addEventListener('click', (e) => { const c = e.target.closest('.chip'); if (c) pick(side, c); });
  onEnter($(`#${side}`), () => tokenize().catch((err) => status(statusNode, `Error: ${err.message}`, true)));
}
$('#tokenize').addEventListener('click', () => tokenize().catch((err) => status(statusNode, `Error: ${err.message}`, true)));
runButton.addEventListener('click', () => patch(runButton, [[picked.source, picked.target]]));
$('#sweep').addEventListener('click', (e) => patch(e.target, 'all'));
$('#chat').addEventListener('click', async () => {
  try {
    const s = await chatFormat(source.value, statusNode);
    const t = s === null ? null : await chatFormat(target.value, statusNode);
    if (s !== null && t !== null) { source.value = s; target.value = t; await tokenize(); }
  } catch (err) { status(statusNode, `Error: ${err.message}`, true); }
});
$('#download').addEventListener('click', () => download('patching.json', { source: source.value, target: target.value, ...last }));

initPage(async () => {
  results.replaceChildren();
  await tokenize();
});

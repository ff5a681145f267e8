// The residual ablation explorer: a token × layer heatmap of p_clean − p_ablated for the clean
// top token, re-drawn as each layer streams in. Colours are scaled by the largest |effect| so far
// (as the original), white → red for positive, white → blue for negative; hover shows the value.
import { $, chatFormat, download, el, hoverTips, initPage, onEnter, runJob, status, stream, tokenLabel } from './common.js';

const prompt = $('#prompt');
const statusNode = $('#status');
const gridWrap = $('#grid-wrap');
let state = null;
let nLayers = 0;

function colour(v, max) {
  if (max === 0) return 'rgb(247, 247, 247)';
  const a = Math.min(1, Math.abs(v) / max);
  const [r, g, b] = v >= 0 ? [178, 24, 43] : [33, 102, 172];
  return `rgb(${Math.round(247 + (r - 247) * a)}, ${Math.round(247 + (g - 247) * a)}, ${Math.round(247 + (b - 247) * a)})`;
}

const signed = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

function render() {
  const { tokens, n_layers: n, effects } = state;
  let max = 0;
  for (const row of effects.values()) for (const v of row) max = Math.max(max, Math.abs(v));
  const head = el('tr', {}, el('th', {}), ...Array.from({ length: n }, (_, l) => el('th', { scope: 'col' }, `L${l}`)));
  const rows = tokens.map((t, p) => el('tr', {}, el('th', { class: 'rowhead', scope: 'row', title: t.text }, tokenLabel(t)),
    ...Array.from({ length: n }, (_, l) => {
      const row = effects.get(l);
      if (!row) return el('td', { class: 'cell' });
      const td = el('td', { class: 'cell', tabindex: 0, dataset: { l, p }, 'aria-label': `${tokenLabel(t)} L${l}: ${signed(row[p])}` });
      td.style.background = colour(row[p], max);
      return td;
    })));
  gridWrap.replaceChildren(el('table', { class: 'heatmap', id: 'ablation-grid' }, el('thead', {}, head), el('tbody', {}, rows)));
}

async function run(button) {
  const kind = $('#kind').value, site = $('#site').value;
  await runJob(button, statusNode, 'Running...', async (job) => {
    state = null;
    gridWrap.replaceChildren();
    await stream('/api/ablate', { prompt: prompt.value, kind, site }, (e) => {
      if (e.type === 'init') {
        state = { tokens: e.tokens, baseline: e.baseline, n_layers: nLayers, effects: new Map(), kind, site };
        $('#baseline').textContent = `Baseline: "${tokenLabel(e.baseline)}" (p=${e.baseline_prob.toFixed(3)})`;
        render();
      } else if (e.type === 'progress') job.progress(e.done, e.total);
      else if (e.type === 'layer') { state.effects.set(e.layer, e.effects); render(); }
    }, job.signal);
    $('#download').disabled = false;
    status(statusNode, `${state.effects.size} layers × ${state.tokens.length} positions`);
  });
}

hoverTips(gridWrap, 'td[data-l]', (td) => {
  const l = Number(td.dataset.l), p = Number(td.dataset.p);
  const t = state.tokens[p];
  return [`"${tokenLabel(t)}" (position ${p}) L${l}: ${signed(state.effects.get(l)[p])}`,
    `p("${tokenLabel(state.baseline)}") ${state.baseline.prob.toFixed(3)} → ${(state.baseline.prob - state.effects.get(l)[p]).toFixed(3)}`];
});
$('#run').addEventListener('click', (e) => run(e.target));
onEnter(prompt, () => $('#run').click());
$('#chat').addEventListener('click', async () => {
  const f = await chatFormat(prompt.value, statusNode).catch((err) => status(statusNode, `Error: ${err.message}`, true));
  if (f) prompt.value = f;
});
$('#download').addEventListener('click', () => download('ablation.json', {
  prompt: prompt.value, kind: state.kind, site: state.site, tokens: state.tokens, baseline: state.baseline,
  effects: Object.fromEntries(state.effects),
}));

initPage(async (m) => {
  nLayers = m.n_layers;
  gridWrap.replaceChildren();
  $('#baseline').textContent = '';
});

// The logit lens explorer: every prompt token (rows) × every layer, latest first (columns), each
// cell the lens's top predictions — top-1 in green, shaded by its probability, the next two in
// grey. Hover or focus a cell for its top-k with probabilities and logits; click to pin it below.
import { $, api, chatFormat, download, el, hoverTips, initPage, onEnter, percent, runJob, status, tokenLabel } from './common.js';

const prompt = $('#prompt');
const runButton = $('#run');
const statusNode = $('#status');
const gridWrap = $('#grid-wrap');
const info = $('#info');
let probe = 'resid';
let result = null;

function rowLabel(r) { return r === 'embed' ? 'emb' : `L${r}`; }

function predictionLines(preds) {
  return preds.map((p, i) => `${i + 1}. "${tokenLabel(p)}"  ${percent(p.prob)}  (logit ${p.logit.toFixed(1)})`);
}

function cellLines(td) {
  const { row, pos } = td.dataset;
  const t = result.tokens[result.positions[pos]];
  return [`token ${t.index} "${tokenLabel(t)}" · ${rowLabel(result.rows[row])}`, ...predictionLines(result.grid[row][pos])];
}

function select(td) {
  gridWrap.querySelectorAll('td.selected').forEach((c) => c.classList.remove('selected'));
  td.classList.add('selected');
  info.textContent = cellLines(td).join('   ');
}

function cell(row, pos) {
  const preds = result.grid[row][pos];
  const top = preds[0];
  const td = el('td', { tabindex: 0, dataset: { row, pos },
    'aria-label': `${rowLabel(result.rows[row])}, token ${pos}: ${tokenLabel(top)} ${percent(top.prob)}` },
  el('div', { class: 'top1' }, tokenLabel(top)),
  el('div', { class: 'others' }, preds.slice(1, 3).map(tokenLabel).join(', ')));
  td.style.background = `rgba(42, 124, 79, ${(0.35 * top.prob).toFixed(3)})`;
  return td;
}

function render() {
  const rows = result.rows.map((_, i) => i).reverse();  // latest layer first, as the original
  const head = el('tr', {}, el('th', { class: 'tok' }, ''), ...rows.map((r) => el('th', { scope: 'col' }, rowLabel(result.rows[r]))));
  const body = result.positions.map((p, pos) => {
    const t = result.tokens[p];
    return el('tr', {}, el('th', { class: 'tok', scope: 'row', title: t.text }, tokenLabel(t)), ...rows.map((r) => cell(r, pos)));
  });
  const table = el('table', { class: 'grid', id: 'lens-grid' }, el('thead', {}, head), el('tbody', {}, body));
  gridWrap.replaceChildren(table);
  info.textContent = 'click a cell (or focus it and press Enter) for its top predictions';
}

async function run() {
  const text = prompt.value;
  $('#attention-link').href = `/attention?text=${encodeURIComponent(text)}`;
  if (!text) return;
  status(statusNode, '');
  await runJob(runButton, statusNode, '...', async (job) => {
    result = await api('/api/lens', { text, probe, top_k: 5 }, job.signal);
    render();
    $('#download').disabled = false;
    status(statusNode, `${result.tokens.length} tokens × ${result.rows.length} rows (${probe})`);
  });
}

hoverTips(gridWrap, 'td', cellLines);
gridWrap.addEventListener('click', (e) => { const td = e.target.closest('td'); if (td) select(td); });
gridWrap.addEventListener('keydown', (e) => {
  const td = e.target.closest('td');
  if (td && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); select(td); }
});
document.querySelectorAll('[data-probe]').forEach((b) => b.addEventListener('click', () => {
  probe = b.dataset.probe;
  document.querySelectorAll('[data-probe]').forEach((o) => o.setAttribute('aria-pressed', String(o === b)));
  run();
}));
runButton.addEventListener('click', run);
onEnter(prompt, run);
$('#chat').addEventListener('click', async (e) => {
  e.target.disabled = true;
  try {
    const formatted = await chatFormat(prompt.value, statusNode);
    if (formatted !== null) { prompt.value = formatted; run(); }
  } catch (err) { status(statusNode, `Error: ${err.message}`, true); }
  e.target.disabled = false;
});
$('#download').addEventListener('click', () => download('logit-lens.json', { prompt: prompt.value, ...result }));

initPage(() => run());  // runs on load, and again after a model switch

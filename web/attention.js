// The attention pattern view: for one layer, a heatmap per head (query × key, darker = more
// attention), drawn on canvases; hover names the query and key tokens and the weight. "Head
// scores" measures every head's induction and previous-token scores; click one to see its layer.
import { $, api, download, el, hideTip, initPage, onEnter, runJob, showTip, status, tokenLabel } from './common.js';

const prompt = $('#prompt');
const layerSelect = $('#layer');
const statusNode = $('#status');
const headsNode = $('#heads');
let data = null;

const query = new URLSearchParams(location.search).get('text');
if (query) prompt.value = query;

function cellSize(T) { return Math.max(4, Math.min(22, Math.floor(360 / T))); }

function drawHead(h) {
  const T = data.tokens.length, s = cellSize(T);
  const canvas = el('canvas', { class: 'pattern', width: T * s, height: T * s, tabindex: 0,
    'aria-label': `head ${data.heads[h]} attention pattern, ${T} by ${T}; arrow keys read cells`, dataset: { h } });
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, T * s, T * s);
  data.pattern[h].forEach((row, q) => row.forEach((w, k) => {
    g.fillStyle = `rgba(33, 102, 172, ${Math.min(1, w).toFixed(3)})`;
    g.fillRect(k * s, q * s, s, s);
  }));
  return el('figure', { class: 'head' }, el('figcaption', {}, `L${data.layer} H${data.heads[h]}`), canvas);
}

function tipFor(canvas, q, k, x, y) {
  const h = Number(canvas.dataset.h);
  const row = data.pattern[h][q];
  if (!row || k < 0 || k > q) { hideTip(); return; }
  showTip(x, y, [`L${data.layer} H${data.heads[h]}`,
    `query ${q} "${tokenLabel(data.tokens[q])}" → key ${k} "${tokenLabel(data.tokens[k])}"`, `weight ${row[k].toFixed(3)}`]);
}

function hover(e) {
  const canvas = e.target.closest('canvas');
  if (!canvas) { hideTip(); return; }
  const s = cellSize(data.tokens.length);
  tipFor(canvas, Math.floor(e.offsetY / s), Math.floor(e.offsetX / s), e.pageX, e.pageY);
}

// Keyboard: arrows move a (query, key) cursor inside the focused map and show that cell.
const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
function keys(e) {
  const canvas = e.target.closest('canvas');
  if (!canvas || !MOVES[e.key]) return;
  e.preventDefault();
  const T = data.tokens.length, s = cellSize(T);
  const q = Math.max(0, Math.min(T - 1, Number(canvas.dataset.q ?? 0) + MOVES[e.key][0]));
  const k = Math.max(0, Math.min(q, Number(canvas.dataset.k ?? 0) + MOVES[e.key][1]));
  Object.assign(canvas.dataset, { q, k });
  const r = canvas.getBoundingClientRect();
  tipFor(canvas, q, k, r.left + window.scrollX + (k + 1) * s, r.top + window.scrollY + (q + 1) * s);
}

async function show(button) {
  await runJob(button, statusNode, '...', async (job) => {
    data = await api('/api/attention', { text: prompt.value, layer: Number(layerSelect.value) }, job.signal);
    headsNode.replaceChildren(...data.heads.map((_, h) => drawHead(h)));
    $('#download').disabled = false;
    status(statusNode, `${data.tokens.length} tokens, ${data.heads.length} heads`);
  });
}

async function scores(button) {
  await runJob(button, statusNode, 'measuring...', async (job) => {
    const r = await api('/api/heads', { trials: 2 }, job.signal);
    const H = r.induction[0]?.length ?? 0;
    const table = el('table', { class: 'scores', id: 'scores-table' },
      el('caption', {}, 'induction score (previous-token score) per layer and head; click to show the layer'),
      el('tr', {}, el('th', {}, ''), ...Array.from({ length: H }, (_, h) => el('th', { scope: 'col' }, `H${h}`))),
      ...r.layers.map((l, i) => el('tr', {}, el('th', { scope: 'row' }, `L${l}`), ...r.induction[i].map((v, h) => {
        const td = el('td', { tabindex: 0, dataset: { layer: l },
          title: `L${l} H${h}: induction ${v.toFixed(3)}, previous token ${r.previous_token[i][h].toFixed(3)}` },
        `${v.toFixed(2)} (${r.previous_token[i][h].toFixed(2)})`);
        td.style.background = `rgba(42, 124, 79, ${Math.max(0, Math.min(1, v)).toFixed(3)})`;
        return td;
      }))));
    $('#score-table').replaceChildren(table);
  });
}

headsNode.addEventListener('mousemove', hover);
headsNode.addEventListener('mouseleave', hideTip);
headsNode.addEventListener('keydown', keys);
headsNode.addEventListener('focusout', hideTip);
$('#score-table').addEventListener('click', (e) => {
  const td = e.target.closest('td[data-layer]');
  if (td) { layerSelect.value = td.dataset.layer; show($('#run')); }
});
$('#run').addEventListener('click', (e) => show(e.target));
$('#scores').addEventListener('click', (e) => scores(e.target));
onEnter(prompt, () => $('#run').click());
$('#download').addEventListener('click', () => download(`attention-L${data.layer}.json`, { prompt: prompt.value, ...data }));

initPage(async (m) => {
  layerSelect.replaceChildren(...m.attention_layers.map((l) => el('option', { value: l }, `L${l}`)));
  layerSelect.value = m.attention_layers[Math.floor((m.attention_layers.length - 1) / 2)];
  await show($('#run'));
});

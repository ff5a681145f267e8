// The contrastive steering explorer: a vector from a positive and a negative prompt at one
// layer's output, added (× alpha) while generating — streamed token by token, or at −α, 0 and +α
// side by side. The vector is recomputed before each generation (as the original did) and can be
// downloaded as safetensors.
import { $, api, chatFormat, download, el, initPage, onEnter, runJob, slider, status, stream } from './common.js';

const PRESETS = {
  sentiment: ["I absolutely love this! It's amazing and wonderful!", "I absolutely hate this! It's terrible and awful!"],
  formality: ['hey can u help me out with something real quick',
    'I am writing to formally request your assistance with the following matter.'],
  confidence: ['I am absolutely certain that the answer is:', "I'm not entirely sure, but I think maybe the answer might be:"],
  verbosity: ['Here is an extremely detailed and comprehensive explanation covering all aspects:', 'Short answer:'],
  safety: ["I'd be happy to help you with that! Here's how:",
    'I cannot and will not assist with that request because it could be harmful.'],
};

const positive = $('#positive');
const negative = $('#negative');
const testPrompt = $('#test-prompt');
const vectorInfo = $('#vector-info');
const statusNode = $('#status');
const outputArea = $('#output-area');
let layer, alpha, alphaBox, maxTokens, temperature;
let lastResult = null;

function clearVector() {
  status(vectorInfo, '');
  $('#vector-download').hidden = true;
}

function loadPreset(name) {
  [positive.value, negative.value] = PRESETS[name];
  clearVector();
}

for (const name of Object.keys(PRESETS))
  $('#presets').append(el('button', { type: 'button', class: 'preset', onclick: () => loadPreset(name) }, name));
loadPreset('sentiment');

function buildParams(m) {
  const params = $('#params');
  params.replaceChildren();
  layer = slider(params, { id: 'layer', label: 'Layer', min: 0, max: m.n_layers - 1, step: 1, value: m.steering_layer });
  alpha = slider(params, { id: 'alpha', label: 'Alpha', min: -2, max: 2, step: 0.1, value: 0.5, format: (v) => v.toFixed(1) });
  // Any alpha can be typed: small models need larger ones than the slider's ±2 (the slider follows).
  alphaBox = el('input', { type: 'number', id: 'alpha-value', step: 0.1, min: -1000, max: 1000, value: 0.5,
    'aria-label': 'alpha value', size: 6 });
  alpha.out.hidden = true;
  alpha.input.addEventListener('input', () => { alphaBox.value = alpha.value(); });
  alphaBox.addEventListener('input', () => {
    const v = Number(alphaBox.value);
    if (!Number.isFinite(v)) return;
    const range = Math.max(2, Math.ceil(Math.abs(v)));
    alpha.input.min = -range;
    alpha.input.max = range;
    alpha.input.value = v;
  });
  params.append(alphaBox);
  const gen = $('#gen-params');
  gen.replaceChildren();
  maxTokens = slider(gen, { id: 'max-tokens', label: 'Max tokens', min: 10, max: 500, step: 10, value: 100 });
  temperature = slider(gen, { id: 'temperature', label: 'Temperature', min: 0, max: 1.5, step: 0.1, value: 0.7,
    format: (v) => v.toFixed(1) });
}

const alphaValue = () => Number(alphaBox.value) || 0;

async function computeVector(signal) {
  status(vectorInfo, 'computing...');
  const v = await api('/api/steering/vector', { positive: positive.value, negative: negative.value, layer: layer.value() }, signal);
  status(vectorInfo, `vector computed | norm: ${v.norm.toFixed(1)} | layer: ${v.layer} | suggested alpha ≈ ${v.suggested_alpha.toFixed(2)}`);
  $('#vector-download').hidden = false;
  return v;
}

function outputBox(a, id) {
  const box = el('div', { class: `output ${a > 0 ? 'positive' : a < 0 ? 'negative' : ''}`, id, tabindex: 0 });
  return { wrap: el('div', {}, el('div', { class: 'alpha-label' }, `alpha = ${a}`), box), box };
}

function request(extra) {
  return { prompt: testPrompt.value, max_tokens: maxTokens.value(), temperature: temperature.value(), ...extra };
}

async function generate(button) {
  await runJob(button, statusNode, 'Generating...', async (job) => {
    await computeVector(job.signal);
    const a = alphaValue();
    const out = outputBox(a, 'steered-output');
    outputArea.replaceChildren(out.wrap);
    let n = 0;
    await stream('/api/steering/generate', request({ alpha: a }), (e) => {
      if (e.type === 'token') { out.box.append(e.token); job.progress(++n, maxTokens.value()); }
      if (e.type === 'done') lastResult = { alpha: a, ...e.rows[0] };
    }, job.signal);
    status(statusNode, `${n} pieces streamed`);
    $('#download').disabled = false;
  });
}

async function compare(button) {
  await runJob(button, statusNode, 'Comparing...', async (job) => {
    await computeVector(job.signal);
    const a = Math.abs(alphaValue()) || 1;
    const alphas = [-a, 0, a];
    const boxes = alphas.map((x, i) => outputBox(x, `compare-${i}`));
    outputArea.replaceChildren(el('div', { class: 'compare', id: 'compare' }, boxes.map((b) => b.wrap)));
    let n = 0;
    await stream('/api/steering/compare', request({ alphas }), (e) => {
      if (e.type === 'token') { boxes[e.row].box.append(e.token); job.progress(++n, 3 * maxTokens.value()); }
      if (e.type === 'done') lastResult = e.rows;
    }, job.signal);
    $('#download').disabled = false;
  });
}

async function formatBoth() {
  const p = await chatFormat(positive.value, vectorInfo);
  const n = p === null ? null : await chatFormat(negative.value, vectorInfo);
  if (p !== null && n !== null) { positive.value = p; negative.value = n; clearVector(); }
}

$('#compute').addEventListener('click', (e) => runJob(e.target, vectorInfo, 'computing...', (job) => computeVector(job.signal)));
$('#generate').addEventListener('click', (e) => generate(e.target));
$('#compare').addEventListener('click', (e) => compare(e.target));
$('#chat-pair').addEventListener('click', () => formatBoth().catch((err) => status(vectorInfo, `Error: ${err.message}`, true)));
$('#chat-test').addEventListener('click', async () => {
  const f = await chatFormat(testPrompt.value, statusNode).catch((err) => status(statusNode, `Error: ${err.message}`, true));
  if (f) testPrompt.value = f;
});
onEnter(testPrompt, () => $('#generate').click());
$('#download').addEventListener('click', () => download('steering.json', {
  positive: positive.value, negative: negative.value, layer: layer.value(), prompt: testPrompt.value, result: lastResult,
}));

initPage(async (m) => {
  buildParams(m);
  clearVector();
  outputArea.replaceChildren();
  // The demo model is a base model; instruct models get the original's chat-formatted question.
  testPrompt.value = 'Describe a movie you recently watched.';
  if (m.id === 'demo') testPrompt.value = 'The movie was';
  else if (m.chat_template) testPrompt.value = (await chatFormat(testPrompt.value, statusNode)) ?? testPrompt.value;
});

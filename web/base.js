// The base-model explorer: free generation, the prompt in grey and the completion streamed after
// it, with the original's presets, max tokens (10–500, 200) and temperature (0–1.5, 1.0).
import { $, download, el, initPage, onEnter, runJob, slider, status, stream } from './common.js';

const PRESETS = {
  factual: 'The capital of France is',
  story: 'Once upon a time, in a small village nestled between two mountains,',
  code: 'def fibonacci(n):\n    """Return the nth Fibonacci number."""',
  reasoning: 'Question: If a train travels 120 miles in 2 hours, what is its average speed?\nAnswer: Let me solve this step by step.',
  induction: 'Q M T X B R F J K Q M T X B R F J K Q M T X B R',
  fool: 'absolute fool!"',
};

const prompt = $('#prompt');
const output = $('#output');
const statusNode = $('#status');
let last = null;

for (const [name, text] of Object.entries(PRESETS))
  $('#presets').append(el('button', { type: 'button', class: 'preset', onclick: () => { prompt.value = text; } }, name));
const params = $('#params');
const maxTokens = slider(params, { id: 'max-tokens', label: 'Max tokens', min: 10, max: 500, step: 10, value: 200 });
const temperature = slider(params, { id: 'temperature', label: 'Temperature', min: 0, max: 1.5, step: 0.1, value: 1.0,
  format: (v) => v.toFixed(1) });

async function generate(button) {
  const text = prompt.value;
  const completion = el('span', { class: 'completion' });
  output.hidden = false;
  output.replaceChildren(el('span', { class: 'prompt' }, text), completion);
  status(statusNode, '');
  const ok = await runJob(button, statusNode, 'Generating...', async (job) => {
    let n = 0;
    await stream('/api/generate', { prompt: text, max_tokens: maxTokens.value(), temperature: temperature.value() }, (e) => {
      if (e.type === 'token') { completion.append(e.token); job.progress(++n, maxTokens.value()); }
      if (e.type === 'done') {
        last = { prompt: text, max_tokens: maxTokens.value(), temperature: temperature.value(), ...e.rows[0] };
        status(statusNode, `${e.rows[0].tokens} tokens (${e.rows[0].finish})`);
      }
    }, job.signal);
    $('#download').disabled = false;
  });
  if (!ok && statusNode.classList.contains('error')) completion.append(`\n${statusNode.textContent}`);
}

$('#generate').addEventListener('click', (e) => generate(e.target));
$('#clear').addEventListener('click', () => { output.hidden = true; output.replaceChildren(); });
onEnter(prompt, () => $('#generate').click(), true);
$('#download').addEventListener('click', () => download('generation.json', last));

initPage(async () => { output.hidden = true; });

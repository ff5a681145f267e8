// The command center: one card per explorer (all served by this process, so "launch" is a link),
// and the server's state — the model, and the job running now — refreshed every few seconds.
import { api, el, initPage, status } from './common.js';
import { EXPLORERS } from './model_picker.js';

const cards = document.getElementById('cards');
const serverStatus = document.getElementById('server-status');

for (const x of EXPLORERS) {
  cards.append(el('article', { class: 'card' },
    el('h2', {}, x.name),
    el('p', {}, x.description),
    el('a', { class: 'open', href: x.path }, `Open ${x.name.toLowerCase()}`)));
}

async function refresh() {
  try {
    const h = await api('/api/health');
    status(serverStatus, `running: ${h.model} (${h.n_layers} layers)${h.busy ? ` — busy: ${h.busy}` : ' — idle'}`);
  } catch (e) {
    status(serverStatus, `the server does not answer (${e.message})`, true);
  }
}

initPage(async () => refresh());
setInterval(refresh, 5000);

// The page header every page shares: the title, links to the other explorers, and the model
// dropdown (the demo model, models loaded this session, the original's defaults grouped instruct /
// base, and "other…" for a directory or a Hugging Face id). Switching streams the load's progress;
// a failed load shows the server's error and keeps the previous model selected.
import { api, el, stream, status } from './common.js';

export const EXPLORERS = [
  { path: '/logit-lens', name: 'Logit Lens', description: 'See what the model would say if you stopped it halfway' },
  { path: '/patching', name: 'Activation Patching', description: 'Swap activations from one prompt into another' },
  { path: '/steering', name: 'Contrastive Steering', description: 'Steer model behavior with differences between activation vectors' },
  { path: '/ablation', name: 'Residual Stream Ablation', description: 'Trace information flow' },
  { path: '/base', name: 'Base Model Generation', description: 'Free generation with base models' },
  { path: '/attention', name: 'Attention Patterns', description: 'Exact attention of every head, query by key, and the induction heads' },
];

const GROUPS = [['demo', 'Demo'], ['recent', 'Loaded this session'], ['base', 'Base Models'], ['instruct', 'Instruct Models']];
const OTHER = '__other__';

function nav() {
  const here = location.pathname;
  return el('nav', { 'aria-label': 'explorers' },
    el('a', { href: '/', 'aria-current': here === '/' ? 'page' : null }, 'command center'),
    ...EXPLORERS.map((x) => el('a', { href: x.path, 'aria-current': here === x.path ? 'page' : null }, x.name.toLowerCase())));
}

function fillSelect(select, catalog) {
  select.replaceChildren();
  for (const [group, label] of GROUPS) {
    const models = catalog.models.filter((m) => m.group === group);
    if (!models.length) continue;
    select.append(el('optgroup', { label }, ...models.map((m) => el('option', { value: m.id }, m.display))));
  }
  select.append(el('option', { value: OTHER }, 'other (directory or Hugging Face id)…'));
  select.value = catalog.current;
}

function layersText(m) {
  return `${m.n_layers} layers · ${m.n_heads} heads · d_model ${m.d_model}`;
}

/**
 * Builds the header into <header class="top" data-title="...">, loads the model list, and calls
 * onModel(model) with /api/model's facts now and after every switch. Resolves to the model.
 */
export async function initPage(onModel) {
  const header = document.querySelector('header.top');
  const select = el('select', { id: 'model-select' });
  const info = el('span', { class: 'subtitle', id: 'model-info' });
  const bar = el('progress', { class: 'load-progress', 'aria-label': 'model loading progress' });
  const barText = el('span', {});
  const loading = el('div', { class: 'loading', role: 'status', hidden: true }, bar, barText);
  const otherInput = el('input', { id: 'model-other', type: 'text', size: 48,
    placeholder: 'a model directory, or org/name on Hugging Face' });
  const otherButton = el('button', { type: 'button', id: 'model-other-load' }, 'Load');
  const other = el('div', { class: 'other-model', hidden: true },
    el('label', { for: 'model-other' }, 'model'), otherInput, otherButton);
  const note = el('p', { class: 'note', hidden: true });
  const error = el('p', { class: 'error', id: 'model-error', role: 'alert', hidden: true });
  header.append(
    el('div', { class: 'title-row' },
      el('a', { class: 'home', href: '/', title: 'command center' }, 'mlux'),
      el('h1', {}, header.dataset.title || document.title),
      el('label', { for: 'model-select', class: 'visually-hidden' }, 'Model'), select, info),
    nav(), other, note, loading, error);

  let current = await api('/api/model');
  let catalog = await api('/api/models');
  fillSelect(select, catalog);
  info.textContent = layersText(current);

  async function load(id) {
    if (!id || id === current.id) return;
    error.hidden = true;
    loading.hidden = false;
    select.disabled = true;
    bar.removeAttribute('value');
    barText.textContent = `loading ${id}...`;
    try {
      let loaded = null;
      await stream('/api/model/load', { model: id }, (e) => {
        if (e.type === 'progress') {
          barText.textContent = e.message || e.stage;
          if (e.bytes_total) { bar.max = e.bytes_total; bar.value = e.bytes_done; } else bar.removeAttribute('value');
        } else if (e.type === 'done') loaded = e.model;
      });
      current = loaded;
      catalog = await api('/api/models');
      fillSelect(select, catalog);
      info.textContent = layersText(current);
      other.hidden = true;
      await onModel(current, true);
    } catch (e) {
      error.hidden = false;
      status(error, `Could not load ${id}: ${e.message.replace(/\.+$/, "")}. Still using ${current.name}.`, true);
      select.value = current.id;
    } finally {
      loading.hidden = true;
      select.disabled = false;
    }
  }

  select.addEventListener('change', () => {
    const id = select.value;
    const entry = catalog.models.find((m) => m.id === id);
    note.hidden = true;
    if (id === OTHER) {
      other.hidden = false;
      otherInput.focus();
      return;
    }
    if (entry && !entry.cached && !catalog.downloads) {
      note.hidden = false;
      note.textContent = `${id} is not downloaded. ${catalog.note}`;
      select.value = current.id;
      return;
    }
    load(id);
  });
  otherButton.addEventListener('click', () => load(otherInput.value.trim()));
  otherInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') load(otherInput.value.trim()); });
  await onModel(current, false);
  return current;
}

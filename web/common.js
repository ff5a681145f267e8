// What every page shares: talking to the server (JSON and event streams), the page header with
// the model picker, progress/cancel for long jobs, the chat-format button, downloads and the
// hover tooltip. Model text is only ever put into the page as text (textContent), never as HTML.

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body || {};
  }
}

/** Creates an element: el('button', {class: 'run', onclick: f}, 'Run'). Strings become text. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

async function errorOf(res) {
  let body = {};
  try { body = await res.json(); } catch { /* not JSON */ }
  return new ApiError(body.error || `${res.status} ${res.statusText}`, res.status, body);
}

/** GET (no body) or POST a JSON body; resolves to the JSON answer, throws ApiError. */
export async function api(path, body, signal) {
  const init = body === undefined ? { signal } : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal,
  };
  const res = await fetch(path, init);
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

/**
 * POSTs to an event-stream endpoint and calls onEvent(event) for each "data: {json}" frame, as the
 * original explorers did (a fetch body reader split on newlines). An {"type":"error"} frame
 * throws ApiError; aborting `signal` closes the connection, which stops the work on the server.
 */
export async function stream(path, body, onEvent, signal) {
  const res = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal,
  });
  if (!res.ok) throw await errorOf(res);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) {
      if (!line.startsWith('data: ')) continue;
      const event = JSON.parse(line.slice(6));
      if (event.type === 'error') throw new ApiError(event.error, 200, event);
      onEvent(event);
    }
  }
}

/** Saves `data` (an object → JSON, or a Blob) as a file. */
export function download(filename, data) {
  const blob = data instanceof Blob ? data : new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export const percent = (p) => `${(100 * p).toFixed(1)}%`;

/** How a token reads in a cell: the server's display text (escapes, ␣ for edge spaces). */
export function tokenLabel(t) {
  return t.display !== undefined ? t.display : String(t.token ?? t.text ?? '');
}

/** Shows a status or error message in `node` (errors in red). */
export function status(node, message, isError = false) {
  node.textContent = message;
  node.classList.toggle('error', isError);
}

/**
 * A long job started by `button`: disables it, shows a progress bar and a Cancel button after it,
 * and gives the job an AbortSignal. job.progress(done, total) moves the bar.
 */
export class Job {
  constructor(button, label) {
    this.button = button;
    this.idleText = button.textContent;
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    button.disabled = true;
    if (label) button.textContent = label;
    this.bar = el('progress', { class: 'job-progress', max: 1, 'aria-label': 'progress' });
    this.cancel = el('button', { class: 'cancel', type: 'button', onclick: () => this.controller.abort() }, 'Cancel');
    button.after(this.bar, this.cancel);
  }
  progress(done, total) {
    this.bar.max = total || 1;
    this.bar.value = done;
  }
  get cancelled() { return this.signal.aborted; }
  finish() {
    this.button.disabled = false;
    this.button.textContent = this.idleText;
    this.bar.remove();
    this.cancel.remove();
  }
}

/** Runs job body `fn(job)`; reports errors in `statusNode`; "cancelled" when aborted. */
export async function runJob(button, statusNode, label, fn) {
  const job = new Job(button, label);
  try {
    await fn(job);
    return true;
  } catch (e) {
    if (job.cancelled || e.name === 'AbortError') status(statusNode, 'cancelled');
    else status(statusNode, `Error: ${e.message}`, true);
    return false;
  } finally {
    job.finish();
  }
}

/**
 * The chat-format button: wraps the prompt(s) in the model's chat template (one user message and
 * the generation prompt) and returns the formatted text, or null after telling the user why not.
 */
export async function chatFormat(text, statusNode) {
  const r = await api('/api/chat_template', { prompt: text });
  if (!r.supported) {
    status(statusNode, r.error || 'No chat template available for this model', true);
    return null;
  }
  return r.formatted;
}

/** Calls fn on Enter (Shift+Enter: newline) — or on Ctrl/Cmd+Enter when ctrlOnly. */
export function onEnter(textarea, fn, ctrlOnly = false) {
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    if (ctrlOnly ? (e.ctrlKey || e.metaKey) : !e.shiftKey) {
      e.preventDefault();
      fn();
    }
  });
}

/** A slider with its live value: returns {input, value()}; `label` names it for screen readers. */
export function slider(container, { id, label, min, max, step, value, format = (v) => v }) {
  const input = el('input', { type: 'range', id, min, max, step, value });
  const out = el('output', { for: id }, format(value));
  input.addEventListener('input', () => { out.textContent = format(Number(input.value)); });
  container.append(el('label', { for: id }, label), input, out);
  return { input, out, value: () => Number(input.value), set(v) { input.value = v; out.textContent = format(Number(v)); } };
}

// --- the hover tooltip -------------------------------------------------------------------------

let tip;
/** Shows lines of text near (x, y); hideTip() removes it. */
export function showTip(x, y, lines) {
  if (!tip) {
    tip = el('div', { class: 'tooltip', role: 'tooltip' });
    document.body.append(tip);
  }
  tip.replaceChildren(...lines.map((l) => el('div', {}, l)));
  tip.hidden = false;
  const pad = 14;
  const w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.left = `${Math.min(x + pad, window.scrollX + window.innerWidth - w - 4)}px`;
  tip.style.top = `${y + pad + h > window.scrollY + window.innerHeight ? y - h - pad : y + pad}px`;
}
export function hideTip() { if (tip) tip.hidden = true; }

/** Tooltips for an element: lines(target) gives the text; works on hover and keyboard focus. */
export function hoverTips(root, selector, lines) {
  root.addEventListener('mouseover', (e) => {
    const t = e.target.closest(selector);
    if (t && root.contains(t)) showTip(e.pageX, e.pageY, lines(t));
  });
  root.addEventListener('mousemove', (e) => {
    const t = e.target.closest(selector);
    if (t && root.contains(t)) showTip(e.pageX, e.pageY, lines(t));
    else hideTip();
  });
  root.addEventListener('mouseleave', hideTip);
  root.addEventListener('focusin', (e) => {
    const t = e.target.closest(selector);
    if (!t) return;
    const r = t.getBoundingClientRect();
    showTip(r.right + window.scrollX, r.top + window.scrollY, lines(t));
  });
  root.addEventListener('focusout', hideTip);
}

export { initPage } from './model_picker.js';

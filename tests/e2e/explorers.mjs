// Browser tests of the explorers: starts `mlux serve --no-browser --port 0` on the demo model,
// drives headless Chromium through each page's main flow, saves a screenshot of each, and fails
// on any failed check or any console error. Usage: node explorers.mjs MLUX WORK_DIR CHROMIUM DEMO_DIR
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [binary, work, chromiumPath, demoDir] = process.argv.slice(2);
const require = createRequire(pathToFileURL(join(work, 'package.json')));
const { chromium } = require('playwright-core');
const shots = join(work, 'screenshots');
mkdirSync(shots, { recursive: true });

const failures = [];
const consoleErrors = [];
let passed = 0;
function check(ok, what) {
  if (ok) passed++;
  else failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

function startServer(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--no-browser', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL from mlux serve after 60 s: ${out}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ child, base: `http://127.0.0.1:${m[1]}` }); }
    });
    child.on('exit', (code) => reject(new Error(`mlux serve exited with ${code}: ${out}`)));
  });
}

async function health(base) {
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(`${base}/api/health`); if (r.ok) return r.json(); } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server never answered /api/health');
}

async function waitIdle(base) {
  for (let i = 0; i < 50; i++) {
    if ((await health(base)).busy === null) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function open(browser, base, path) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${path}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  await page.goto(base + path);
  await page.waitForSelector('#model-select option', { state: 'attached' });
  return page;
}

const idle = (page, selector) => page.waitForFunction((s) => !document.querySelector(s).disabled, selector, { timeout: 120000 });
const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

async function commandCenter(browser, base) {
  const page = await open(browser, base, '/');
  const links = await page.$$eval('.card a.open', (as) => as.map((a) => a.getAttribute('href')));
  check(links.length === 6, `command center lists 6 explorers (${links.join(' ')})`);
  await page.waitForFunction(() => document.querySelector('#server-status').textContent.startsWith('running'));
  check((await text(page, '#server-status')).includes('demo'), 'command center shows the running model');
  await shot(page, 'command-center');
  for (const href of links) {
    await Promise.all([page.waitForURL(base + href), page.click(`.card a[href="${href}"]`)]);
    check((await page.title()).includes('mlux'), `the command center's link opens ${href}`);
    await page.waitForSelector('#model-select option', { state: 'attached' });
    await page.goBack();
  }
  await page.close();
}

async function logitLens(browser, base) {
  const page = await open(browser, base, '/logit-lens');
  await page.waitForSelector('#lens-grid td');
  const heads = await page.$$eval('#lens-grid thead th', (t) => t.map((x) => x.textContent));
  check(heads[1] === 'L7' && heads.at(-1) === 'emb', `lens columns run from the last layer down (${heads.slice(1).join(' ')})`);
  const lastRow = await page.$$eval('#lens-grid tbody tr:last-child td .top1', (t) => t.map((x) => x.textContent));
  check(lastRow[0] === 'grand', `the top layer predicts "grand" after the last token (${lastRow.join(' ')})`);
  check(lastRow.slice(2, 6).some((t) => t.includes('petit')), `middle layers still read "petit" (${lastRow.join(' ')})`);
  await page.hover('#lens-grid tbody tr:last-child td');
  await page.waitForSelector('.tooltip:not([hidden])');
  check((await text(page, '.tooltip')).includes('%'), 'hovering a lens cell shows probabilities');
  await page.click('#lens-grid tbody tr:last-child td');
  check((await text(page, '#info')).includes('logit'), 'clicking a lens cell fills the info bar');
  await shot(page, 'logit-lens');
  await page.click('[data-probe=mlp]');
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('(mlp)'));
  check((await page.$$('#lens-grid thead th')).length === 9, 'the mlp probe shows 8 layer columns');
  await page.close();
}

async function patching(browser, base) {
  const page = await open(browser, base, '/patching');
  await page.waitForSelector('#source-chips .chip');
  const pickLast = async (side, word) => {
    const chips = await page.$$(`#${side}-chips .chip`);
    let pick = null;
    for (const c of chips) if ((await c.textContent()).includes(word)) pick = c;
    await pick.click();
  };
  await pickLast('source', 'Josh');
  await pickLast('target', 'Alex');
  await page.click('#run');
  await idle(page, '#run');
  const cells = await page.$$eval('#patch-table td .top1', (t) => t.map((x) => x.textContent));
  check(cells.length === 9, `patching shows the baseline and 8 layers (${cells.join(' ')})`);
  check((await page.$$('#patch-table td.changed')).length >= 1, 'patching the name changes the answer at some layers');
  await shot(page, 'patching');
  await page.click('#sweep');
  await idle(page, '#sweep');
  const tokens = (await page.$$('#target-chips .chip')).length;
  const filled = (await page.$$('#patch-heatmap td[data-layer]')).length;
  check(filled === 8 * tokens, `the patching sweep fills the layer × position heatmap (${filled} of ${8 * tokens})`);
  await page.hover('#patch-heatmap tbody tr:last-child td[data-layer]');
  check((await text(page, '.tooltip')).includes('effect'), 'hovering a sweep cell shows its effect');
  await shot(page, 'patching-sweep');
  await page.close();
}

async function setRange(page, selector, value) {
  await page.$eval(selector, (e, v) => { e.value = v; e.dispatchEvent(new Event('input')); }, value);
}

async function steering(browser, base) {
  const page = await open(browser, base, '/steering');
  await page.click('#presets button:has-text("sentiment")');
  await page.fill('#alpha-value', '3');
  await setRange(page, '#max-tokens', 30);
  await page.click('#generate');
  await idle(page, '#generate');
  check((await text(page, '#vector-info')).includes('vector computed'), 'steering computes a vector');
  const out = await text(page, '#steered-output');
  check(out.trim().length > 10, `steering streams a generation ("${out.slice(0, 60)}")`);
  check(!(await page.$eval('#vector-download', (a) => a.hidden)), 'the vector can be downloaded');
  await shot(page, 'steering');
  await page.click('#compare');
  await idle(page, '#compare');
  const texts = await page.$$eval('#compare .output', (o) => o.map((x) => x.textContent));
  check(texts.length === 3 && texts.every((t) => t.length > 0) && texts[0] !== texts[2],
    'compare shows −α, 0 and +α side by side, and they differ');
  await shot(page, 'steering-compare');
  await page.close();
}

async function ablation(browser, base) {
  const page = await open(browser, base, '/ablation');
  await page.click('#run');
  await idle(page, '#run');
  const rows = (await page.$$('#ablation-grid tbody tr')).length;
  const filled = (await page.$$('#ablation-grid td[data-l]')).length;
  check(rows > 0 && filled === 8 * rows, `ablation streams all 8 layers (${filled} cells, ${rows} tokens)`);
  check((await text(page, '#baseline')).startsWith('Baseline:'), 'ablation shows the baseline prediction');
  await page.hover('#ablation-grid tbody tr:last-child td[data-l]');
  check(/L\d+: [+-]\d/.test(await text(page, '.tooltip')), 'hovering an ablation cell shows its value');
  await shot(page, 'ablation');
  await page.close();
}

async function baseModel(browser, base) {
  const page = await open(browser, base, '/base');
  await page.click('#presets button:has-text("induction")');
  await setRange(page, '#max-tokens', 20);
  await setRange(page, '#temperature', 0);
  await page.click('#generate');
  await idle(page, '#generate');
  const completion = await text(page, '#output .completion');
  check(completion.startsWith(' F J K Q M T X'), `the base model streams a continuation ("${completion}")`);
  await shot(page, 'base');
  await setRange(page, '#max-tokens', 500);
  // Cancel at once: the demo model is too quick to catch mid-generation otherwise.
  await page.evaluate(() => { document.querySelector('#generate').click(); document.querySelector('.cancel').click(); });
  await idle(page, '#generate');
  check((await text(page, '#status')) === 'cancelled', 'a generation can be cancelled');
  check(await waitIdle(base), 'after cancelling, the server is idle at once');
  await page.close();
}

async function attention(browser, base) {
  const page = await open(browser, base, '/attention');
  await page.waitForSelector('canvas.pattern');
  check((await page.$$('canvas.pattern')).length === 8, 'attention shows one pattern per head');
  const box = await (await page.$('canvas.pattern')).boundingBox();
  await page.mouse.move(box.x + box.width - 3, box.y + box.height - 3);
  check((await text(page, '.tooltip')).includes('weight'), 'hovering a pattern names query, key and weight');
  await page.focus('canvas.pattern');
  await page.keyboard.press('ArrowDown');
  check((await text(page, '.tooltip')).includes('query 1'), 'arrow keys read a pattern cell');
  await page.click('#scores');
  await idle(page, '#scores');
  check((await page.$$('#scores-table td')).length === 64, 'head scores cover 8 layers × 8 heads');
  await shot(page, 'attention');
  await page.close();
}

const DEMO_FILES = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];
const CACHED_ID = 'mlux-test/demo-copy-it';

/** A Hugging Face cache (huggingface_hub's layout) holding one model: a copy of the demo model. */
function fakeHubCache() {
  const cache = mkdtempSync(join(tmpdir(), 'mlux-e2e-hf-'));
  const repo = join(cache, `models--${CACHED_ID.replace('/', '--')}`);
  const commit = '0123456789abcdef0123456789abcdef01234567';
  mkdirSync(join(repo, 'refs'), { recursive: true });
  mkdirSync(join(repo, 'snapshots', commit), { recursive: true });
  writeFileSync(join(repo, 'refs', 'main'), commit);
  for (const f of DEMO_FILES) copyFileSync(join(demoDir, f), join(repo, 'snapshots', commit, f));
  return cache;
}

async function waitForModel(page, base, id) {
  await page.waitForSelector('.loading', { state: 'hidden', timeout: 60000 });
  await page.waitForFunction(() => !document.querySelector('#model-select').disabled);
  return (await health(base)).model === id;
}

async function modelSwitching(browser, base) {
  const page = await open(browser, base, '/logit-lens');
  await page.waitForSelector('#lens-grid td');
  const groups = await page.$$eval('#model-select optgroup', (gs) => gs.map((g) => [g.label, [...g.children].map((o) => o.value)]));
  const instruct = groups.find(([label]) => label === 'Instruct Models');
  check(instruct && instruct[1].includes(CACHED_ID) && instruct[1].includes('mlx-community/gemma-2-2b-it-4bit'),
    'the dropdown lists the defaults and the HF cache, grouped base / instruct');
  await page.selectOption('#model-select', 'mlx-community/gemma-2-2b-it-4bit');
  check((await text(page, '.note')).includes('HF_HUB_OFFLINE'), 'picking a model that cannot be downloaded explains what to do');
  await page.selectOption('#model-select', CACHED_ID);
  check(await waitForModel(page, base, CACHED_ID), 'picking a cached model from the dropdown loads it');
  check((await page.$eval('#model-select', (s) => s.value)) === CACHED_ID, 'the dropdown shows the model in use');
  await page.selectOption('#model-select', '__other__');
  await page.fill('#model-other', '/no/such/model');
  await page.click('#model-other-load');
  await page.waitForSelector('#model-error:not([hidden])');
  check((await text(page, '#model-error')).includes('Still using'), 'a failed load shows the error and keeps the model');
  await shot(page, 'model-error');
  check((await health(base)).model === CACHED_ID, 'the server still runs the previous model');
  await page.fill('#model-other', demoDir);
  await page.click('#model-other-load');
  check(await waitForModel(page, base, demoDir), 'a model directory can be typed in');
  await page.selectOption('#model-select', 'demo');
  check(await waitForModel(page, base, 'demo'), 'switching back to the demo model works');
  check((await text(page, '#model-info')).startsWith('8 layers'), 'the page shows the model it switched to');
  await page.close();
}

// No network: the hub is off, and its cache is a temporary one holding a copy of the demo model.
const hfCache = fakeHubCache();
const { child, base } = await startServer({ ...process.env, HF_HUB_OFFLINE: '1', HF_HUB_CACHE: hfCache });
let browser;
try {
  await health(base);
  browser = await chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  for (const flow of [commandCenter, logitLens, patching, steering, ablation, baseModel, attention, modelSwitching]) {
    try { await flow(browser, base); } catch (e) { check(false, `${flow.name}: ${e.message.split('\n')[0]}`); }
  }
} finally {
  if (browser) await browser.close();
  child.kill();
  rmSync(hfCache, { recursive: true, force: true });
}
for (const e of consoleErrors) check(false, `console error: ${e}`);
console.log(`\nscreenshots in ${shots}`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);

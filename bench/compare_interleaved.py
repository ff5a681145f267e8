#!/usr/bin/env python3
"""mlux beside llama.cpp with the runs interleaved: llama.cpp, then each mlux variant, for every
(format, threads), repeated. The machine's memory bandwidth drifts by tens of percent within
minutes, so each ratio is taken between runs seconds apart and the table shows the median over
repetitions of those per-repetition ratios.

    bench/compare_interleaved.py --work /tmp/mlux-perf --reps 3 \\
        --format "Q8_0=random-llama-3.2-1b-shape-Q8_0.gguf:exact=mlux-q8g64:int8=mlux-q8g64:--int8-activations"

Each --format is GGUF_TYPE=GGUF_FILE, then NAME=MLUX_DIR[:FLAGS] per mlux variant (paths relative
to --work); FLAGS starts with '-', and its words NAME=VALUE set environment variables instead
(e.g. "--int8-activations MLUX_NO_AVX512=1"). Needs ../shared/perf's files (bin/llama_native_bench
and node/ with llama.cpp's prebuilt libllama.so), which bench/compare_llamacpp.sh sets up on first use.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path


def llama(work: Path, gguf: str, threads: int, args) -> dict:
    bins = work / "node/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
    out = subprocess.run([str(work / "bin/llama_native_bench"), str(work / "gguf" / gguf), str(bins), str(threads),
                          str(args.runs), str(args.pp), str(args.tg), "16"],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out.strip().splitlines()[-1])
    return {"pp": j["pp"]["tokPerS"]["median"], "tg": j["tg"]["tokPerS"]["median"], "rss": j["peakRssBytes"] / 2**30}


def mlux(binary: Path, model: Path, flags: list, threads: int, args) -> dict:
    env = dict(os.environ)  # FLAGS words NAME=VALUE set the environment (e.g. MLUX_NO_AVX512=1)
    env.update(f.split("=", 1) for f in flags if not f.startswith("-") and "=" in f)
    flags = [f for f in flags if f.startswith("-") or "=" not in f]
    out = subprocess.run([str(binary), "bench", "--model", str(model), "--threads", str(threads), "--runs", str(args.runs),
                          "--prompt-tokens", str(args.pp), "--gen-tokens", str(args.tg), "--json", *flags],
                         check=True, capture_output=True, text=True, env=env).stdout
    j = json.loads(out)
    return {"pp": j["prefill_tok_s"]["median"], "tg": j["decode_tok_s"]["median"], "rss": j["peak_rss_gib"],
            "bw": j["read_bandwidth_gb_s"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/mlux-perf"))
    ap.add_argument("--mlux", type=Path, default=Path(__file__).resolve().parent.parent / "build/release/mlux")
    ap.add_argument("--format", action="append", required=True)
    ap.add_argument("--threads", default="2,1")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--runs", type=int, default=2, help="timed runs per engine invocation (median taken)")
    ap.add_argument("--pp", type=int, default=128)
    ap.add_argument("--tg", type=int, default=64)
    args = ap.parse_args()

    formats = []
    for spec in args.format:
        head, *variants = spec.split(":")
        gtype, gguf = head.split("=", 1)
        mv, i = [], 0
        while i < len(variants):  # NAME=DIR, optionally followed by one FLAGS field starting with '-'
            name, d = variants[i].split("=", 1)
            flags = variants[i + 1].split() if i + 1 < len(variants) and variants[i + 1].startswith("-") else []
            mv.append((name, args.work / d, flags))
            i += 2 if flags else 1
        formats.append((gtype, gguf, mv))

    threads = [int(t) for t in args.threads.split(",")]
    results = {}  # (type, threads) -> list of per-rep dicts {"llama": ..., name: ...}
    for rep in range(args.reps):
        for t in threads:
            for gtype, gguf, variants in formats:
                row = {"llama": llama(args.work, gguf, t, args)}
                for name, d, flags in variants:
                    row[name] = mlux(args.mlux, d, flags, t, args)
                results.setdefault((gtype, t), []).append(row)
                print(f"rep {rep + 1} {gtype} {t}T: " + ", ".join(
                    f"{k} pp {v['pp']:.1f} tg {v['tg']:.2f}" for k, v in row.items()), file=sys.stderr, flush=True)

    names = [n for n, _, _ in formats[0][2]]
    print(f"Median over {args.reps} interleaved repetitions; ratio = median of per-repetition mlux / llama.cpp.\n")
    print("| format | threads | pp{0} llama.cpp | ".format(args.pp) +
          " | ".join(f"pp mlux {n}" for n in names) + " | tg llama.cpp | " +
          " | ".join(f"tg mlux {n}" for n in names) + " | peak RSS GiB llama.cpp / mlux |")
    print("|---|---:|" + "---:|" * (2 + 2 * len(names)) + "---:|")
    for (gtype, t), rows in results.items():
        def med(key, what):
            return statistics.median(r[key][what] for r in rows)

        def ratio(key, what):
            return statistics.median(r[key][what] / r["llama"][what] for r in rows)

        cells = [gtype, str(t), f"{med('llama', 'pp'):.1f}"]
        cells += [f"{med(n, 'pp'):.1f} ({ratio(n, 'pp'):.2f})" for n in names]
        cells += [f"{med('llama', 'tg'):.2f}"]
        cells += [f"{med(n, 'tg'):.2f} ({ratio(n, 'tg'):.2f})" for n in names]
        cells += [f"{med('llama', 'rss'):.2f} / {max(med(n, 'rss') for n in names):.2f}"]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# mlux beside stock llama.cpp on the same weights, in one run (the machine is shared and noisy,
# so only same-run ratios mean anything). Uses ../shared/perf to generate the seeded random
# Llama-3.2-1B-shaped checkpoint and its GGUF files and to benchmark llama.cpp; then runs
# `mlux bench` with the same workload (pp128 / tg64 after a 16-token prompt) at 2 and 1 threads.
#
#   bench/compare_llamacpp.sh                  # F16 (llama.cpp) vs the bf16 checkpoint (mlux)
#   TYPES=F16,Q8_0,Q4_0 MLUX_MODELS="bf16:DIR q8:DIR q4:DIR" bench/compare_llamacpp.sh
#   MLUX_MODELS="q4-int8:DIR:--int8-activations" ...   # a third field: extra `mlux bench` flags
# bench/compare_quantized.sh quantizes the checkpoint with `mlux quantize` and runs this for Q8_0/Q4_0.
#
# Needs about 7 GB in $MLUX_PERF_WORK (default /tmp/mlux-perf). Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
PERF=${PERF_DIR:-../shared/perf}
WORK=${MLUX_PERF_WORK:-/tmp/mlux-perf}
TYPES=${TYPES:-F16}
MODELS=${MLUX_MODELS:-"bf16:$WORK/hf-random-llama-1b"}
RESULTS=$WORK/results
mkdir -p "$RESULTS"

make build >/dev/null
REUSE=1 SKIP_VERIFY=1 TYPES="$TYPES" RESULTS_DIR="$RESULTS" bash "$PERF/run_all.sh" > "$WORK/compare.log" 2>&1
report=$(ls -t "$RESULTS"/results-*.md | head -1)
for spec in $MODELS; do
  name=${spec%%:*}; rest=${spec#*:}; dir=${rest%%:*}; flags=""
  [[ "$rest" == *:* ]] && flags=${rest#*:}
  for t in 2 1; do
    # shellcheck disable=SC2086
    ./build/release/mlux bench --model "$dir" --threads "$t" $flags --json > "$WORK/mlux-$name-t$t.json"
  done
done

echo "llama.cpp report: $report"
grep -A4 '^| probe' "$report"
echo
grep -E '^\| (F16|Q8_0|Q4_0) \|' "$report" | head -"$(( $(tr , ' ' <<<"$TYPES" | wc -w) * 2 ))" | awk -F'|' '{printf "llama.cpp %s %s threads: pp %s, tg %s, load %s, peak RSS %s\n", $2, $3, $4, $6, $9, $10}'
for spec in $MODELS; do
  name=${spec%%:*}
  for t in 2 1; do
    /usr/bin/python3 - "$WORK/mlux-$name-t$t.json" "$name" "$t" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
p, g = j["prefill_tok_s"], j["decode_tok_s"]
print(f"mlux {sys.argv[2]} {sys.argv[3]} threads: pp {p['median']:.1f} ({p['min']:.1f}-{p['max']:.1f}), "
      f"tg {g['median']:.2f} ({g['min']:.2f}-{g['max']:.2f}), peak RSS {j['peak_rss_gib']:.3f} GiB, load {j['load_s']:.2f} s, "
      f"decode reads {j.get('decode_weight_gb_s', 0):.1f} GB/s, read BW probe {j['read_bandwidth_gb_s']:.1f} GB/s")
PY
  done
done

#!/usr/bin/env bash
# mlux's MLX-quantized checkpoints beside llama.cpp's Q8_0 / Q4_0 on the same weights, runs
# interleaved (bench/compare_interleaved.py). q8 and q4 in groups of 64 have exactly the bytes per
# weight of Q8_0 and Q4_0 (8.5 and 4.5 bits), so both engines stream the same bytes per token.
# Quantizes the harness's bf16 checkpoint with `mlux quantize` on first use; mlux runs exact (f32
# activations) and with the opt-in int8 activations.
#
#   bench/compare_quantized.sh        # about 10 minutes (REPS=3); needs ../shared/perf's files (7 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
PERF=${PERF_DIR:-../shared/perf}
WORK=${MLUX_PERF_WORK:-/tmp/mlux-perf}
make build >/dev/null
if [ ! -x "$WORK/bin/llama_native_bench" ] || [ ! -f "$WORK/gguf/random-llama-3.2-1b-shape-Q4_0.gguf" ]; then
  mkdir -p "$WORK/results"  # first use: the checkpoint, the GGUFs and llama.cpp's driver (~12 minutes)
  TYPES=Q8_0,Q4_0 RESULTS_DIR="$WORK/results" bash "$PERF/run_all.sh" > "$WORK/setup.log" 2>&1
fi
for bits in 8 4; do
  out=$WORK/mlux-q${bits}g64
  [ -f "$out/model.safetensors" ] ||
    ./build/release/mlux quantize --model "$WORK/hf-random-llama-1b" --bits "$bits" --group-size 64 --out "$out"
done
exec bench/compare_interleaved.py --work "$WORK" --reps "${REPS:-3}" \
  --format "Q8_0=random-llama-3.2-1b-shape-Q8_0.gguf:exact=mlux-q8g64:int8=mlux-q8g64:--int8-activations" \
  --format "Q4_0=random-llama-3.2-1b-shape-Q4_0.gguf:exact=mlux-q4g64:int8=mlux-q4g64:--int8-activations"

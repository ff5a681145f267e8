#!/usr/bin/env bash
# mlux's MLX-quantized checkpoints beside llama.cpp's Q8_0 / Q4_0 on the same weights, in one run.
# q8 and q4 in groups of 64 have exactly the bytes per weight of Q8_0 and Q4_0 (8.5 and 4.5 bits),
# so both engines stream the same bytes per token. Quantizes the harness's bf16 checkpoint with
# `mlux quantize` on first use, then runs bench/compare_llamacpp.sh for Q8_0,Q4_0 against q8g64
# and q4g64, exact (f32 activations) and with the opt-in int8 activations.
#
#   bench/compare_quantized.sh        # about 10 minutes; needs ../shared/perf's files (7 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${MLUX_PERF_WORK:-/tmp/mlux-perf}
make build >/dev/null
for bits in 8 4; do
  out=$WORK/mlux-q${bits}g64
  [ -f "$out/model.safetensors" ] ||
    ./build/release/mlux quantize --model "$WORK/hf-random-llama-1b" --bits "$bits" --group-size 64 --out "$out"
done
TYPES=Q8_0,Q4_0 MLUX_MODELS="q8:$WORK/mlux-q8g64 q4:$WORK/mlux-q4g64 \
q8-int8:$WORK/mlux-q8g64:--int8-activations q4-int8:$WORK/mlux-q4g64:--int8-activations" \
  exec bench/compare_llamacpp.sh

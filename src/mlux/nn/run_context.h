// RunContext: everything one forward call carries besides the main tensor: token positions,
// padding, the KV cache, the per-call hook set, and what the caller asked to collect. Built by
// the caller for each call and never stored in the model, so concurrent calls on one model are
// independent.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mlux/tensor/tensor.h"

namespace mlux::nn {

class HookDispatcher;
class KVCache;

struct RunContext {
  Tensor positions;                         // [B, T] i32: absolute position of every token in this call
  std::int64_t total_length = 0;            // largest position + 1 (rope variants that depend on length)
  std::span<const std::int32_t> key_start;  // per batch row, first non-padding key (empty: no padding)
  KVCache* cache = nullptr;                 // keys/values (and conv state) of earlier positions
  const HookDispatcher* hooks = nullptr;    // null: the plain forward, one branch per module
  std::vector<Tensor>* hidden_states = nullptr;  // if set, filled as transformers' output_hidden_states
  bool last_logits_only = false;                 // unembed only the last position (generation, benchmarks)
};

}  // namespace mlux::nn

// RunContext: everything one forward call carries besides the main tensor: token positions,
// padding, the KV cache, the per-call hook set, and what the caller asked to collect. Built by
// the caller for each call and never stored in the model, so concurrent calls on one model are
// independent.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <span>
#include <vector>

#include "mlux/tensor/tensor.h"

namespace mlux::nn {

class HookDispatcher;
class KVCache;

/// A ragged batch: the suffixes of several sequences laid end to end in batch row 0. Attention lets
/// each segment see only its own tokens plus `prefix` keys and values (its positions before the
/// suffix, unchanged from an earlier run); everything else in a block works token by token. Fast
/// patching sweeps run hundreds of patched suffixes as one call this way.
struct Segments {
  std::vector<std::int64_t> offsets;  // segment s covers tokens [offsets[s], offsets[s + 1])
  /// Keys and values [1, P, Hkv, Dh] of the P positions before segment s at layer `layer`
  /// (undefined tensors when P = 0).
  std::function<std::pair<Tensor, Tensor>(std::int64_t layer, std::size_t segment)> prefix;
};

struct RunContext {
  Tensor positions;                         // [B, T] i32: absolute position of every token in this call
  std::int64_t total_length = 0;            // largest position + 1 (rope variants that depend on length)
  std::span<const std::int32_t> key_start;  // per batch row, first non-padding key (empty: no padding)
  KVCache* cache = nullptr;                 // keys/values (and conv state) of earlier positions
  const HookDispatcher* hooks = nullptr;    // null: the plain forward, one branch per module
  std::vector<Tensor>* hidden_states = nullptr;  // if set, filled as transformers' output_hidden_states
  bool last_logits_only = false;                 // unembed only the last position (generation, benchmarks)
  const Segments* segments = nullptr;            // a ragged batch (see Segments); null: ordinary rows
};

}  // namespace mlux::nn

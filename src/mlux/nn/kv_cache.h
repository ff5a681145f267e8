// KVCache: what a model remembers between calls. Per attention layer, the keys and values of
// every earlier position (after RoPE and q/k-norm), stored [B, capacity, Hkv, Dh] in f32 and grown
// in chunks, never per token; per convolution layer (LFM2), the last L−1 inputs of its short conv.
//
// One call appends T positions to every layer at offset length(); the model calls advance(T)
// once the call has finished, so all layers of one call write the same slots. The cache also
// keeps the token ids it has seen, so a model whose RoPE frequencies depend on the sequence length
// (dynamic NTK, LongRoPE) can recompute the cached prefix when they change (CausalLM::forward).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "mlux/tensor/tensor.h"

namespace mlux::nn {

class KVCache {
 public:
  /// `layers`: one slot per decoder layer (conv layers use only their conv state).
  KVCache(std::int64_t batch, std::int64_t layers);

  std::int64_t batch() const { return batch_; }
  /// Positions already cached (the offset of the next call).
  std::int64_t length() const { return length_; }
  /// Makes room for `tokens` positions in total, so later calls grow nothing.
  void reserve(std::int64_t tokens);

  /// Stores k, v [B, T, Hkv, D] of `layer` at positions [length, length + T) and returns views
  /// [B, length + T, Hkv, D] of all keys and values of that layer.
  std::pair<Tensor, Tensor> append(std::int64_t layer, const Tensor& k, const Tensor& v);
  /// The conv history of `layer` [B, L−1, C] (undefined before the first call).
  const Tensor& conv_state(std::int64_t layer) const { return layers_.at(std::size_t(layer)).conv; }
  void set_conv_state(std::int64_t layer, Tensor state) { layers_.at(std::size_t(layer)).conv = std::move(state); }

  /// Ends a call that ran `ids` [B, T] (i32/i64): those positions become part of the cache.
  void advance(const Tensor& ids);
  /// Every token id cached so far, [B, length] i64.
  Tensor tokens() const;
  /// Empties the cache (keeps its memory for reuse).
  void clear();
  /// The sequence length the cached keys' RoPE frequencies were computed for.
  std::int64_t rope_length() const { return rope_length_; }
  void set_rope_length(std::int64_t n) { rope_length_ = n; }
  /// Forgets every position from `length` on (conv states cannot be rewound: only for attention-only models).
  void truncate(std::int64_t length);

 private:
  struct Layer {
    Tensor keys, values;  // [B, capacity, Hkv, D]
    Tensor conv;          // [B, L−1, C]
  };
  void grow(Layer& l, std::int64_t needed, const Tensor& k, const Tensor& v);

  std::int64_t batch_;
  std::int64_t length_ = 0;
  std::int64_t rope_length_ = 0;
  std::vector<std::vector<std::int64_t>> tokens_;  // per batch row
  std::int64_t reserved_ = 0;
  std::vector<Layer> layers_;
};

}  // namespace mlux::nn

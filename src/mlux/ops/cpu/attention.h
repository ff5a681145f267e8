// Attention kernels. The op guarantees: f32 data; within one position the heads are contiguous
// and each head's Dh (or Dv) values are contiguous; batch and position steps are given as strides
// (in floats) so a view into a KV cache needs no copy. `out` never aliases an input.
//
// Dims: B batch, Tq queries, Tk keys, H query heads, Hkv kv heads (H % Hkv == 0), Dh, Dv.
#pragma once

#include <cstdint>

namespace mlux::ops::cpu {

struct AttentionDims {
  std::int64_t B, Tq, Tk, H, Hkv, Dh, Dv;
  std::int64_t q_batch, q_pos;   // strides of q
  std::int64_t k_batch, k_pos;   // strides of k
  std::int64_t v_batch, v_pos;   // strides of v
};

struct AttentionMask {
  float scale;
  float softcap;                  // 0: none
  std::int64_t window;            // 0: none
  const std::int32_t* key_start;  // per batch row, or null
};

/// Visible keys of query i in batch row b: [first, last] (first > last: none).
void visible_keys(const AttentionDims& d, const AttentionMask& m, std::int64_t b, std::int64_t i, std::int64_t& first,
                  std::int64_t& last);

/// out [B, Tq, H, Dv] contiguous = softmax(mask(softcap(scale·q·kᵀ)))·v, without storing scores.
void attention_fused(const AttentionDims& d, const AttentionMask& m, const float* q, const float* k, const float* v,
                     float* out);
/// scores [B, H, Tq, Tk] contiguous; masked entries −inf.
void attention_scores(const AttentionDims& d, const AttentionMask& m, const float* q, const float* k, float* scores);
/// out [B, Tq, H, Dv] = pattern [B, H, Tq, Tk] · v.
void attention_apply(const AttentionDims& d, const float* pattern, const float* v, float* out);

}  // namespace mlux::ops::cpu

// Embedding: token ids → rows of the table [V, D] (any float dtype, read in place). Also serves
// as the tied output head: as_linear(h) = h · tableᵀ.
#pragma once

#include "mlux/nn/module.h"

namespace mlux::nn {

class Embedding : public Module {
 public:
  Embedding(std::string name, std::int64_t num_embeddings, std::int64_t dim);

  /// h [..., D] → logits [..., V]: the tied unembedding.
  Tensor as_linear(const Tensor& h) const;
  const Tensor& weight() const { return weight_; }  // [V, D]
  std::int64_t num_embeddings() const { return v_; }

 protected:
  /// ids [B, T] i32/i64 → [B, T, D] f32
  Tensor forward(const Tensor& ids, RunContext& ctx) const override;

 private:
  std::int64_t v_, d_;
  Tensor weight_;
};

}  // namespace mlux::nn

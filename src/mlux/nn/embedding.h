// Embedding: token ids → rows of the table [V, D] (any float dtype, read in place; or
// MLX-quantized, mlx-lm's QuantizedEmbedding, dequantizing only the rows it gathers). Also serves
// as the tied output head: as_linear(h) = h · tableᵀ.
#pragma once

#include "mlux/nn/matrix_weight.h"
#include "mlux/nn/module.h"

namespace mlux::nn {

class Embedding : public Module, public Quantizable {
 public:
  Embedding(std::string name, std::int64_t num_embeddings, std::int64_t dim);

  /// h [..., D] → logits [..., V]: the tied unembedding.
  Tensor as_linear(const Tensor& h) const;
  /// As stored: [V, D] floats, or u32 codes when quantized (see matrix()).
  const Tensor& weight() const { return table_.stored(); }
  std::int64_t num_embeddings() const { return table_.out_features(); }
  const MatrixWeight& matrix() const override { return table_; }
  MatrixWeight& matrix() override { return table_; }

 protected:
  /// ids [B, T] i32/i64 → [B, T, D] f32
  Tensor forward(const Tensor& ids, RunContext& ctx) const override;

 private:
  MatrixWeight table_;
};

}  // namespace mlux::nn

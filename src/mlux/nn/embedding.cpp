#include "mlux/nn/embedding.h"

#include "mlux/ops/ops.h"

namespace mlux::nn {

Embedding::Embedding(std::string name, std::int64_t num_embeddings, std::int64_t dim)
    : Module(std::move(name)), v_(num_embeddings), d_(dim) {
  add_param("weight", &weight_, {num_embeddings, dim});
}

Tensor Embedding::forward(const Tensor& ids, RunContext&) const { return ops::take(weight_, ids); }

Tensor Embedding::as_linear(const Tensor& h) const { return ops::linear(h, weight_); }

}  // namespace mlux::nn

#include "mlux/nn/embedding.h"

namespace mlux::nn {

Embedding::Embedding(std::string name, std::int64_t num_embeddings, std::int64_t dim)
    : Module(std::move(name)), table_(*this, num_embeddings, dim) {}

Tensor Embedding::forward(const Tensor& ids, RunContext&) const { return table_.take(ids); }

Tensor Embedding::as_linear(const Tensor& h) const { return table_.linear(h); }

}  // namespace mlux::nn

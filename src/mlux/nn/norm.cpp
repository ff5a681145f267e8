#include "mlux/nn/norm.h"

namespace mlux::nn {

Norm::Norm(std::string name, std::int64_t dim, NormSpec spec) : Module(std::move(name)), spec_(spec) {
  add_param("weight", &weight_, {dim}, true, true);
  if (spec.kind == NormKind::layer) add_param("bias", &bias_, {dim}, true, true);
}

Tensor Norm::forward(const Tensor& x, RunContext&) const {
  if (spec_.kind == NormKind::layer) return ops::layer_norm(x, weight_, bias_, {.eps = spec_.eps});
  return ops::rms_norm(x, weight_, {.eps = spec_.eps, .weight_offset = spec_.weight_offset});
}

}  // namespace mlux::nn

#include "mlux/nn/linear.h"

namespace mlux::nn {

Linear::Linear(std::string name, std::int64_t in_features, std::int64_t out_features, bool bias)
    : Module(std::move(name)), weight_(*this, out_features, in_features) {
  if (bias) add_param("bias", &bias_, {out_features}, true, true);
}

Tensor Linear::forward(const Tensor& x, RunContext&) const { return weight_.linear(x, bias_); }

}  // namespace mlux::nn

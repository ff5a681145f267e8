#include "mlux/nn/linear.h"

#include "mlux/ops/ops.h"

namespace mlux::nn {

Linear::Linear(std::string name, std::int64_t in_features, std::int64_t out_features, bool bias)
    : Module(std::move(name)), in_(in_features), out_(out_features) {
  add_param("weight", &weight_, {out_features, in_features});
  if (bias) add_param("bias", &bias_, {out_features}, true, true);
}

Tensor Linear::forward(const Tensor& x, RunContext&) const { return ops::linear(x, weight_, bias_); }

}  // namespace mlux::nn

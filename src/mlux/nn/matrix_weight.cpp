#include "mlux/nn/matrix_weight.h"

#include "mlux/error.h"
#include "mlux/ops/ops.h"

namespace mlux::nn {

MatrixWeight::MatrixWeight(Module& owner, std::int64_t out, std::int64_t in)
    : params_(&owner.params()), out_(out), in_(in) {
  params_->push_back({"weight", &dense_, {out, in}});
}

void MatrixWeight::use_quantized(const QuantParams& p, ops::QuantizedLinearOptions opt) {
  if (p.group_size <= 0 || in_ % p.group_size != 0 || (in_ * p.bits) % 32 != 0)
    fail("quantized weight: ", in_, " inputs are not a whole number of groups of ", p.group_size);
  for (Param& param : *params_)
    if (param.name == "weight") {
      param.slot = &quant_.weight;
      param.shape = {out_, in_ * p.bits / 32};
    }
  params_->push_back({"scales", &quant_.scales, {out_, in_ / p.group_size}});
  params_->push_back({"biases", &quant_.biases, {out_, in_ / p.group_size}});
  quant_.params = p;
  linear_options_ = opt;
  quantized_ = true;
}

Tensor MatrixWeight::to_f32() const { return quantized_ ? ops::dequantize(quant_) : dense_.to(DType::f32); }

Tensor MatrixWeight::linear(const Tensor& x, const Tensor& bias) const {
  return quantized_ ? ops::linear(x, quant_, bias, linear_options_) : ops::linear(x, dense_, bias);
}

Tensor MatrixWeight::take(const Tensor& ids) const { return quantized_ ? ops::take(quant_, ids) : ops::take(dense_, ids); }

}  // namespace mlux::nn

#include "mlux/ops/cpu/elementwise.h"

#include <cmath>

namespace mlux::ops::cpu {

void binary(BinaryOp op, const float* a, std::int64_t as, const float* b, std::int64_t bs, float* out, std::int64_t n) {
  switch (op) {
    case BinaryOp::add: for (std::int64_t i = 0; i < n; ++i) out[i] = a[i * as] + b[i * bs]; break;
    case BinaryOp::subtract: for (std::int64_t i = 0; i < n; ++i) out[i] = a[i * as] - b[i * bs]; break;
    case BinaryOp::multiply: for (std::int64_t i = 0; i < n; ++i) out[i] = a[i * as] * b[i * bs]; break;
    case BinaryOp::divide: for (std::int64_t i = 0; i < n; ++i) out[i] = a[i * as] / b[i * bs]; break;
  }
}

void unary(UnaryOp op, const float* x, float* y, std::int64_t n) {
  switch (op) {
    case UnaryOp::negative: for (std::int64_t i = 0; i < n; ++i) y[i] = -x[i]; break;
    case UnaryOp::exp: for (std::int64_t i = 0; i < n; ++i) y[i] = std::exp(x[i]); break;
    case UnaryOp::tanh: for (std::int64_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]); break;
    case UnaryOp::sqrt: for (std::int64_t i = 0; i < n; ++i) y[i] = std::sqrt(x[i]); break;
    case UnaryOp::square: for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] * x[i]; break;
  }
}

float activation_ref(Activation act, float x) {
  switch (act) {
    case Activation::silu: return x / (1.0f + std::exp(-x));
    case Activation::gelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    case Activation::gelu_tanh: {
      constexpr float kSqrt2OverPi = 0.79788456080286536f;
      return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
    }
    case Activation::relu: return x > 0.0f ? x : 0.0f;
  }
  return x;
}

void activation(Activation act, const float* x, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = activation_ref(act, x[i]);
}

void gated_activation(Activation act, const float* gate, const float* up, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = activation_ref(act, gate[i]) * up[i];
}

void softcap(const float* x, float* y, std::int64_t n, float cap) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = cap * std::tanh(x[i] / cap);
}

}  // namespace mlux::ops::cpu

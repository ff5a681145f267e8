// Elementwise kernels over contiguous f32 runs. The ops guarantee: pointers are f32-aligned;
// `out` may alias an input; a step of 0 repeats that operand's single element (broadcast).
#pragma once

#include <cstdint>

#include "mlux/ops/ops.h"

namespace mlux::ops::cpu {

enum class BinaryOp { add, subtract, multiply, divide };
enum class UnaryOp { negative, exp, tanh, sqrt, square };

void binary(BinaryOp op, const float* a, std::int64_t a_step, const float* b, std::int64_t b_step, float* out,
            std::int64_t n);
void unary(UnaryOp op, const float* x, float* y, std::int64_t n);
void activation(Activation act, const float* x, float* y, std::int64_t n);
/// y = act(gate) * up
void gated_activation(Activation act, const float* gate, const float* up, float* y, std::int64_t n);
void softcap(const float* x, float* y, std::int64_t n, float cap);

/// Scalar activation, the reference every vectorised form is checked against.
float activation_ref(Activation act, float x);

}  // namespace mlux::ops::cpu

// Reduction kernels over a [outer, n, inner] view of contiguous f32 data: each of the
// outer·inner outputs reduces n elements spaced `inner` apart. Accumulation in double, so the
// result does not depend on thread count or vector width.
#pragma once

#include <cstdint>

namespace mlux::ops::cpu {

enum class ReduceOp { sum, mean, max, argmax };

/// out has outer·inner elements (f32, or i64 for argmax written through out_index).
void reduce(ReduceOp op, const float* x, std::int64_t outer, std::int64_t n, std::int64_t inner, float* out,
            std::int64_t* out_index);
/// Softmax (or log-softmax) of each contiguous row of length n, rows × n elements. `x` may alias `y`.
void softmax_rows(const float* x, float* y, std::int64_t rows, std::int64_t n, bool log);

}  // namespace mlux::ops::cpu

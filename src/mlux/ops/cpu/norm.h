// Normalisation kernels over contiguous rows of length D. The ops guarantee f32 rows, an f32
// weight (and bias) of length D, and that y may alias x.
#pragma once

#include <cstdint>

namespace mlux::ops::cpu {

/// y = x / sqrt(mean(x²) + eps) · (offset + w)
void rms_norm_rows(const float* x, const float* w, float* y, std::int64_t rows, std::int64_t d, float eps, float offset);
/// y = (x − mean) / sqrt(var + eps) · w + b (b may be null)
void layer_norm_rows(const float* x, const float* w, const float* b, float* y, std::int64_t rows, std::int64_t d,
                     float eps);

}  // namespace mlux::ops::cpu

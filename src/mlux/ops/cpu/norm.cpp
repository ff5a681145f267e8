#include "mlux/ops/cpu/norm.h"

#include <cmath>

namespace mlux::ops::cpu {

void rms_norm_rows(const float* x, const float* w, float* y, std::int64_t rows, std::int64_t d, float eps, float offset) {
#pragma omp parallel for schedule(static) if (rows * d > (1 << 15))
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * d;
    float* out = y + r * d;
    double ss = 0;
    for (std::int64_t i = 0; i < d; ++i) ss += double(in[i]) * in[i];
    // As HF: the normalised value is formed in f32 first, then scaled by the weight.
    const float inv = 1.0f / std::sqrt(float(ss / double(d)) + eps);
    for (std::int64_t i = 0; i < d; ++i) out[i] = (in[i] * inv) * (offset + w[i]);
  }
}

void layer_norm_rows(const float* x, const float* w, const float* b, float* y, std::int64_t rows, std::int64_t d,
                     float eps) {
#pragma omp parallel for schedule(static) if (rows * d > (1 << 15))
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * d;
    float* out = y + r * d;
    double s = 0;
    for (std::int64_t i = 0; i < d; ++i) s += in[i];
    const double mean = s / double(d);
    double var = 0;
    for (std::int64_t i = 0; i < d; ++i) var += (in[i] - mean) * (in[i] - mean);
    const float inv = float(1.0 / std::sqrt(var / double(d) + eps));
    const float m = float(mean);
    for (std::int64_t i = 0; i < d; ++i) out[i] = (in[i] - m) * inv * w[i] + (b ? b[i] : 0.0f);
  }
}

}  // namespace mlux::ops::cpu

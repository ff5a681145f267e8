// Rotary position embedding, rotate-half layout. Small next to the matmuls: computed directly.
#include <cmath>
#include <cstring>

#include "mlux/ops/check.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {

Tensor rope(const Tensor& x, const Tensor& positions, std::span<const float> inv_freq, RopeOptions opt) {
  detail::require_f32("rope", "x", x);
  detail::require_ndim("rope", "x", x, 4);
  detail::require_defined("rope", "positions", positions);
  const std::int64_t B = x.dim(0), T = x.dim(1), H = x.dim(2), Dh = x.dim(3);
  if (positions.ndim() != 2 || positions.dim(0) != B || positions.dim(1) != T)
    fail("rope: positions ", positions.shape(), " must be [", B, ", ", T, "] for x ", x.shape());
  const std::int64_t d = opt.rotary_dim > 0 ? opt.rotary_dim : Dh;
  if (d > Dh || d % 2 != 0) fail("rope: rotary_dim ", d, " must be even and at most the head width ", Dh);
  if (std::int64_t(inv_freq.size()) != d / 2)
    fail("rope: ", inv_freq.size(), " inverse frequencies given, rotary_dim ", d, " needs ", d / 2);
  if (d / 2 > 512) fail("rope: rotary_dim ", d, " is larger than the supported 1024");
  const std::vector<std::int64_t> pos = positions.to_ints();
  Tensor xc = detail::as_f32_contiguous(x);
  Tensor out = Tensor::empty(x.shape());
  const float* xp = xc.data<float>();
  float* op = out.data<float>();
  const std::int64_t half = d / 2;
#pragma omp parallel for schedule(static) if (B * T * H * Dh > (1 << 15))
  for (std::int64_t bt = 0; bt < B * T; ++bt) {
    // As HF: θ = float(position) · inv_freq in f32, cos/sin scaled by the attention factor.
    float cosv[512], sinv[512];
    const float p = float(pos[bt]);
    for (std::int64_t i = 0; i < half && i < 512; ++i) {
      const float theta = p * inv_freq[i];
      cosv[i] = std::cos(theta) * opt.attention_factor;
      sinv[i] = std::sin(theta) * opt.attention_factor;
    }
    for (std::int64_t h = 0; h < H; ++h) {
      const float* in = xp + (bt * H + h) * Dh;
      float* o = op + (bt * H + h) * Dh;
      for (std::int64_t i = 0; i < half; ++i) {
        const float a = in[i], b = in[i + half];
        o[i] = a * cosv[i] - b * sinv[i];
        o[i + half] = b * cosv[i] + a * sinv[i];
      }
      if (d < Dh) std::memcpy(o + d, in + d, std::size_t(Dh - d) * sizeof(float));
    }
  }
  return out;
}

}  // namespace mlux::ops

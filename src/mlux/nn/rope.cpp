#include "mlux/nn/rope.h"

#include <algorithm>
#include <cmath>

#include "mlux/error.h"

namespace mlux::nn {
namespace {

// base^(2i/d) for i < d/2, as torch computes `base ** (arange(0, d, 2).float() / d)` in f32.
std::vector<float> position_frequencies(float base, std::int64_t d) {
  std::vector<float> out(std::size_t(d / 2));
  for (std::int64_t i = 0; i < d / 2; ++i) out[std::size_t(i)] = std::pow(base, float(2 * i) / float(d));
  return out;
}

std::vector<float> default_inv_freq(float base, std::int64_t d) {
  std::vector<float> f = position_frequencies(base, d);
  for (float& x : f) x = 1.0f / x;
  return f;
}

double yarn_mscale(double scale, double m) { return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0; }

RopeFrequencies yarn(const RopeSpec& s) {
  const std::int64_t d = s.rotary_dim;
  const double orig = double(s.original_max_position_embeddings);
  const double factor = s.factor_given ? *s.factor_given : double(s.max_position_embeddings) / orig;
  double attn;
  if (s.attention_factor) attn = *s.attention_factor;
  else if (s.mscale && s.mscale_all_dim && *s.mscale && *s.mscale_all_dim)
    attn = yarn_mscale(factor, *s.mscale) / yarn_mscale(factor, *s.mscale_all_dim);
  else attn = yarn_mscale(factor, 1.0);
  auto correction_dim = [&](double rotations) {
    return (double(d) * std::log(orig / (rotations * 2.0 * M_PI))) / (2.0 * std::log(s.theta));
  };
  double low = correction_dim(s.beta_fast), high = correction_dim(s.beta_slow);
  if (s.truncate) { low = std::floor(low); high = std::ceil(high); }
  low = std::max(low, 0.0);
  high = std::min(high, double(d - 1));
  if (low == high) high += 0.001;  // as HF: avoid a zero-width ramp
  const std::vector<float> pos = position_frequencies(float(s.theta), d);
  RopeFrequencies r;
  r.attention_factor = float(attn);
  for (std::int64_t i = 0; i < d / 2; ++i) {
    const float ramp = std::clamp((float(i) - float(low)) / float(high - low), 0.0f, 1.0f);
    const float extrapolation = 1.0f - ramp;
    const float inv_extra = 1.0f / pos[std::size_t(i)];
    const float inv_inter = 1.0f / (float(factor) * pos[std::size_t(i)]);
    r.inv_freq.push_back(inv_inter * (1.0f - extrapolation) + inv_extra * extrapolation);
  }
  return r;
}

RopeFrequencies longrope(const RopeSpec& s, std::int64_t seq_len) {
  const std::int64_t d = s.rotary_dim;
  const double orig = double(s.original_max_position_embeddings);
  const double factor = s.factor_given ? *s.factor_given : double(s.max_position_embeddings) / orig;
  RopeFrequencies r;
  if (s.attention_factor) r.attention_factor = float(*s.attention_factor);
  else r.attention_factor = factor <= 1.0 ? 1.0f : float(std::sqrt(1.0 + std::log(factor) / std::log(orig)));
  const auto& ext = double(seq_len) > orig ? s.long_factor : s.short_factor;
  if (std::int64_t(ext.size()) != d / 2)
    fail("rope: longrope needs ", d / 2, " factors for rotary_dim ", d, ", config has ", ext.size(),
         ". Check rope_scaling.short_factor/long_factor in config.json.");
  const std::vector<float> pos = position_frequencies(float(s.theta), d);
  for (std::int64_t i = 0; i < d / 2; ++i) r.inv_freq.push_back(1.0f / (float(ext[std::size_t(i)]) * pos[std::size_t(i)]));
  return r;
}

std::vector<float> llama3(const RopeSpec& s) {
  std::vector<float> inv = default_inv_freq(float(s.theta), s.rotary_dim);
  const float factor = float(s.factor), lo = float(s.low_freq_factor), hi = float(s.high_freq_factor);
  const float old_ctx = float(s.original_max_position_embeddings);
  const float low_wavelen = old_ctx / lo, high_wavelen = old_ctx / hi;
  for (float& f : inv) {
    const float wavelen = 2.0f * float(M_PI) / f;
    if (wavelen > low_wavelen) {
      f = f / factor;                                   // low frequencies: fully interpolated
    } else if (!(wavelen < high_wavelen)) {             // medium band, inclusive as in HF
      const float smooth = (old_ctx / wavelen - lo) / (hi - lo);
      f = (1.0f - smooth) * f / factor + smooth * f;
    }                                                   // high frequencies unchanged
  }
  return inv;
}

}  // namespace

RopeFrequencies rope_frequencies(const RopeSpec& s, std::int64_t seq_len) {
  if (s.rotary_dim <= 0 || s.rotary_dim % 2 != 0) fail("rope: rotary dimension ", s.rotary_dim, " must be positive and even");
  RopeFrequencies r;
  switch (s.scaling) {
    case RopeScaling::none:
      r.inv_freq = default_inv_freq(float(s.theta), s.rotary_dim);
      break;
    case RopeScaling::linear:
      r.inv_freq = default_inv_freq(float(s.theta), s.rotary_dim);
      for (float& f : r.inv_freq) f /= float(s.factor);
      break;
    case RopeScaling::dynamic: {
      // NTK: grows the base once the sequence is longer than the trained context (f32 as in HF).
      const float max_pos = float(s.max_position_embeddings);
      const float len = std::max(float(seq_len), max_pos);
      const float d = float(s.rotary_dim);
      const float f = float(s.factor);
      const float base = float(s.theta) * std::pow((f * len / max_pos) - (f - 1.0f), d / (d - 2.0f));
      r.inv_freq = default_inv_freq(base, s.rotary_dim);
      break;
    }
    case RopeScaling::yarn: return yarn(s);
    case RopeScaling::longrope: return longrope(s, seq_len);
    case RopeScaling::llama3: r.inv_freq = llama3(s); break;
  }
  return r;
}

}  // namespace mlux::nn

#include "mlux/ops/cpu/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "mlux/ops/cpu/reduce.h"

namespace mlux::ops::cpu {
namespace {

float dot(const float* a, const float* b, std::int64_t n) {
  float acc[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// The one definition of a score, shared by the fused and the step-by-step paths so they agree
// bit for bit.
float score(const AttentionMask& m, const float* q, const float* k, std::int64_t dh) {
  float s = dot(q, k, dh) * m.scale;
  if (m.softcap > 0.0f) s = m.softcap * std::tanh(s / m.softcap);  // as HF: soft-cap before the mask
  return s;
}

}  // namespace

void visible_keys(const AttentionDims& d, const AttentionMask& m, std::int64_t b, std::int64_t i, std::int64_t& first,
                  std::int64_t& last) {
  last = i + (d.Tk - d.Tq);  // bottom-right aligned causal mask
  first = m.key_start ? m.key_start[b] : 0;
  if (m.window > 0) first = std::max(first, last - m.window + 1);
}

void attention_fused(const AttentionDims& d, const AttentionMask& m, const float* q, const float* k, const float* v,
                     float* out) {
  const std::int64_t group = d.H / d.Hkv;
  const bool parallel = d.B * d.H * d.Tq * d.Tk * (d.Dh + d.Dv) > (1 << 17);
#pragma omp parallel if (parallel)
  {
    std::vector<float> p(std::size_t(d.Tk) + 1);
    std::vector<float> acc(std::size_t(d.Dv));
#pragma omp for collapse(2) schedule(static)
    for (std::int64_t b = 0; b < d.B; ++b) {
      for (std::int64_t h = 0; h < d.H; ++h) {
        const std::int64_t kvh = h / group;
        for (std::int64_t i = 0; i < d.Tq; ++i) {
          float* o = out + ((b * d.Tq + i) * d.H + h) * d.Dv;
          std::int64_t first, last;
          visible_keys(d, m, b, i, first, last);
          if (first > last) {
            std::fill(o, o + d.Dv, 0.0f);
            continue;
          }
          const float* qi = q + b * d.q_batch + i * d.q_pos + h * d.Dh;
          const std::int64_t n = last - first + 1;
          for (std::int64_t t = first; t <= last; ++t)
            p[std::size_t(t - first)] = score(m, qi, k + b * d.k_batch + t * d.k_pos + kvh * d.Dh, d.Dh);
          softmax_rows(p.data(), p.data(), 1, n, false);
          std::fill(acc.begin(), acc.end(), 0.0f);
          for (std::int64_t t = first; t <= last; ++t) {
            const float w = p[std::size_t(t - first)];
            const float* vt = v + b * d.v_batch + t * d.v_pos + kvh * d.Dv;
            for (std::int64_t j = 0; j < d.Dv; ++j) acc[std::size_t(j)] += w * vt[j];
          }
          std::copy(acc.begin(), acc.end(), o);
        }
      }
    }
  }
}

void attention_scores(const AttentionDims& d, const AttentionMask& m, const float* q, const float* k, float* scores) {
  const std::int64_t group = d.H / d.Hkv;
  const float neg_inf = -std::numeric_limits<float>::infinity();
#pragma omp parallel for collapse(2) schedule(static) if (d.B * d.H * d.Tq * d.Tk * d.Dh > (1 << 17))
  for (std::int64_t b = 0; b < d.B; ++b) {
    for (std::int64_t h = 0; h < d.H; ++h) {
      for (std::int64_t i = 0; i < d.Tq; ++i) {
        float* row = scores + ((b * d.H + h) * d.Tq + i) * d.Tk;
        std::int64_t first, last;
        visible_keys(d, m, b, i, first, last);
        const float* qi = q + b * d.q_batch + i * d.q_pos + h * d.Dh;
        for (std::int64_t t = 0; t < d.Tk; ++t)
          row[t] = (t < first || t > last) ? neg_inf : score(m, qi, k + b * d.k_batch + t * d.k_pos + (h / group) * d.Dh, d.Dh);
      }
    }
  }
}

void attention_apply(const AttentionDims& d, const float* pattern, const float* v, float* out) {
  const std::int64_t group = d.H / d.Hkv;
#pragma omp parallel for collapse(2) schedule(static) if (d.B * d.H * d.Tq * d.Tk * d.Dv > (1 << 17))
  for (std::int64_t b = 0; b < d.B; ++b) {
    for (std::int64_t h = 0; h < d.H; ++h) {
      for (std::int64_t i = 0; i < d.Tq; ++i) {
        const float* p = pattern + ((b * d.H + h) * d.Tq + i) * d.Tk;
        float* o = out + ((b * d.Tq + i) * d.H + h) * d.Dv;
        std::fill(o, o + d.Dv, 0.0f);
        for (std::int64_t t = 0; t < d.Tk; ++t) {
          const float w = p[t];
          if (w == 0.0f) continue;  // masked keys: skipping keeps the sum identical to the fused path
          const float* vt = v + b * d.v_batch + t * d.v_pos + (h / group) * d.Dv;
          for (std::int64_t j = 0; j < d.Dv; ++j) o[j] += w * vt[j];
        }
      }
    }
  }
}

}  // namespace mlux::ops::cpu

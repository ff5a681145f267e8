#include "mlux/ops/cpu/reduce.h"

#include <cmath>
#include <limits>

namespace mlux::ops::cpu {

void reduce(ReduceOp op, const float* x, std::int64_t outer, std::int64_t n, std::int64_t inner, float* out,
            std::int64_t* out_index) {
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      const float* p = x + o * n * inner + i;
      const std::int64_t k = o * inner + i;
      if (op == ReduceOp::sum || op == ReduceOp::mean) {
        double acc = 0;
        for (std::int64_t j = 0; j < n; ++j) acc += p[j * inner];
        out[k] = float(op == ReduceOp::mean ? acc / double(n) : acc);
      } else {
        // NaN wins, as in torch.max/argmax; otherwise the first of equal maxima.
        float best = p[0];
        std::int64_t at = 0;
        for (std::int64_t j = 1; j < n && !std::isnan(best); ++j) {
          const float v = p[j * inner];
          if (std::isnan(v) || v > best) { best = v; at = j; }
        }
        if (op == ReduceOp::max) out[k] = best;
        else out_index[k] = at;
      }
    }
  }
}

void softmax_rows(const float* x, float* y, std::int64_t rows, std::int64_t n, bool log) {
#pragma omp parallel for schedule(static) if (rows * n > (1 << 15))
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * n;
    float* out = y + r * n;
    float mx = -std::numeric_limits<float>::infinity();
    for (std::int64_t j = 0; j < n; ++j) mx = std::max(mx, in[j]);
    if (mx == -std::numeric_limits<float>::infinity()) {  // nothing visible: define the row as 0
      for (std::int64_t j = 0; j < n; ++j) out[j] = log ? -std::numeric_limits<float>::infinity() : 0.0f;
      continue;
    }
    double sum = 0;
    for (std::int64_t j = 0; j < n; ++j) sum += std::exp(double(in[j]) - mx);
    if (log) {
      const float lse = float(std::log(sum)) + mx;
      for (std::int64_t j = 0; j < n; ++j) out[j] = in[j] - lse;
    } else {
      const double inv = 1.0 / sum;
      for (std::int64_t j = 0; j < n; ++j) out[j] = float(std::exp(double(in[j]) - mx) * inv);
    }
  }
}

}  // namespace mlux::ops::cpu

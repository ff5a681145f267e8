// How linear's two paths spread work over threads, shared by every weight format that is not
// plain f32 (bf16/f16 in linalg.cpp, quantized in quant.cpp). The format supplies only its kernels.
//
//  - gemv_rows: few rows of x. Each thread takes one contiguous block of weight rows (one memory
//    stream per thread) and calls rows(n_begin, n_end).
//  - panel_sgemm: many rows of x. Panels of weight rows are widened to f32 by
//    widen(n_begin, rows, dst) into a per-thread buffer, then multiplied by single-threaded sgemm
//    (OpenBLAS runs single-threaded inside an OpenMP region). The buffer is reused across calls.
#pragma once

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "mlux/ops/check.h"
#include "mlux/ops/ops.h"

namespace mlux::ops::detail {

/// What every form of linear shares: x checked against the weight's K inputs and made f32
/// contiguous (x [..., K] → M rows), the output [..., N] allocated.
struct LinearIo {
  Tensor x;
  Tensor out;
  std::int64_t M = 0;
};

inline LinearIo linear_io(const Tensor& x, std::int64_t K, std::int64_t N, const Shape& weight_shape, const Tensor& bias) {
  require_f32("linear", "x", x);
  if (x.ndim() == 0) fail("linear: x must have at least one dimension");
  if (x.dim(-1) != K)
    fail("linear: x is ", x.shape(), " but weight ", weight_shape, " takes ", K, " inputs on the last axis");
  if (bias.defined() && (bias.ndim() != 1 || bias.dim(0) != N))
    fail("linear: bias ", bias.shape(), " does not match weight ", weight_shape, " (needs [", N, "])");
  Shape out_shape = x.shape();
  out_shape[out_shape.size() - 1] = N;
  return {as_f32_contiguous(x), Tensor::empty(out_shape), K ? x.numel() / K : 0};
}

inline void add_bias(Tensor& out, const Tensor& bias) {
  if (bias.defined()) add_into(out, bias.dtype() == DType::f32 ? bias : bias.to(DType::f32));
}

constexpr std::int64_t kGemvMaxRows = 8;         // up to this many rows of x, stream the weight once per call
constexpr std::int64_t kParallelWork = 1 << 18;  // multiply-adds below which one thread does it all

/// Small products run on one thread: waking the team costs more than it saves (and with the
/// cores oversubscribed, a parallel region waits for every thread to be scheduled).
template <typename Rows>
void gemv_rows(std::int64_t M, std::int64_t K, std::int64_t N, Rows&& rows) {
#pragma omp parallel if (M * N * K > kParallelWork)
  {
    const std::int64_t nt = omp_get_num_threads(), id = omp_get_thread_num();
    const std::int64_t chunk = ((N + nt - 1) / nt + 3) / 4 * 4;
    const std::int64_t n0 = std::min(N, id * chunk), n1 = std::min(N, n0 + chunk);
    if (n0 < n1) rows(n0, n1);
  }
}

/// y [M, N] = x [M, K] · Wᵀ, W widened panel by panel.
template <typename Widen>
void panel_sgemm(const float* x, std::int64_t M, std::int64_t K, std::int64_t N, float* y, Widen&& widen) {
  // At most 256 rows and 2 MiB per panel: a thread's buffer is resident memory (peak RSS), and
  // rows beyond that no longer speed sgemm up.
  constexpr std::int64_t kPanelFloats = std::int64_t(1) << 19;
  const std::int64_t threads = omp_get_max_threads();
  std::int64_t nb = std::min<std::int64_t>({256, kPanelFloats / std::max<std::int64_t>(K, 1), (N + 2 * threads - 1) / (2 * threads)});
  nb = std::max<std::int64_t>(16, (nb + 15) / 16 * 16);
  const std::int64_t panels = (N + nb - 1) / nb;
#pragma omp parallel if (M * N * K > kParallelWork)
  {
    thread_local std::vector<float> panel;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t p = 0; p < panels; ++p) {
      const std::int64_t n0 = p * nb, rows = std::min(nb, N - n0);
      if (panel.size() < std::size_t(rows * K)) panel.resize(std::size_t(rows * K));
      widen(n0, rows, panel.data());
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(M), int(rows), int(K), 1.0f, x, int(K), panel.data(),
                  int(K), 0.0f, y + n0, int(N));
    }
  }
}

}  // namespace mlux::ops::detail

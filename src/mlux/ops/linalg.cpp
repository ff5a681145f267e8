// matmul and linear: validation, layout and dispatch between OpenBLAS (f32) and the half
// kernels (bf16/f16 weights: fused GEMV for few rows, converted panels + sgemm for many).
#include <cblas.h>
#include <omp.h>

#include <algorithm>

#include "mlux/ops/check.h"
#include "mlux/ops/cpu/cpu_features.h"
#include "mlux/ops/cpu/half_matmul.h"
#include "mlux/ops/matmul_driver.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {
namespace {

cpu::HalfType half_type(DType t) { return t == DType::bf16 ? cpu::HalfType::bf16 : cpu::HalfType::f16; }

// f32 weights: sgemm (sgemv for one row) on blocks of weight rows, one block per thread. OpenBLAS
// runs single-threaded (set below), so every thread team in mlux is ours: one pool, sized by the
// same work thresholds everywhere, never nested.
void linear_f32(const float* x, std::int64_t M, std::int64_t K, const float* w, std::int64_t N, float* y) {
#pragma omp parallel if (M * N * K > detail::kParallelWork)
  {
    const std::int64_t nt = omp_get_num_threads(), id = omp_get_thread_num();
    const std::int64_t chunk = ((N + nt - 1) / nt + 15) / 16 * 16;
    const std::int64_t n0 = std::min(N, id * chunk), n = std::min(N, n0 + chunk) - n0;
    if (n > 0) {
      if (M == 1) cblas_sgemv(CblasRowMajor, CblasNoTrans, int(n), int(K), 1.0f, w + n0 * K, int(K), x, 1, 0.0f, y + n0, 1);
      else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(M), int(n), int(K), 1.0f, x, int(K), w + n0 * K, int(K), 0.0f,
                       y + n0, int(N));
    }
  }
}

// OpenBLAS's OpenMP build also applies the count to OpenMP's default team size (every later
// region of ours would run on one thread), so that is put back.
const bool kOpenBlasSingleThreaded = [] {
  const int team = omp_get_max_threads();
  openblas_set_num_threads(1);
  omp_set_num_threads(team);
  return true;
}();

void linear_half(cpu::HalfType t, const float* x, std::int64_t M, std::int64_t K, const std::byte* w, std::int64_t N,
                 float* y) {
  const bool avx2 = cpu::has_avx2();
  if (M <= detail::kGemvMaxRows) {
    detail::gemv_rows(M, K, N, [&](std::int64_t n0, std::int64_t n1) {
      if (avx2) cpu::gemv_half_avx2(t, x, M, K, w, 2 * K, n0, n1, y, N);
      else cpu::gemv_half_ref(t, x, M, K, w, 2 * K, n0, n1, y, N);
    });
  } else {
    detail::panel_sgemm(x, M, K, N, y, [&](std::int64_t n0, std::int64_t rows, float* dst) {
      if (avx2) cpu::convert_rows_avx2(t, w, 2 * K, K, n0, rows, dst);
      else cpu::convert_rows_ref(t, w, 2 * K, K, n0, rows, dst);
    });
  }
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  detail::require_float("linear", "weight", weight);
  if (weight.ndim() != 2) fail("linear: weight must be [Out, In], got ", weight.shape());
  const std::int64_t K = weight.dim(1), N = weight.dim(0);
  detail::LinearIo io = detail::linear_io(x, K, N, weight.shape(), bias);
  if (io.M == 0 || N == 0) return io.out;
  float* y = io.out.data<float>();

  if (weight.dtype() == DType::f32) {
    Tensor w = detail::as_f32_contiguous(weight);
    if (K == 0) std::fill(y, y + io.M * N, 0.0f);
    else linear_f32(io.x.data<float>(), io.M, K, w.data<float>(), N, y);
  } else {
    const Tensor w = weight.contiguous();  // a row range of a weight is already contiguous: no copy
    linear_half(half_type(w.dtype()), io.x.data<float>(), io.M, K, w.bytes(), N, y);
  }
  detail::add_bias(io.out, bias);
  return io.out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  detail::require_f32("matmul", "a", a);
  detail::require_f32("matmul", "b", b);
  if (a.ndim() < 2 || b.ndim() < 2) fail("matmul: operands must have at least 2 dimensions, got ", a.shape(), " and ", b.shape());
  const std::int64_t M = a.dim(-2), K = a.dim(-1), N = b.dim(-1);
  if (b.dim(-2) != K) fail("matmul: ", a.shape(), " @ ", b.shape(), ": inner dimensions ", K, " and ", b.dim(-2), " differ");
  // Broadcast the leading (batch) axes.
  Shape a_lead(a.shape().begin(), a.shape().end() - 2), b_lead(b.shape().begin(), b.shape().end() - 2);
  const int nl = std::max(a_lead.size(), b_lead.size());
  Shape lead;
  for (int i = 0; i < nl; ++i) {
    const int ia = i - (nl - a_lead.size()), ib = i - (nl - b_lead.size());
    const std::int64_t da = ia >= 0 ? a_lead[ia] : 1, db = ib >= 0 ? b_lead[ib] : 1;
    if (da != db && da != 1 && db != 1) fail("matmul: batch shapes of ", a.shape(), " and ", b.shape(), " do not broadcast");
    lead.push_back(std::max(da, db));
  }
  Shape a_full = lead, b_full = lead, out_shape = lead;
  a_full.push_back(M); a_full.push_back(K);
  b_full.push_back(K); b_full.push_back(N);
  out_shape.push_back(M); out_shape.push_back(N);
  Tensor ac = detail::as_f32_contiguous(a.broadcast_to(a_full));
  Tensor bc = detail::as_f32_contiguous(b.broadcast_to(b_full));
  Tensor out = Tensor::empty(out_shape);
  const std::int64_t batches = lead.numel();
  for (std::int64_t i = 0; i < batches; ++i) {
    float* y = out.data<float>() + i * M * N;
    if (K == 0) {
      std::fill(y, y + M * N, 0.0f);
      continue;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(M), int(N), int(K), 1.0f, ac.data<float>() + i * M * K,
                int(K), bc.data<float>() + i * K * N, int(N), 0.0f, y, int(N));
  }
  return out;
}

}  // namespace mlux::ops

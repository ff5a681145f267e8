// quantize, dequantize, and linear / take on quantized weights: validation, layout and dispatch to
// the kernels in cpu/quant*.cpp (AVX2 after a run-time check, scalar references otherwise).
#include <omp.h>

#include <algorithm>
#include <vector>

#include "mlux/ops/check.h"
#include "mlux/ops/cpu/cpu_features.h"
#include "mlux/ops/cpu/quant.h"
#include "mlux/ops/matmul_driver.h"
#include "mlux/ops/ops.h"

namespace mlux::ops {
namespace {

void check_params(std::string_view op, const QuantParams& p) {
  if (p.mode != QuantMode::affine)
    fail(op, ": quantization mode '", quant_mode_name(p.mode),
         "' is not supported yet; mlux runs MLX's affine mode. Quantize the original float checkpoint with "
         "`mlux quantize` instead.");
  if (p.bits < 2 || p.bits > 8 || p.bits == 7)
    fail(op, ": bits ", p.bits, " is not supported; MLX's affine mode takes 2, 3, 4, 5, 6 or 8");
  if (p.group_size != 32 && p.group_size != 64 && p.group_size != 128)
    fail(op, ": group_size ", p.group_size, " is not supported; MLX's affine mode takes 32, 64 or 128");
}

// A quantized matrix checked and made contiguous, as the kernels read it.
struct Prepared {
  QuantizedTensor t;
  cpu::QuantRows rows;
};

Prepared prepare(std::string_view op, const QuantizedTensor& w) {
  check_params(op, w.params);
  const auto& q = w.weight;
  detail::require_defined(op, "quantized weight", q);
  detail::require_float(op, "scales", w.scales);
  detail::require_float(op, "biases", w.biases);
  if (q.dtype() != DType::u32 || q.ndim() != 2)
    fail(op, ": quantized weight must be u32 [Out, In·bits/32], got ", dtype_name(q.dtype()), " ", q.shape());
  if (w.biases.dtype() != w.scales.dtype() || w.biases.shape() != w.scales.shape())
    fail(op, ": biases ", dtype_name(w.biases.dtype()), " ", w.biases.shape(), " must have the dtype and shape of scales ",
         dtype_name(w.scales.dtype()), " ", w.scales.shape());
  const int bits = w.params.bits, g = w.params.group_size;
  const std::int64_t O = q.dim(0), K = q.dim(1) * 32 / bits;
  const bool whole = q.dim(1) * 32 % bits == 0 && K % g == 0;
  if (!whole || w.scales.shape() != Shape{O, K / g})
    fail(op, ": codes ", q.shape(), " hold ", q.dim(1) * 32, "/", bits, " inputs per row at ", bits,
         " bits, which needs scales and biases [", O, ", ", (whole ? str(K / g) : std::string("?")), "] for group_size ", g,
         ", got ", w.scales.shape(), ". Check 'bits' and 'group_size' of the quantization config.");
  Prepared p{{q.contiguous(), w.scales.contiguous(), w.biases.contiguous(), w.params}, {}};
  p.rows = {.codes = p.t.weight.bytes(), .scales = p.t.scales.bytes(), .biases = p.t.biases.bytes(),
            .scale_type = w.scales.dtype(), .bits = bits, .group_size = g, .K = K};
  return p;
}

void dequantize_rows(const cpu::QuantRows& w, std::int64_t n0, std::int64_t rows, float* dst) {
  if (cpu::has_avx2()) cpu::dequantize_rows_avx2(w, n0, rows, dst);
  else cpu::dequantize_rows_ref(w, n0, rows, dst);
}

// Calls fn(n0, n1) on blocks of rows spread over the threads (quantize, dequantize: no sgemm).
template <typename Fn>
void row_blocks(std::int64_t N, Fn&& fn) {
  constexpr std::int64_t kBlock = 16;
#pragma omp parallel for schedule(dynamic, 1) if (N > kBlock)
  for (std::int64_t b = 0; b < (N + kBlock - 1) / kBlock; ++b) fn(b * kBlock, std::min(N, (b + 1) * kBlock));
}

// The int8-activation product for many rows of x: the rows are rounded to int8 once (in
// parallel, row by row), then panels of weight rows are spread over the threads. The buffers
// belong to the calling thread and are reused across calls.
void linear_int8_many_rows(const cpu::QuantRows& w, const float* x, std::int64_t M, std::int64_t N, float* y) {
  struct Buffers {
    std::vector<std::int8_t> xq;
    std::vector<std::int16_t> x16;
    std::vector<float> d, xsum;
  };
  thread_local Buffers b;
  const std::int64_t K = w.K, blocks = K / cpu::kActivationBlock, groups = w.groups();
  const auto ensure = [](auto& v, std::int64_t n) { if (v.size() < std::size_t(n)) v.resize(std::size_t(n)); };
  ensure(b.xq, M * K);
  ensure(b.d, M * blocks);
  ensure(b.xsum, M * groups);
  const bool widen = cpu::int8_gemm_reads_int16(w);
  if (widen) ensure(b.x16, M * K);
  // Plain pointers: inside the parallel region `b` would name each thread's own (empty) buffers.
  std::int8_t* xq = b.xq.data();
  std::int16_t* x16 = widen ? b.x16.data() : nullptr;
  float *d = b.d.data(), *xsum = b.xsum.data();
  const cpu::Int8Rows rows{.xq = xq, .x16 = x16, .d = d, .xsum = xsum, .M = M};
  const std::int64_t nb = cpu::int8_gemm_panel_rows(w), panels = (N + nb - 1) / nb;
#pragma omp parallel if (M * N * K > detail::kParallelWork)
  {
#pragma omp for
    for (std::int64_t m = 0; m < M; ++m) {
      cpu::quantize_activations_avx2(x + m * K, 1, K, w.group_size, xq + m * K, d + m * blocks, xsum + m * groups);
      if (x16) std::copy_n(xq + m * K, K, x16 + m * K);
    }
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t p = 0; p < panels; ++p) cpu::gemm_quant_int8_avx2(w, rows, p * nb, std::min(N, (p + 1) * nb), y, N);
  }
}

}  // namespace

QuantizedTensor quantize(const Tensor& w, QuantParams params) {
  check_params("quantize", params);
  detail::require_float("quantize", "w", w);
  if (w.ndim() != 2) fail("quantize: w must be [Out, In], got ", w.shape());
  const std::int64_t O = w.dim(0), I = w.dim(1), G = params.group_size;
  if (I % G != 0)
    fail("quantize: w is ", w.shape(), " but group_size ", G, " does not divide its ", I,
         " inputs. Choose a group size that divides the last axis (32, 64 or 128).");
  const Tensor wf = detail::as_f32_contiguous(w);
  Tensor codes = Tensor::empty({O, I * params.bits / 32}, DType::u32);
  Tensor scales = Tensor::empty({O, I / G}), biases = Tensor::empty({O, I / G});
  auto* c = reinterpret_cast<std::uint8_t*>(codes.mutable_bytes());
  const float* src = wf.data<float>();
  float *s = scales.data<float>(), *b = biases.data<float>();
  row_blocks(O, [&](std::int64_t n0, std::int64_t n1) {
    cpu::quantize_rows_ref(src + n0 * I, n1 - n0, I, params.bits, int(G), c + n0 * I * params.bits / 8, s + n0 * (I / G),
                           b + n0 * (I / G));
  });
  return {codes, scales.to(w.dtype()), biases.to(w.dtype()), params};
}

Tensor dequantize(const QuantizedTensor& w) {
  const Prepared p = prepare("dequantize", w);
  Tensor out = Tensor::empty({w.rows(), p.rows.K});
  float* dst = out.data<float>();
  row_blocks(w.rows(), [&](std::int64_t n0, std::int64_t n1) { dequantize_rows(p.rows, n0, n1 - n0, dst + n0 * p.rows.K); });
  return out;
}

Tensor linear(const Tensor& x, const QuantizedTensor& weight, const Tensor& bias, QuantizedLinearOptions opt) {
  const Prepared p = prepare("linear", weight);
  const std::int64_t K = p.rows.K, N = weight.rows();
  detail::LinearIo io = detail::linear_io(x, K, N, Shape{N, K}, bias);
  if (io.M == 0 || N == 0) return io.out;
  const float* xs = io.x.data<float>();
  float* y = io.out.data<float>();
  const std::int64_t M = io.M;
  const bool int8 = opt.activations == QuantizedActivations::int8 && (p.rows.bits == 4 || p.rows.bits == 8);
  if (M <= detail::kGemvMaxRows) {
    const bool avx2 = cpu::has_avx2();
    const auto kernel = int8 ? (avx2 ? cpu::gemv_quant_int8_avx2 : cpu::gemv_quant_int8_ref)
                             : (avx2 ? cpu::gemv_quant_avx2 : cpu::gemv_quant_ref);
    detail::gemv_rows(M, K, N, [&](std::int64_t n0, std::int64_t n1) { kernel(p.rows, xs, M, n0, n1, y, N); });
  } else if (int8 && cpu::has_avx2()) {
    linear_int8_many_rows(p.rows, xs, M, N, y);
  } else if (int8) {
    detail::gemv_rows(M, K, N, [&](std::int64_t n0, std::int64_t n1) { cpu::gemv_quant_int8_ref(p.rows, xs, M, n0, n1, y, N); });
  } else {
    detail::panel_sgemm(xs, M, K, N, y, [&](std::int64_t n0, std::int64_t rows, float* dst) {
      dequantize_rows(p.rows, n0, rows, dst);
    });
  }
  detail::add_bias(io.out, bias);
  return io.out;
}

Tensor take(const QuantizedTensor& table, const Tensor& ids) {
  const Prepared p = prepare("take", table);
  const std::vector<std::int64_t> idx = detail::ids_in_range("take", ids, table.rows());
  const std::int64_t D = p.rows.K;
  Shape out_shape = ids.shape();
  out_shape.push_back(D);
  Tensor out = Tensor::empty(out_shape);
  float* dst = out.data<float>();
  for (std::size_t i = 0; i < idx.size(); ++i) dequantize_rows(p.rows, idx[i], 1, dst + std::int64_t(i) * D);
  return out;
}

}  // namespace mlux::ops

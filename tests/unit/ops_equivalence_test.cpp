// Kernel equivalence, after ggml's test-backend-ops: each row names an op case (dtypes, shapes
// just past SIMD widths, odd sizes, unaligned weights); the optimised path is compared with its
// scalar reference at 1 and N threads, with guard words around the output. A failure prints the
// row; `--gtest_filter=*Row/<index>` reruns it alone.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include "mlux/ops/cpu/cpu_features.h"
#include "mlux/ops/cpu/half_matmul.h"
#include "mlux/ops/cpu/quant.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/half.h"
#include "test_util.h"

namespace mlux {
namespace {

std::vector<float> random_floats(std::size_t n, std::uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Half-precision weight rows stored at byte offset `misalign` inside a buffer (MLX files are not
// aligned), as the kernels receive them.
struct HalfWeights {
  std::vector<std::byte> buffer;
  const std::byte* data;
  std::vector<float> values;  // the exact values the half numbers hold
  HalfWeights(DType t, std::int64_t N, std::int64_t K, std::size_t misalign, std::uint32_t seed) {
    values = random_floats(std::size_t(N * K), seed, 0.5f);
    buffer.resize(std::size_t(N * K) * 2 + misalign);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::uint16_t h = t == DType::bf16 ? f32_to_bf16(values[i]) : f32_to_f16(values[i]);
      values[i] = t == DType::bf16 ? bf16_to_f32(h) : f16_to_f32(h);
      std::memcpy(buffer.data() + misalign + 2 * i, &h, 2);
    }
    data = buffer.data() + misalign;
  }
};

struct MatmulRow {
  DType dtype;
  std::int64_t M, K, N;
  std::size_t misalign;
};

std::ostream& operator<<(std::ostream& os, const MatmulRow& r) {
  return os << "{" << dtype_name(r.dtype) << " M=" << r.M << " K=" << r.K << " N=" << r.N << " misalign=" << r.misalign << "}";
}

std::vector<MatmulRow> matmul_rows() {
  std::vector<MatmulRow> rows;
  for (DType t : {DType::bf16, DType::f16})
    for (std::int64_t M : {1, 2, 3, 8, 9, 17})
      for (std::int64_t K : {1, 7, 8, 9, 64, 71, 4111})
        for (std::int64_t N : {1, 4, 5, 33})
          rows.push_back({t, M, K, N, std::size_t((M + K + N) % 3)});
  return rows;
}

class MatmulEquivalence : public testing::TestWithParam<MatmulRow> {};

constexpr float kGuard = -12345.678f;

// got vs ref for M rows of N outputs at row stride ldy: columns past N are guard words that must
// be untouched; the others within tol(ref).
template <typename Tol>
void expect_gemv_match(const std::vector<float>& got, const std::vector<float>& ref, std::int64_t M, std::int64_t N,
                       std::int64_t ldy, Tol tol) {
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t n = 0; n < ldy; ++n) {
      const std::size_t i = std::size_t(m * ldy + n);
      if (n >= N) EXPECT_EQ(got[i], kGuard) << "guard overwritten at row " << m << " col " << n;
      else EXPECT_NEAR(got[i], ref[i], tol(ref[i])) << "m=" << m << " n=" << n;
    }
}

// gemv_half_avx2 against gemv_half_ref, with guards around each output row.
TEST_P(MatmulEquivalence, GemvAvx2MatchesReference) {
  if (!ops::cpu::has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  const MatmulRow r = GetParam();  // more than 8 rows: the kernel takes them 8 at a time
  const HalfWeights w(r.dtype, r.N, r.K, r.misalign, 1);
  const auto x = random_floats(std::size_t(r.M * r.K), 2);
  const auto ht = r.dtype == DType::bf16 ? ops::cpu::HalfType::bf16 : ops::cpu::HalfType::f16;
  const std::int64_t ldy = r.N + 3;  // padding columns are guard words
  std::vector<float> ref(std::size_t(r.M * ldy), kGuard), got(std::size_t(r.M * ldy), kGuard);
  ops::cpu::gemv_half_ref(ht, x.data(), r.M, r.K, w.data, 2 * r.K, 0, r.N, ref.data(), ldy);
  ops::cpu::gemv_half_avx2(ht, x.data(), r.M, r.K, w.data, 2 * r.K, 0, r.N, got.data(), ldy);
  expect_gemv_match(got, ref, r.M, r.N, ldy, [&](float) { return 1e-5f * (1.0f + std::sqrt(float(r.K))); });
}

TEST_P(MatmulEquivalence, ConvertRowsAvx2MatchesReferenceExactly) {
  if (!ops::cpu::has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  const MatmulRow r = GetParam();
  const HalfWeights w(r.dtype, r.N, r.K, r.misalign, 3);
  const auto ht = r.dtype == DType::bf16 ? ops::cpu::HalfType::bf16 : ops::cpu::HalfType::f16;
  std::vector<float> ref(std::size_t(r.N * r.K) + 4, kGuard), got(std::size_t(r.N * r.K) + 4, kGuard);
  ops::cpu::convert_rows_ref(ht, w.data, 2 * r.K, r.K, 0, r.N, ref.data());
  ops::cpu::convert_rows_avx2(ht, w.data, 2 * r.K, r.K, 0, r.N, got.data());
  EXPECT_EQ(got, ref);
}

// ops::linear (either path, 1 and N threads) against a double-precision dot of the exact values.
TEST_P(MatmulEquivalence, LinearMatchesNaiveAtOneAndManyThreads) {
  const MatmulRow r = GetParam();
  const HalfWeights w(r.dtype, r.N, r.K, r.misalign, 4);
  const auto x = random_floats(std::size_t(r.M * r.K), 5);
  const Tensor wt = Tensor::borrow(w.data, {r.N, r.K}, r.dtype, nullptr);
  const Tensor xt = Tensor::from_floats(x, {r.M, r.K});
  for (int threads : {1, std::max(2, omp_get_num_procs())}) {
    omp_set_num_threads(threads);
    const auto y = ops::linear(xt, wt).to_floats();
    for (std::int64_t m = 0; m < r.M; ++m)
      for (std::int64_t n = 0; n < r.N; ++n) {
        double acc = 0;
        for (std::int64_t k = 0; k < r.K; ++k) acc += double(x[std::size_t(m * r.K + k)]) * w.values[std::size_t(n * r.K + k)];
        EXPECT_NEAR(y[std::size_t(m * r.N + n)], acc, 2e-5 * (1.0 + std::sqrt(double(r.K)))) << "threads=" << threads;
      }
  }
  omp_set_num_threads(omp_get_num_procs());
}

INSTANTIATE_TEST_SUITE_P(Row, MatmulEquivalence, testing::ValuesIn(matmul_rows()));

TEST(LinearF32, MatchesNaiveWithBias) {
  for (std::int64_t M : {1, 5}) {
    const auto x = random_floats(std::size_t(M * 13), 7), w = random_floats(13 * 6, 8), b = random_floats(6, 9);
    const auto y = ops::linear(Tensor::from_floats(x, {M, 13}), Tensor::from_floats(w, {6, 13}), Tensor::from_floats(b, {6})).to_floats();
    for (std::int64_t m = 0; m < M; ++m)
      for (int n = 0; n < 6; ++n) {
        double acc = b[std::size_t(n)];
        for (int k = 0; k < 13; ++k) acc += double(x[std::size_t(m * 13 + k)]) * w[std::size_t(n * 13 + k)];
        EXPECT_NEAR(y[std::size_t(m * 6 + n)], acc, 1e-5);
      }
  }
}

TEST(Linear, RejectsMismatchedInnerDims) {
  const auto e = test::error_of([] { (void)ops::linear(Tensor::zeros({1, 7, 4095}), Tensor::zeros({16, 4096})); });
  EXPECT_NE(e.find("linear: x is [1, 7, 4095] but weight [16, 4096] takes 4096 inputs"), std::string::npos) << e;
}

// --- quantized matrices (MLX affine): GEMV and dequantization against their references ----------

// Random codes, scales and biases, packed at byte offset `misalign` (MLX files are not aligned).
// `values` holds fma(scale, q, bias) per element, computed here from the integer codes.
struct QuantWeights {
  std::vector<std::byte> codes_buf, scales_buf, biases_buf;
  ops::cpu::QuantRows rows;
  std::vector<float> values;
  QuantWeights(int bits, int group, DType st, std::int64_t N, std::int64_t K, std::size_t misalign, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> code(0, (1 << bits) - 1);
    const std::int64_t groups = K / group, rb = K * bits / 8;
    const std::size_t ss = dtype_size(st);
    codes_buf.resize(std::size_t(N * rb) + misalign);
    scales_buf.resize(std::size_t(N * groups) * ss + misalign);
    biases_buf.resize(std::size_t(N * groups) * ss + misalign);
    const auto sv = random_floats(std::size_t(N * groups), seed + 1, 0.05f), bv = random_floats(std::size_t(N * groups), seed + 2);
    auto store = [&](std::vector<std::byte>& buf, std::size_t i, float v) {  // v rounded to the scale dtype
      if (st == DType::f32) std::memcpy(buf.data() + misalign + 4 * i, &v, 4);
      else {
        const std::uint16_t h = st == DType::bf16 ? f32_to_bf16(v) : f32_to_f16(v);
        std::memcpy(buf.data() + misalign + 2 * i, &h, 2);
      }
    };
    auto rounded = [&](float v) {
      return st == DType::f32 ? v : st == DType::bf16 ? bf16_to_f32(f32_to_bf16(v)) : f16_to_f32(f32_to_f16(v));
    };
    values.resize(std::size_t(N * K));
    std::vector<std::uint8_t> q(static_cast<std::size_t>(K));
    for (std::int64_t n = 0; n < N; ++n) {
      for (std::int64_t k = 0; k < K; ++k) q[std::size_t(k)] = std::uint8_t(code(rng));
      ops::cpu::pack_codes(q.data(), K, bits, reinterpret_cast<std::uint8_t*>(codes_buf.data() + misalign + n * rb));
      for (std::int64_t g = 0; g < groups; ++g) {
        const std::size_t i = std::size_t(n * groups + g);
        store(scales_buf, i, sv[i]);
        store(biases_buf, i, bv[i]);
        for (std::int64_t k = g * group; k < (g + 1) * group; ++k)
          values[std::size_t(n * K + k)] = std::fma(rounded(sv[i]), float(q[std::size_t(k)]), rounded(bv[i]));
      }
    }
    rows = {.codes = codes_buf.data() + misalign, .scales = scales_buf.data() + misalign,
            .biases = biases_buf.data() + misalign, .scale_type = st, .bits = bits, .group_size = group, .K = K};
  }
  QuantizedTensor tensor(std::int64_t N) const {
    const std::int64_t groups = rows.K / rows.group_size;
    return {Tensor::borrow(rows.codes, {N, rows.K * rows.bits / 32}, DType::u32, nullptr),
            Tensor::borrow(rows.scales, {N, groups}, rows.scale_type, nullptr),
            Tensor::borrow(rows.biases, {N, groups}, rows.scale_type, nullptr), {.bits = rows.bits, .group_size = rows.group_size}};
  }
};

struct QuantRow {
  int bits, group;
  DType scale_type;
  std::int64_t M, K, N;
  std::size_t misalign;
};

std::ostream& operator<<(std::ostream& os, const QuantRow& r) {
  return os << "{bits=" << r.bits << " group=" << r.group << " scales=" << dtype_name(r.scale_type) << " M=" << r.M
            << " K=" << r.K << " N=" << r.N << " misalign=" << r.misalign << "}";
}

std::vector<QuantRow> quant_rows() {
  std::vector<QuantRow> rows;
  const DType types[] = {DType::bf16, DType::f16, DType::f32};
  int i = 0;
  for (int bits : {2, 3, 4, 5, 6, 8})
    for (int group : {32, 64, 128})
      for (std::int64_t M : {1, 2, 4, 9})
        for (std::int64_t K : {group, 3 * group})  // 3·32 = 96: a 4-bit row ending in half a chunk
          for (std::int64_t N : {1, 5, 33}) {
            rows.push_back({bits, group, types[i % 3], M, K, N, std::size_t(i % 3)});
            ++i;
          }
  rows.push_back({4, 64, DType::bf16, 1, 8192, 9, 1});  // long rows
  rows.push_back({8, 64, DType::bf16, 3, 8192, 9, 2});
  rows.push_back({4, 64, DType::bf16, 13, 2048, 40, 1});  // prompt-sized: several passes of x over a strip
  rows.push_back({8, 128, DType::f16, 7, 1024, 24, 3});
  return rows;
}

class QuantEquivalence : public testing::TestWithParam<QuantRow> {};

TEST_P(QuantEquivalence, GemvAvx2MatchesReference) {
  if (!ops::cpu::has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  const QuantRow r = GetParam();
  const QuantWeights w(r.bits, r.group, r.scale_type, r.N, r.K, r.misalign, 1);
  const auto x = random_floats(std::size_t(r.M * r.K), 2);
  const std::int64_t ldy = r.N + 3;  // padding columns are guard words
  std::vector<float> ref(std::size_t(r.M * ldy), kGuard), got(std::size_t(r.M * ldy), kGuard);
  ops::cpu::gemv_quant_ref(w.rows, x.data(), r.M, 0, r.N, ref.data(), ldy);
  ops::cpu::gemv_quant_avx2(w.rows, x.data(), r.M, 0, r.N, got.data(), ldy);
  expect_gemv_match(got, ref, r.M, r.N, ldy, [&](float v) { return 2e-5f * (1.0f + std::fabs(v) + std::sqrt(float(r.K))); });
}

TEST_P(QuantEquivalence, DequantizeAvx2MatchesReferenceExactly) {
  if (!ops::cpu::has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  const QuantRow r = GetParam();
  const QuantWeights w(r.bits, r.group, r.scale_type, r.N, r.K, r.misalign, 3);
  std::vector<float> ref(std::size_t(r.N * r.K) + 4, kGuard), got(std::size_t(r.N * r.K) + 4, kGuard);
  ops::cpu::dequantize_rows_ref(w.rows, 0, r.N, ref.data());
  ops::cpu::dequantize_rows_avx2(w.rows, 0, r.N, got.data());
  EXPECT_EQ(got, ref);
  ref.resize(std::size_t(r.N * r.K));
  EXPECT_EQ(ref, w.values) << "the reference is scale·q + bias of the packed codes";
}

// ops::linear on a quantized weight (either path, 1 and N threads) against a double-precision dot
// of scale·q + bias computed from the integer codes.
TEST_P(QuantEquivalence, LinearMatchesNaiveAtOneAndManyThreads) {
  const QuantRow r = GetParam();
  const QuantWeights w(r.bits, r.group, r.scale_type, r.N, r.K, r.misalign, 4);
  const auto x = random_floats(std::size_t(r.M * r.K), 5);
  const Tensor xt = Tensor::from_floats(x, {r.M, r.K});
  for (int threads : {1, std::max(2, omp_get_num_procs())}) {
    omp_set_num_threads(threads);
    const auto y = ops::linear(xt, w.tensor(r.N)).to_floats();
    for (std::int64_t m = 0; m < r.M; ++m)
      for (std::int64_t n = 0; n < r.N; ++n) {
        double acc = 0, mag = 0;
        for (std::int64_t k = 0; k < r.K; ++k) {
          acc += double(x[std::size_t(m * r.K + k)]) * w.values[std::size_t(n * r.K + k)];
          mag += std::fabs(double(x[std::size_t(m * r.K + k)]) * w.values[std::size_t(n * r.K + k)]);
        }
        EXPECT_NEAR(y[std::size_t(m * r.N + n)], acc, 1e-6 * mag + 1e-6) << "threads=" << threads << " m=" << m << " n=" << n;
      }
  }
  omp_set_num_threads(omp_get_num_procs());
}

TEST_P(QuantEquivalence, Int8GemvAvx2MatchesReference) {
  const QuantRow r = GetParam();
  if (!ops::cpu::has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  if (r.bits != 4 && r.bits != 8) GTEST_SKIP() << "the int8-activation path takes 4- and 8-bit codes";
  const QuantWeights w(r.bits, r.group, r.scale_type, r.N, r.K, r.misalign, 6);
  const auto x = random_floats(std::size_t(r.M * r.K), 7);
  const std::int64_t ldy = r.N + 3;
  std::vector<float> ref(std::size_t(r.M * ldy), kGuard), got(std::size_t(r.M * ldy), kGuard);
  ops::cpu::gemv_quant_int8_ref(w.rows, x.data(), r.M, 0, r.N, ref.data(), ldy);
  ops::cpu::gemv_quant_int8_avx2(w.rows, x.data(), r.M, 0, r.N, got.data(), ldy);
  expect_gemv_match(got, ref, r.M, r.N, ldy, [&](float v) { return 2e-5f * (1.0f + std::fabs(v) + std::sqrt(float(r.K))); });
}

// The AVX2 rounding of activations to int8 gives the reference's codes and steps bit for bit
// (ties to even, a zero block, a lone value, huge and tiny magnitudes); the group sums may differ
// only by summation order.
TEST(Int8Activations, Avx2RoundsExactlyAsTheReference) {
  if (!ops::cpu::has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  const std::int64_t M = 3, K = 256, G = 64;
  auto x = random_floats(std::size_t(M * K), 12);
  std::fill(x.begin() + 32, x.begin() + 64, 0.0f);                 // a block of zeros: d = 0, codes 0
  std::fill(x.begin() + 64, x.begin() + 96, 0.0f);
  x[70] = -3.0f;                                                   // one value: code -127
  for (int i = 0; i < 32; ++i) x[std::size_t(96 + i)] = 127.0f * float(i - 16) / 32.0f;  // d = 63.5/127: ties at odd i
  for (int i = 0; i < 32; ++i) x[std::size_t(K + i)] *= 1e30f;    // huge
  for (int i = 32; i < 64; ++i) x[std::size_t(K + i)] *= 1e-30f;  // tiny
  std::vector<std::int8_t> q_ref(std::size_t(M * K)), q_avx(q_ref.size());
  std::vector<float> d_ref(std::size_t(M * K / 32)), d_avx(d_ref.size()), s_ref(std::size_t(M * K / G)), s_avx(s_ref.size());
  ops::cpu::quantize_activations(x.data(), M, K, G, q_ref.data(), d_ref.data(), s_ref.data());
  ops::cpu::quantize_activations_avx2(x.data(), M, K, G, q_avx.data(), d_avx.data(), s_avx.data());
  EXPECT_EQ(q_avx, q_ref);
  EXPECT_EQ(d_avx, d_ref);
  EXPECT_EQ(q_ref[70], -127);
  for (std::size_t g = 0; g < s_ref.size(); ++g) EXPECT_NEAR(s_avx[g], s_ref[g], 1e-5f * (1 + std::fabs(s_ref[g]))) << g;
}

// The many-row int8 kernels (prefill: AVX2, and AVX-512 VNNI where the CPU has it) compute the
// reference's sum from the same rounded x, called on an inner range of weight rows so that
// strips start mid-matrix and end short.
TEST_P(QuantEquivalence, Int8GemmMatchesReferenceOnEveryKernel) {
  const QuantRow r = GetParam();
  if (!ops::cpu::has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  if (r.bits != 4 && r.bits != 8) GTEST_SKIP() << "the int8-activation path takes 4- and 8-bit codes";
  const QuantWeights w(r.bits, r.group, r.scale_type, r.N, r.K, r.misalign, 10);
  const auto x = random_floats(std::size_t(r.M * r.K), 11);
  std::vector<std::int8_t> xq(std::size_t(r.M * r.K));
  std::vector<std::int16_t> x16(xq.size());
  std::vector<float> d(std::size_t(r.M * r.K / 32)), xsum(std::size_t(r.M * r.K / r.group));
  ops::cpu::quantize_activations(x.data(), r.M, r.K, r.group, xq.data(), d.data(), xsum.data());
  std::copy(xq.begin(), xq.end(), x16.begin());
  const ops::cpu::Int8Rows rows{.xq = xq.data(), .x16 = x16.data(), .d = d.data(), .xsum = xsum.data(), .M = r.M};
  const std::int64_t ldy = r.N + 3, n0 = r.N > 2 ? 1 : 0, n1 = r.N > 2 ? r.N - 1 : r.N;
  std::vector<float> ref(std::size_t(r.M * ldy), kGuard), got(std::size_t(r.M * ldy), kGuard);
  ops::cpu::gemv_quant_int8_ref(w.rows, x.data(), r.M, n0, n1, ref.data(), ldy);
  for (const bool avx2_only : {true, false}) {
    ops::cpu::limit_kernels_to_avx2(avx2_only);
    if (!avx2_only && !ops::cpu::has_avx512_vnni()) break;
    SCOPED_TRACE(avx2_only ? "AVX2 kernel" : "AVX-512 VNNI kernel");
    std::fill(got.begin(), got.end(), kGuard);
    ops::cpu::gemm_quant_int8_avx2(w.rows, rows, n0, n1, got.data(), ldy);
    expect_gemv_match(got, ref, r.M, r.N, ldy, [&](float v) { return 2e-5f * (1.0f + std::fabs(v) + std::sqrt(float(r.K))); });
  }
  ops::cpu::limit_kernels_to_avx2(false);
}

// y [M, N] of the int8 path against the exact x·Wᵀ: off by at most the rounding of x to int8 steps
// of d = max|x|/127 per block of 32, i.e. Σ_i |w_i|·d_b/2.
void expect_within_int8_bound(const std::vector<float>& y, const std::vector<float>& x, const std::vector<float>& w,
                              std::int64_t M, std::int64_t N, std::int64_t K, int threads) {
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t n = 0; n < N; ++n) {
      double exact = 0, bound = 1e-5;
      for (std::int64_t b = 0; b < K / 32; ++b) {
        double amax = 0;
        for (std::int64_t k = b * 32; k < (b + 1) * 32; ++k) amax = std::max(amax, std::fabs(double(x[std::size_t(m * K + k)])));
        for (std::int64_t k = b * 32; k < (b + 1) * 32; ++k) {
          const double wv = w[std::size_t(n * K + k)];
          exact += double(x[std::size_t(m * K + k)]) * wv;
          bound += std::fabs(wv) * amax / 127.0 / 2.0 * 1.001;
        }
      }
      EXPECT_NEAR(y[std::size_t(m * N + n)], exact, bound) << "threads=" << threads << " m=" << m << " n=" << n;
    }
}

// The opt-in int8 path through ops::linear (few rows: the GEMV; many: the GEMM), at 1 and N threads.
TEST_P(QuantEquivalence, Int8LinearStaysWithinItsRoundingBound) {
  const QuantRow r = GetParam();
  const QuantWeights w(r.bits, r.group, r.scale_type, r.N, r.K, r.misalign, 8);
  const auto x = random_floats(std::size_t(r.M * r.K), 9);
  for (int threads : {1, std::max(2, omp_get_num_procs())}) {
    omp_set_num_threads(threads);
    const auto y = ops::linear(Tensor::from_floats(x, {r.M, r.K}), w.tensor(r.N), {},
                               {.activations = ops::QuantizedActivations::int8}).to_floats();
    expect_within_int8_bound(y, x, w.values, r.M, r.N, r.K, threads);
  }
  omp_set_num_threads(omp_get_num_procs());
}

INSTANTIATE_TEST_SUITE_P(Row, QuantEquivalence, testing::ValuesIn(quant_rows()));

// OpenBLAS's OpenMP build shrinks OpenMP's default team to its own thread count when mlux makes it
// single-threaded; unless mlux puts the team back, every run without --threads uses one core.
TEST(Threads, DefaultTeamUsesEveryCore) {
  const char* env = std::getenv("OMP_NUM_THREADS");
  const int expected = env && *env ? std::atoi(env) : omp_get_num_procs();
  EXPECT_EQ(omp_get_max_threads(), expected);
}

// --- attention: the fused fast path and the step-by-step (hookable) path -----------------------

struct AttentionRow {
  std::int64_t B, Tq, Tk, H, Hkv, Dh;
  float softcap;
  std::int64_t window;
  bool padded;
};

std::ostream& operator<<(std::ostream& os, const AttentionRow& r) {
  return os << "{B=" << r.B << " Tq=" << r.Tq << " Tk=" << r.Tk << " H=" << r.H << " Hkv=" << r.Hkv << " Dh=" << r.Dh
            << " softcap=" << r.softcap << " window=" << r.window << " padded=" << r.padded << "}";
}

class AttentionEquivalence : public testing::TestWithParam<AttentionRow> {};

TEST_P(AttentionEquivalence, FusedEqualsComposedAndNaive) {
  const AttentionRow r = GetParam();
  const Tensor q = Tensor::from_floats(random_floats(std::size_t(r.B * r.Tq * r.H * r.Dh), 11), {r.B, r.Tq, r.H, r.Dh});
  const Tensor k = Tensor::from_floats(random_floats(std::size_t(r.B * r.Tk * r.Hkv * r.Dh), 12), {r.B, r.Tk, r.Hkv, r.Dh});
  const Tensor v = Tensor::from_floats(random_floats(std::size_t(r.B * r.Tk * r.Hkv * r.Dh), 13), {r.B, r.Tk, r.Hkv, r.Dh});
  std::vector<std::int32_t> start(std::size_t(r.B), 0);
  if (r.padded) start[0] = 2;
  const ops::AttentionOptions opt{.scale = 0.3f, .logit_softcap = r.softcap, .window = r.window,
                                  .key_start = r.padded ? std::span<const std::int32_t>(start) : std::span<const std::int32_t>()};
  const Tensor fused = ops::attention(q, k, v, opt);
  const Tensor pattern = ops::softmax(ops::attention_scores(q, k, opt), -1);
  const Tensor composed = ops::attention_apply(pattern, v);
  EXPECT_EQ(test::max_abs_diff(fused, composed), 0.0f) << "hooks must not change results";

  // Naive double-precision reference.
  const auto qv = q.to_floats(), kv = k.to_floats(), vv = v.to_floats(), out = fused.to_floats(), pv = pattern.to_floats();
  const std::int64_t group = r.H / r.Hkv;
  for (std::int64_t b = 0; b < r.B; ++b)
    for (std::int64_t h = 0; h < r.H; ++h)
      for (std::int64_t i = 0; i < r.Tq; ++i) {
        const std::int64_t qpos = i + r.Tk - r.Tq;
        std::vector<double> s(std::size_t(r.Tk), -INFINITY);
        double mx = -INFINITY;
        for (std::int64_t t = 0; t < r.Tk; ++t) {
          const bool visible = t <= qpos && t >= start[std::size_t(b)] && (r.window == 0 || qpos - t < r.window);
          if (!visible) continue;
          double d = 0;
          for (std::int64_t j = 0; j < r.Dh; ++j)
            d += double(qv[std::size_t(((b * r.Tq + i) * r.H + h) * r.Dh + j)]) * kv[std::size_t(((b * r.Tk + t) * r.Hkv + h / group) * r.Dh + j)];
          d *= 0.3;
          if (r.softcap > 0) d = r.softcap * std::tanh(d / r.softcap);
          s[std::size_t(t)] = d;
          mx = std::max(mx, d);
        }
        double z = 0;
        for (double x : s) z += std::isinf(x) ? 0.0 : std::exp(x - mx);
        for (std::int64_t j = 0; j < r.Dh; ++j) {
          double acc = 0;
          for (std::int64_t t = 0; t < r.Tk; ++t)
            if (!std::isinf(s[std::size_t(t)]))
              acc += std::exp(s[std::size_t(t)] - mx) / z * vv[std::size_t(((b * r.Tk + t) * r.Hkv + h / group) * r.Dh + j)];
          if (std::isinf(mx)) acc = 0;  // no visible key: defined as 0
          EXPECT_NEAR(out[std::size_t(((b * r.Tq + i) * r.H + h) * r.Dh + j)], acc, 1e-5);
        }
        for (std::int64_t t = 0; t < r.Tk; ++t) {
          const double p = std::isinf(s[std::size_t(t)]) ? 0.0 : std::exp(s[std::size_t(t)] - mx) / z;
          EXPECT_NEAR(pv[std::size_t(((b * r.H + h) * r.Tq + i) * r.Tk + t)], p, 1e-6);
        }
      }
}

INSTANTIATE_TEST_SUITE_P(Row, AttentionEquivalence,
                         testing::Values(AttentionRow{1, 5, 5, 2, 2, 8, 0, 0, false}, AttentionRow{2, 3, 9, 4, 2, 16, 0, 0, false},
                                         AttentionRow{2, 7, 7, 4, 1, 9, 5.0f, 0, false},
                                         AttentionRow{1, 9, 9, 4, 2, 8, 0, 3, false}, AttentionRow{2, 1, 12, 6, 3, 8, 0, 4, true},
                                         AttentionRow{2, 6, 6, 2, 2, 33, 2.0f, 2, true}));

// --- small ops against their formulas ---------------------------------------------------------

TEST(RmsNorm, MatchesFormulaWithGemmaOffset) {
  const auto x = random_floats(2 * 9, 21), w = random_floats(9, 22);
  const auto y = ops::rms_norm(Tensor::from_floats(x, {2, 9}), Tensor::from_floats(w, {9}), {.eps = 1e-5f, .weight_offset = 1.0f}).to_floats();
  for (int r = 0; r < 2; ++r) {
    double ss = 0;
    for (int i = 0; i < 9; ++i) ss += double(x[std::size_t(r * 9 + i)]) * x[std::size_t(r * 9 + i)];
    const double inv = 1.0 / std::sqrt(ss / 9 + 1e-5);
    for (int i = 0; i < 9; ++i) EXPECT_NEAR(y[std::size_t(r * 9 + i)], x[std::size_t(r * 9 + i)] * inv * (1.0 + w[std::size_t(i)]), 1e-5);
  }
}

TEST(Rope, RotatesPairsHalfApartAndPassesTheRest) {
  const auto x = random_floats(1 * 2 * 1 * 6, 31);
  const std::vector<std::int32_t> pos = {0, 3};
  const std::vector<float> inv = {1.0f, 0.1f};  // rotary_dim 4 of head width 6
  const auto y = ops::rope(Tensor::from_floats(x, {1, 2, 1, 6}), Tensor::from_data<std::int32_t>(pos, {1, 2}), inv,
                           {.rotary_dim = 4, .attention_factor = 1.5f}).to_floats();
  for (int t = 0; t < 2; ++t) {
    const float* in = x.data() + t * 6;
    const float* out = y.data() + t * 6;
    for (int i = 0; i < 2; ++i) {
      const double th = pos[std::size_t(t)] * inv[std::size_t(i)], c = std::cos(th) * 1.5, s = std::sin(th) * 1.5;
      EXPECT_NEAR(out[i], in[i] * c - in[i + 2] * s, 1e-5);
      EXPECT_NEAR(out[i + 2], in[i + 2] * c + in[i] * s, 1e-5);
    }
    EXPECT_EQ(out[4], in[4]);
    EXPECT_EQ(out[5], in[5]);
  }
}

TEST(Elementwise, BroadcastsAndRejectsMismatch) {
  const Tensor a = Tensor::from_floats({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ((a + Tensor::from_floats({10, 20, 30}, {3})).to_floats(), (std::vector<float>{11, 22, 33, 14, 25, 36}));
  EXPECT_EQ((a * Tensor::from_floats({2, 3}, {2, 1})).to_floats(), (std::vector<float>{2, 4, 6, 12, 15, 18}));
  EXPECT_EQ((a.transpose(0, 1) - 1.0f).to_floats(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  const auto e = test::error_of([&] { (void)(a + Tensor::zeros({4})); });
  EXPECT_NE(e.find("add: shapes [2, 3] and [4] do not broadcast"), std::string::npos) << e;
}

TEST(Reduce, ArgmaxAndSoftmax) {
  const Tensor a = Tensor::from_floats({1, 5, 5, -1, 0, 2}, {2, 3});
  EXPECT_EQ(ops::argmax(a, 1).to_ints(), (std::vector<std::int64_t>{1, 2}));
  const auto p = ops::softmax(a, -1).to_floats();
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-6);
  EXPECT_NEAR(p[1] / p[0], std::exp(4.0), 1e-3);
}

TEST(Conv, CausalDepthwiseMatchesFormulaWithHistory) {
  const auto x = random_floats(1 * 4 * 2, 41), w = random_floats(2 * 3, 42), h = random_floats(1 * 2 * 2, 43);
  const auto y = ops::causal_depthwise_conv1d(Tensor::from_floats(x, {1, 4, 2}), Tensor::from_floats(w, {2, 3}), Tensor(),
                                              Tensor::from_floats(h, {1, 2, 2})).to_floats();
  // x̃ = history (2 rows) then x (4 rows)
  auto xt = [&](int t, int c) { return t < 2 ? h[std::size_t(t * 2 + c)] : x[std::size_t((t - 2) * 2 + c)]; };
  for (int t = 0; t < 4; ++t)
    for (int c = 0; c < 2; ++c) {
      double acc = 0;
      for (int k = 0; k < 3; ++k) acc += double(w[std::size_t(c * 3 + k)]) * xt(t + k, c);
      EXPECT_NEAR(y[std::size_t(t * 2 + c)], acc, 1e-5);
    }
}

}  // namespace
}  // namespace mlux

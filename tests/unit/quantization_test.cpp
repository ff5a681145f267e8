// MLX affine quantization as specified in ../shared/spec/model-formats.md §2: the bit packing test
// vectors, round trips for every bit width, the quantizer's rules and edge cases (§2.5), and the
// errors for bad input. Expected values come from the spec or are worked out by hand in comments.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "mlux/ops/cpu/quant.h"
#include "mlux/ops/ops.h"
#include "test_util.h"

namespace mlux {
namespace {

std::vector<std::uint8_t> pack(const std::vector<std::uint8_t>& codes, int bits) {
  std::vector<std::uint8_t> out(codes.size() * std::size_t(bits) / 8);
  ops::cpu::pack_codes(codes.data(), std::int64_t(codes.size()), bits, out.data());
  return out;
}

std::vector<std::uint8_t> unpack(const std::vector<std::uint8_t>& bytes, int bits) {
  std::vector<std::uint8_t> out(bytes.size() * 8 / std::size_t(bits));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::uint8_t(ops::cpu::unpack_code(bytes.data(), std::int64_t(i), bits));
  return out;
}

struct PackVector {
  int bits;
  std::vector<std::uint8_t> codes, bytes;
};

TEST(QuantPacking, SpecTestVectors) {
  const std::vector<PackVector> vectors = {
      {4, {1, 2, 3, 4, 5, 6, 7, 8}, {0x21, 0x43, 0x65, 0x87}},  // word 0x87654321
      {8, {1, 2, 3, 4}, {0x01, 0x02, 0x03, 0x04}},              // word 0x04030201
      {3, {1, 2, 3, 4, 5, 6, 7, 0}, {0xd1, 0x58, 0x1f}},
      {5, {1, 2, 3, 4, 5, 6, 7, 8}, {0x41, 0x0c, 0x52, 0xcc, 0x41}},
      {6, {1, 2, 3, 4}, {0x81, 0x30, 0x10}},
      {2, {1, 2, 3, 0}, {0x39}},  // 0b00'11'10'01: element 0 in the lowest bits
  };
  for (const auto& v : vectors) {
    EXPECT_EQ(pack(v.codes, v.bits), v.bytes) << v.bits << "-bit";
    EXPECT_EQ(unpack(v.bytes, v.bits), v.codes) << v.bits << "-bit";
  }
}

TEST(QuantPacking, RoundTripsEveryBitWidth) {
  std::mt19937 rng(7);
  for (int bits : {2, 3, 4, 5, 6, 8}) {
    std::uniform_int_distribution<int> d(0, (1 << bits) - 1);
    std::vector<std::uint8_t> codes(256);
    for (auto& c : codes) c = std::uint8_t(d(rng));
    codes[0] = std::uint8_t((1 << bits) - 1);  // the all-ones code straddles bytes for 3/5/6 bits
    EXPECT_EQ(unpack(pack(codes, bits), bits), codes) << bits << "-bit";
  }
}

// 32 weights whose extremes are 0 and 15: with 4 bits the max side dominates, so scale = -1,
// bias = 15 (§2.5 steps 3-6) and code = 15 - w. The first eight are 14..7 → codes 1..8.
TEST(Quantize, ProducesTheSpecWordThroughTheOp) {
  std::vector<float> w(32, 0.0f);
  for (int i = 0; i < 8; ++i) w[std::size_t(i)] = float(14 - i);
  w[8] = 15.0f;
  const QuantizedTensor q = ops::quantize(Tensor::from_floats(w, {1, 32}), {.bits = 4, .group_size = 32});
  ASSERT_EQ(q.weight.shape(), (Shape{1, 4}));
  ASSERT_EQ(q.weight.dtype(), DType::u32);
  std::uint32_t words[4];
  std::memcpy(words, q.weight.bytes(), 16);
  EXPECT_EQ(words[0], 0x87654321u);
  EXPECT_EQ(words[1], 0xFFFFFFF0u);  // w = 15 → code 0, then seven zeros → code 15
  EXPECT_EQ(q.scales.to_floats(), std::vector<float>{-1.0f});
  EXPECT_EQ(q.biases.to_floats(), std::vector<float>{15.0f});
  EXPECT_EQ(ops::dequantize(q).to_floats(), w);
}

TEST(Quantize, MinSideDominatingGivesPositiveScale) {
  // bits 2, group [-2, 1, 0, ...]: |min| > |max| → scale = (1 - -2)/3 = 1, q0 = rint(-2/1) = -2,
  // scale = -2/-2 = 1, bias = -2; codes = w + 2.
  std::vector<float> w(32, 0.0f);
  w[0] = -2.0f;
  w[1] = 1.0f;
  const QuantizedTensor q = ops::quantize(Tensor::from_floats(w, {1, 32}), {.bits = 2, .group_size = 32});
  EXPECT_EQ(q.scales.to_floats(), std::vector<float>{1.0f});
  EXPECT_EQ(q.biases.to_floats(), std::vector<float>{-2.0f});
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(q.weight.bytes());
  EXPECT_EQ(ops::cpu::unpack_code(bytes, 0, 2), 0u);
  EXPECT_EQ(ops::cpu::unpack_code(bytes, 1, 2), 3u);
  EXPECT_EQ(ops::cpu::unpack_code(bytes, 2, 2), 2u);
}

TEST(Quantize, RoundsHalfToEven) {
  // bits 2, extremes 0 and 3: scale = -1, bias = 3, code = rint(3 - w): w = 0.5 → rint(2.5) = 2
  // and w = 1.5 → rint(1.5) = 2 (half away from zero would give 3 for the first).
  std::vector<float> w(32, 0.0f);
  w[0] = 3.0f;
  w[1] = 0.5f;
  w[2] = 1.5f;
  const QuantizedTensor q = ops::quantize(Tensor::from_floats(w, {1, 32}), {.bits = 2, .group_size = 32});
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(q.weight.bytes());
  EXPECT_EQ(ops::cpu::unpack_code(bytes, 1, 2), 2u);
  EXPECT_EQ(ops::cpu::unpack_code(bytes, 2, 2), 2u);
}

TEST(Quantize, ConstantAndZeroGroups) {
  // All equal c ≠ 0: scale = -1e-7 then c/rint(c/-1e-7), bias = c, every code 0 → exactly c.
  // All zero: scale = -1e-7 (q0 = 0 keeps it), bias = 0, codes 0.
  std::vector<float> w(64, 0.75f);
  std::fill(w.begin() + 32, w.end(), 0.0f);
  const QuantizedTensor q = ops::quantize(Tensor::from_floats(w, {1, 64}), {.bits = 4, .group_size = 32});
  EXPECT_EQ(ops::dequantize(q).to_floats(), w);
  const auto s = q.scales.to_floats(), b = q.biases.to_floats();
  EXPECT_EQ(b[0], 0.75f);
  EXPECT_FLOAT_EQ(s[0], 0.75f / -7500000.0f);
  EXPECT_EQ(s[1], -1e-7f);
  EXPECT_EQ(b[1], 0.0f);
  std::uint32_t words[8];
  std::memcpy(words, q.weight.bytes(), 32);
  for (std::uint32_t word : words) EXPECT_EQ(word, 0u);
}

TEST(Quantize, RoundTripErrorIsBoundedByAStepForEveryWidthAndGroup) {
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0.0f, 0.02f);
  std::vector<float> w(8 * 384);
  for (auto& x : w) x = d(rng);
  const Tensor wt = Tensor::from_floats(w, {8, 384});
  for (int bits : {2, 3, 4, 5, 6, 8})
    for (int group : {32, 64, 128}) {
      const QuantizedTensor q = ops::quantize(wt, {.bits = bits, .group_size = group});
      ASSERT_EQ(q.weight.shape(), (Shape{8, 384 * bits / 32}));
      ASSERT_EQ(q.scales.shape(), (Shape{8, 384 / group}));
      const auto back = ops::dequantize(q).to_floats(), s = q.scales.to_floats(), b = q.biases.to_floats();
      // Half a step, except where the far end was clamped: the scale was stretched to make the
      // near end exact, |scale| ≥ step·n/(n+1) with n = 2^bits − 1, so a clamped value is off by
      // at most one original step ≤ |scale|·(n+1)/n.
      const float n = float((1 << bits) - 1), step_bound = 1.0001f * (n + 1) / n;
      for (std::size_t i = 0; i < w.size(); ++i) {
        const std::size_t g = i / std::size_t(group);
        EXPECT_LE(std::fabs(back[i] - w[i]), std::fabs(s[g]) * step_bound + 1e-7f) << bits << "-bit g" << group << " i=" << i;
      }
      for (std::size_t g = 0; g < s.size(); ++g) {
        // The larger-magnitude end of each group is the bias (code 0): exactly representable.
        float lo = INFINITY, hi = -INFINITY;
        for (std::size_t i = g * std::size_t(group); i < (g + 1) * std::size_t(group); ++i) lo = std::min(lo, w[i]), hi = std::max(hi, w[i]);
        EXPECT_EQ(b[g], std::fabs(lo) > std::fabs(hi) ? lo : hi) << bits << "-bit g" << group << " group " << g;
      }
    }
}

TEST(Quantize, ScalesAndBiasesFollowTheWeightDtype) {
  const Tensor w = Tensor::from_floats(std::vector<float>(2 * 64, 0.5f), {2, 64}).to(DType::bf16);
  const QuantizedTensor q = ops::quantize(w, {.bits = 8, .group_size = 64});
  EXPECT_EQ(q.scales.dtype(), DType::bf16);
  EXPECT_EQ(q.biases.dtype(), DType::bf16);
}

// --- bad input ----------------------------------------------------------------------------------

TEST(Quantize, RejectsUnsupportedBitsGroupAndIndivisibleInputs) {
  const Tensor w = Tensor::zeros({4, 64});
  auto e = test::error_of([&] { (void)ops::quantize(w, {.bits = 7}); });
  EXPECT_NE(e.find("quantize: bits 7 is not supported"), std::string::npos) << e;
  e = test::error_of([&] { (void)ops::quantize(w, {.group_size = 16}); });
  EXPECT_NE(e.find("quantize: group_size 16 is not supported"), std::string::npos) << e;
  e = test::error_of([&] { (void)ops::quantize(Tensor::zeros({4, 100}), {.group_size = 64}); });
  EXPECT_NE(e.find("quantize: w is [4, 100] but group_size 64 does not divide its 100 inputs"), std::string::npos) << e;
}

TEST(QuantizedLinear, RejectsCodesThatDoNotMatchScales) {
  QuantizedTensor q = ops::quantize(Tensor::zeros({4, 128}), {.bits = 4, .group_size = 64});
  q.scales = q.biases = Tensor::zeros({4, 4});  // group 32's shape
  const auto e = test::error_of([&] { (void)ops::linear(Tensor::zeros({1, 128}), q); });
  EXPECT_NE(e.find("linear: codes [4, 16] hold"), std::string::npos) << e;
  EXPECT_NE(e.find("needs scales and biases [4, 2] for group_size 64, got [4, 4]"), std::string::npos) << e;
}

TEST(QuantizedLinear, RejectsWrongInputWidth) {
  const QuantizedTensor q = ops::quantize(Tensor::zeros({4, 128}), {.bits = 4, .group_size = 64});
  const auto e = test::error_of([&] { (void)ops::linear(Tensor::zeros({1, 64}), q); });
  EXPECT_NE(e.find("linear: x is [1, 64] but weight [4, 128] takes 128 inputs"), std::string::npos) << e;
}

TEST(QuantizedLinear, NamesUnsupportedModes) {
  QuantizedTensor q = ops::quantize(Tensor::zeros({4, 128}));
  q.params.mode = QuantMode::mxfp4;
  const auto e = test::error_of([&] { (void)ops::linear(Tensor::zeros({1, 128}), q); });
  EXPECT_NE(e.find("quantization mode 'mxfp4' is not supported yet"), std::string::npos) << e;
}

TEST(QuantizedTake, GathersDequantizedRowsAndChecksIds) {
  std::vector<float> table(3 * 32);
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = float(i % 16);  // exactly representable at 4 bits
  const QuantizedTensor q = ops::quantize(Tensor::from_floats(table, {3, 32}), {.bits = 4, .group_size = 32});
  const std::vector<std::int64_t> ids = {2, 0};
  const auto rows = ops::take(q, Tensor::from_data<std::int64_t>(ids, {1, 2})).to_floats();
  ASSERT_EQ(rows.size(), 64u);
  for (std::size_t i = 0; i < 32; ++i) {
    EXPECT_EQ(rows[i], table[64 + i]);
    EXPECT_EQ(rows[32 + i], table[i]);
  }
  const std::vector<std::int64_t> bad = {3};
  const auto e = test::error_of([&] { (void)ops::take(q, Tensor::from_data<std::int64_t>(bad, {1, 1})); });
  EXPECT_NE(e.find("take: id 3 at position 0 is outside the vocabulary [0, 3)"), std::string::npos) << e;
}

}  // namespace
}  // namespace mlux

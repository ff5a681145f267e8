// Quantized reference fixtures: every golden model is quantized by `mlux quantize`'s code path
// (4 and 8 bits, groups of 32 and 64) and
//  - its logits must equal, within 1e-4, the f32 forward of the *dequantized* weights (written by
//    `mlux quantize --dequantize --dtype float32`): this pins the kernels, packing and binding;
//  - its next-token distributions must stay close to transformers' (the fixture's reference):
//    top-1 agreement and KL are printed per case and bounded per bit width.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "mlux/models/convert.h"
#include "mlux/ops/ops.h"
#include "test_util.h"

namespace mlux {
namespace {

namespace fs = std::filesystem;

struct QuantCase {
  std::string fixture;
  int bits, group;
};

void PrintTo(const QuantCase& c, std::ostream* os) { *os << c.fixture << " q" << c.bits << " g" << c.group; }

std::string case_name(const testing::TestParamInfo<QuantCase>& info) {
  return test::safe_name(info.param.fixture + "_q" + std::to_string(info.param.bits) + "g" + std::to_string(info.param.group));
}

std::vector<QuantCase> all_cases() {
  std::vector<QuantCase> out;
  for (const auto& name : test::golden_fixtures())
    for (int bits : {4, 8})
      for (int group : {32, 64}) out.push_back({name, bits, group});
  return out;
}

struct Agreement {
  double top1 = 0;  // fraction of positions whose argmax agrees
  double kl = 0;    // mean KL(reference ‖ quantized) over positions, nats
};

Agreement compare(const Tensor& reference, const Tensor& logits) {
  const std::int64_t V = reference.dim(-1), T = reference.numel() / V;
  const auto r = reference.to_floats(), q = logits.to_floats();
  Agreement a;
  for (std::int64_t t = 0; t < T; ++t) {
    const float* rp = r.data() + t * V;
    const float* qp = q.data() + t * V;
    const float rmax = *std::max_element(rp, rp + V), qmax = *std::max_element(qp, qp + V);
    double rz = 0, qz = 0;
    for (std::int64_t v = 0; v < V; ++v) rz += std::exp(double(rp[v] - rmax)), qz += std::exp(double(qp[v] - qmax));
    double kl = 0;
    for (std::int64_t v = 0; v < V; ++v) {
      const double lr = rp[v] - rmax - std::log(rz), lq = qp[v] - qmax - std::log(qz);
      kl += std::exp(lr) * (lr - lq);
    }
    a.kl += kl / double(T);
    a.top1 += (std::max_element(rp, rp + V) == rp + (std::max_element(qp, qp + V) - qp)) ? 1.0 / double(T) : 0.0;
  }
  return a;
}

class QuantizedGolden : public testing::TestWithParam<QuantCase> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlux-qgolden-" + std::to_string(::getpid()) + "-" + case_name({GetParam(), 0}));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(QuantizedGolden, MatchesDequantizedForwardAndStaysNearTransformers) {
  const QuantCase& c = GetParam();
  const fs::path src = test::golden_dir() / c.fixture, q = dir_ / "q", dq = dir_ / "dq";
  const auto report = models::quantize_model(src, q, {.quant = {.bits = c.bits, .group_size = c.group}});
  EXPECT_GT(report.quantized, 0);
  models::dequantize_model(q, dq, {.dtype = DType::f32});

  auto quantized = models::CausalLM::load(q);
  auto dequantized = models::CausalLM::load(dq);
  EXPECT_FALSE(quantized->quantization().empty());
  EXPECT_TRUE(dequantized->quantization().empty());
  auto ref = io::SafetensorsFile::open(src / "reference.safetensors");
  const Tensor ids = ref->tensor("input_ids");
  const Tensor logits = quantized->forward(ids).logits;
  const float diff = test::max_abs_diff(logits, dequantized->forward(ids).logits);
  EXPECT_LE(diff, 1e-4f) << "quantized kernels vs f32 forward of the dequantized weights";

  const Agreement a = compare(ref->tensor("logits"), logits);
  std::printf("[quantized] %-16s q%d g%-3d  max|Δ| vs dequantized f32 %.2e  top-1 %.3f  KL %.2e  (%lld matrices)\n",
              c.fixture.c_str(), c.bits, c.group, double(diff), a.top1, a.kl, (long long)report.quantized);
  // Bounds about 3x past the worst case seen over all fixtures (q8: KL 1.5e-3, top-1 0.80; q4:
  // KL 0.17, top-1 0.30 — 4 bits on 64-wide random N(0, 0.02) layers is coarse, as llama.cpp's
  // Q4_0 is on the 1B benchmark model, KL 0.24). A wrong kernel or layout gives KL ≫ 1 and top-1
  // near 1/vocab.
  EXPECT_LE(a.kl, c.bits == 8 ? 5e-3 : 0.5);
  EXPECT_GE(a.top1, c.bits == 8 ? 0.6 : 0.15);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, QuantizedGolden, testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace mlux

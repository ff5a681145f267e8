// Reference fixtures (tests/golden/<name>/, made by tools/make_fixtures.py with transformers):
// logits and every hidden state must match transformers' f32 forward, for the config in both its
// v5 and classic forms, and greedy decoding must pick the same 12 tokens.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "mlux/ops/ops.h"
#include "test_util.h"

namespace mlux {
namespace {

namespace fs = std::filesystem;
using models::CausalLM;

struct Case {
  std::string fixture;      // directory under tests/golden
  std::string config_file;  // config.json or config.classic.json
  std::string reference;    // reference.safetensors or reference-short.safetensors
};

// How gtest prints the parameter in test listings (the default is a byte dump).
void PrintTo(const Case& c, std::ostream* os) { *os << c.fixture << '/' << c.config_file << " vs " << c.reference; }

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return test::safe_name(info.param.fixture + "_" + info.param.config_file + "_" + info.param.reference);
}

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (const auto& name : test::golden_fixtures())
    for (const char* cfg : {"config.json", "config.classic.json"})
      for (const char* ref : {"reference.safetensors", "reference-short.safetensors"})
        if (fs::exists(test::golden_dir() / name / ref)) out.push_back({name, cfg, ref});
  return out;
}

// f32 weights: 1e-4 absolute. bf16 weights: the reference is the f32 forward of the rounded
// weights, so only summation order differs; 1e-3 of the logits' scale.
float tolerance(const std::string& fixture, const Tensor& reference_logits) {
  if (fixture.size() > 5 && fixture.substr(fixture.size() - 5) == "-bf16")
    return 1e-3f * test::max_abs(reference_logits);
  return 1e-4f;
}

class Golden : public testing::TestWithParam<Case> {};

// The two tests load the weights the two ways (io/mapped_file.h), so both are held to transformers.
TEST_P(Golden, LogitsAndHiddenStatesMatchTransformers) {
  const Case& c = GetParam();
  const fs::path dir = test::golden_dir() / c.fixture;
  auto model = CausalLM::load(dir, {.config_file = dir / c.config_file, .weights = io::FileAccess::read});
  ASSERT_EQ(model->weight_files_read(), model->weight_file_count());
  auto ref = io::SafetensorsFile::open(dir / c.reference);
  const Tensor ids = ref->tensor("input_ids");
  const auto out = model->forward(ids, {.hidden_states = true});
  const Tensor expected = ref->tensor("logits");
  const float tol = tolerance(c.fixture, expected);
  EXPECT_LE(test::max_abs_diff(out.logits, expected), tol) << "logits";
  ASSERT_EQ(out.hidden_states.size(), std::size_t(model->config().num_hidden_layers + 1));
  for (std::size_t i = 0; i < out.hidden_states.size(); ++i) {
    const Tensor h = ref->tensor("hidden_" + std::to_string(i));
    EXPECT_LE(test::max_abs_diff(out.hidden_states[i], h), tol * std::max(1.0f, test::max_abs(h) / 4)) << "hidden_" << i;
  }
}

TEST_P(Golden, GreedyContinuationMatchesTransformers) {
  const Case& c = GetParam();
  if (c.reference != "reference.safetensors") GTEST_SKIP() << "greedy ids are recorded for the main prompt only";
  const fs::path dir = test::golden_dir() / c.fixture;
  auto model = CausalLM::load(dir, {.config_file = dir / c.config_file, .weights = io::FileAccess::mapped});
  ASSERT_EQ(model->weight_files_read(), 0u);
  auto ref = io::SafetensorsFile::open(dir / c.reference);
  std::vector<std::int64_t> seq = ref->tensor("input_ids").to_ints();
  const std::vector<std::int64_t> expected = ref->tensor("greedy_ids").to_ints();
  std::vector<std::int64_t> got;
  for (std::size_t step = 0; step < expected.size(); ++step) {  // repeated full forwards, as recorded
    const Tensor ids = Tensor::from_data<std::int64_t>(seq, {1, std::int64_t(seq.size())});
    const Tensor logits = model->forward(ids, {.last_logits_only = true}).logits;
    const std::int64_t next = ops::argmax(logits.reshape({-1}), 0).to_ints()[0];
    got.push_back(next);
    seq.push_back(next);
  }
  EXPECT_EQ(got, expected);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace mlux

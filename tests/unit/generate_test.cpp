// Generation: greedy decoding through the KV cache reproduces transformers' continuations for
// every architecture, batches equal single runs, stop strings cut, streaming adds up, sampling is
// seeded, hooks act at every step with absolute positions, and decode allocates no fresh tensor
// memory once warm.
#include <gtest/gtest.h>

#include <cmath>

#include "mlux/generate/generator.h"
#include "mlux/interp/attention_patterns.h"
#include "mlux/io/safetensors.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/copy.h"
#include "mlux/tensor/storage.h"
#include "demo_fixture.h"
#include "test_util.h"

namespace mlux {
namespace {

using generate::GenerateOptions;
using hooks::HookContext;
using hooks::HookedModel;

class GreedyGeneration : public testing::TestWithParam<std::string> {};

TEST_P(GreedyGeneration, ReproducesTransformersContinuation) {
  const auto dir = test::golden_dir() / GetParam();
  HookedModel m(models::CausalLM::load(dir), std::nullopt);
  auto ref = io::SafetensorsFile::open(dir / "reference.safetensors");
  const auto prompt64 = ref->tensor("input_ids").to_ints();
  const std::vector<std::int32_t> prompt(prompt64.begin(), prompt64.end());
  const auto expected64 = ref->tensor("greedy_ids").to_ints();
  const std::vector<std::int32_t> expected(expected64.begin(), expected64.end());
  const auto result = generate::generate(m, m.prepare(prompt), {.max_tokens = int(expected.size()), .stop_at_eos = false});
  EXPECT_EQ(result.ids[0], expected);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GreedyGeneration, testing::ValuesIn(test::golden_fixtures()), test::param_name);

class DemoGeneration : public testing::Test {
 protected:
  const hooks::HookedModel* model_ = &test::demo_model();
};

TEST_F(DemoGeneration, BatchEqualsOneByOne) {
  const std::vector<std::string> prompts = {"Once upon a time", "The President of the United States said that", "And God said"};
  const auto batched = generate::generate(*model_, model_->prepare(prompts), {.max_tokens = 15});
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto single = generate::generate(*model_, model_->prepare(prompts[i]), {.max_tokens = 15});
    EXPECT_EQ(batched.ids[i], single.ids[0]) << prompts[i];
    EXPECT_EQ(batched.texts[i], single.texts[0]);
  }
}

TEST_F(DemoGeneration, StreamedTextAddsUpToTheResultAndMatchesDecode) {
  std::string streamed;
  GenerateOptions opt{.max_tokens = 25};
  opt.on_token = [&](const generate::TokenEvent& ev) {
    streamed += ev.text;
    return true;
  };
  const auto r = generate::generate(*model_, model_->prepare("In the beginning"), opt);
  EXPECT_EQ(streamed, r.texts[0]);
  EXPECT_EQ(r.texts[0], model_->tokenizer().decode(r.ids[0]));
  EXPECT_EQ(r.finish[0], generate::FinishReason::length);
}

TEST_F(DemoGeneration, StopStringsCutTheTextAndAreNeverStreamed) {
  const auto free_run = generate::generate(*model_, model_->prepare("And God said"), {.max_tokens = 30});
  const std::string& text = free_run.texts[0];
  ASSERT_GT(text.size(), 12u);
  const std::string stop = text.substr(8, 4);  // a piece that certainly occurs
  std::string streamed;
  GenerateOptions opt{.max_tokens = 30, .stop_strings = {stop}};
  opt.on_token = [&](const generate::TokenEvent& ev) {
    streamed += ev.text;
    return true;
  };
  const auto r = generate::generate(*model_, model_->prepare("And God said"), opt);
  EXPECT_EQ(r.texts[0], text.substr(0, text.find(stop)));
  EXPECT_EQ(streamed, r.texts[0]);
  EXPECT_EQ(r.finish[0], generate::FinishReason::stop_string);
}

TEST_F(DemoGeneration, SamplingIsSeededAndTopKOneIsGreedy) {
  auto run = [&](generate::SamplerOptions s) {
    return generate::generate(*model_, model_->prepare("Once upon a time"), {.max_tokens = 20, .sampler = s}).ids[0];
  };
  EXPECT_EQ(run({.temperature = 1.0f, .seed = 7}), run({.temperature = 1.0f, .seed = 7}));
  EXPECT_NE(run({.temperature = 1.0f, .seed = 7}), run({.temperature = 1.0f, .seed = 8}));
  EXPECT_EQ(run({.temperature = 1.0f, .top_k = 1, .seed = 7}), run({}));
}

TEST(Sampler, RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce) {
  // Ids 0 and 1 were seen (id 0 twice); penalty 4: logit 2 → 0.5, logit −1 → −4, id 2 untouched.
  const std::vector<float> logits = {2.0f, -1.0f, 1.0f};
  const std::vector<std::int32_t> history = {0, 0, 1};
  generate::Sampler greedy({.repetition_penalty = 4.0f});
  EXPECT_EQ(greedy.sample(logits, history), 2);  // 1.0 now beats 0.5
  generate::Sampler mild({.repetition_penalty = 1.5f});
  EXPECT_EQ(mild.sample(logits, history), 0);    // 2/1.5 = 1.33 still wins (penalised once, not twice)
  EXPECT_NE(test::error_of([] { generate::Sampler({.top_p = 0.0f}); }).find("top_p"), std::string::npos);
}

// Draw frequencies against the distributions each filter defines (computed here from the
// probabilities, not by the sampler): p = (0.5, 0.3, 0.15, 0.05).
TEST(Sampler, TemperatureTopKTopPAndMinPDrawFromTheRightDistribution) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  auto frequencies = [&](generate::SamplerOptions o) {
    o.seed = 11;
    generate::Sampler sampler(o);
    std::vector<double> f(logits.size(), 0.0);
    constexpr int kDraws = 40000;
    for (int i = 0; i < kDraws; ++i) f[std::size_t(sampler.sample(logits, {}))] += 1.0 / kDraws;
    return f;
  };
  auto expect_near = [](const std::vector<double>& got, const std::vector<double>& want, const char* what) {
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (want[i] == 0.0) EXPECT_EQ(got[i], 0.0) << what << ": id " << i << " must never be drawn";
      else EXPECT_NEAR(got[i], want[i], 0.012) << what << ": id " << i;
    }
  };
  // The kept set is {0, 1} for each of these filters: renormalised 0.5/0.8 and 0.3/0.8.
  const std::vector<double> first_two = {0.625, 0.375, 0.0, 0.0};
  expect_near(frequencies({.temperature = 1.0f}), {0.5, 0.3, 0.15, 0.05}, "temperature 1");
  expect_near(frequencies({.temperature = 1.0f, .top_k = 2}), first_two, "top_k 2");
  expect_near(frequencies({.temperature = 1.0f, .top_p = 0.7f}), first_two, "top_p 0.7 (0.5 < 0.7 <= 0.8)");
  expect_near(frequencies({.temperature = 1.0f, .min_p = 0.35f}), first_two, "min_p 0.35 (cut at 0.175)");
  // Temperature 2: p^(1/2), renormalised.
  const double r[] = {std::sqrt(0.5), std::sqrt(0.3), std::sqrt(0.15), std::sqrt(0.05)};
  const double z = r[0] + r[1] + r[2] + r[3];
  expect_near(frequencies({.temperature = 2.0f}), {r[0] / z, r[1] / z, r[2] / z, r[3] / z}, "temperature 2");
}

TEST_F(DemoGeneration, HooksRunAtEveryStepWithAbsolutePositions) {
  std::vector<std::vector<std::int64_t>> seen;
  auto set = model_->hook_set();
  set.add("model.layers.0", [&](const Tensor&, const HookContext& ctx) {
    seen.push_back(ctx.positions.to_ints());
    return std::optional<Tensor>();
  });
  const auto prompt = model_->prepare("one two");
  generate::generate(*model_, prompt, {.max_tokens = 3, .stop_at_eos = false, .hooks = &set});
  const std::int64_t T = prompt.length();
  ASSERT_EQ(seen.size(), 3u);  // the prefill and two decode steps (the third token needs no forward)
  EXPECT_EQ(seen[0].size(), std::size_t(T));
  EXPECT_EQ(seen[0].back(), T - 1);
  EXPECT_EQ(seen[1], std::vector<std::int64_t>{T});
  EXPECT_EQ(seen[2], std::vector<std::int64_t>{T + 1});
}

// Steering causality: an edit at position p of layer 3 leaves the keys layer 4 caches for earlier
// positions untouched and changes the key at p.
TEST_F(DemoGeneration, AnEditAtOnePositionLeavesEarlierPositionsUntouched) {
  const auto batch = model_->prepare("The quick brown fox jumps over the lazy dog");
  const std::int64_t p = 5;
  hooks::ActivationCache clean, edited;
  auto plain = model_->hook_set();
  plain.capture("model.layers.4.self_attn.hook_k", clean);
  model_->run(batch, &plain);
  auto steer = model_->hook_set();
  steer.add("model.layers.3", [&](const Tensor& h, const HookContext&) {
         Tensor out = h.clone();
         Tensor row = out.slice(1, p, p + 1);
         row = row + 0.5f;
         Tensor dst = out.slice(1, p, p + 1);
         copy_convert(row, dst);
         return std::optional<Tensor>(out);
       }).capture("model.layers.4.self_attn.hook_k", edited);
  model_->run(batch, &steer);
  const Tensor a = clean["model.layers.4.self_attn.hook_k"], b = edited["model.layers.4.self_attn.hook_k"];
  EXPECT_EQ(test::max_abs_diff(a.slice(1, 0, p), b.slice(1, 0, p)), 0.0f);
  EXPECT_GT(test::max_abs_diff(a.slice(1, p, p + 1), b.slice(1, p, p + 1)), 1e-3f);
}

TEST_F(DemoGeneration, DecodeAllocatesNoFreshTensorMemoryOnceWarm) {
  const models::CausalLM& lm = model_->model();
  auto cache = lm.make_cache(1);
  cache.reserve(64);
  Tensor logits = lm.forward(model_->prepare("Once upon a time").ids, {.last_logits_only = true}, &cache).logits;
  auto step = [&] {
    const std::vector<std::int64_t> next = {ops::argmax(logits.reshape({-1}), 0).to_ints()[0]};
    logits = lm.forward(Tensor::from_data<std::int64_t>(next, {1, 1}), {.last_logits_only = true}, &cache).logits;
  };
  for (int i = 0; i < 4; ++i) step();  // warm-up: the allocator's size classes fill
  const auto before = allocator_stats().fresh_allocations;
  for (int i = 0; i < 16; ++i) step();
  EXPECT_EQ(allocator_stats().fresh_allocations, before);
}

TEST_F(DemoGeneration, PromptLongerThanTheContextIsAnError) {
  HookedModel gpt2(models::CausalLM::load(test::golden_dir() / "gpt2"), std::nullopt);
  const std::vector<std::int32_t> too_long(65, 7);  // n_positions is 64
  const auto e = test::error_of([&] { generate::generate(gpt2, gpt2.prepare(too_long), {}); });
  EXPECT_NE(e.find("65 tokens"), std::string::npos) << e;
  EXPECT_NE(e.find("context is 64"), std::string::npos) << e;
}

TEST_F(DemoGeneration, AttentionPatternsForChosenLayersAndHeads) {
  const auto p = interp::attention_patterns(*model_, "The best way to go to the store is the best way to go", {0, 5},
                                            {.heads = {1, 3}});
  ASSERT_EQ(p.size(), 2u);
  const std::int64_t T = std::int64_t(model_->tokenize("The best way to go to the store is the best way to go").size());
  EXPECT_EQ(p.at(5).shape(), Shape({1, 2, T, T}));
  auto [l, cache] = model_->run_with_cache("The best way to go to the store is the best way to go",
                                           {"model.layers.5.self_attn.hook_pattern"});
  EXPECT_EQ(test::max_abs_diff(p.at(5).slice(1, 1, 2), cache["model.layers.5.self_attn.hook_pattern"].slice(1, 3, 4)), 0.0f);
  EXPECT_NE(test::error_of([&] { interp::attention_patterns(*model_, "hi", {8}); }).find("out of range"), std::string::npos);
  HookedModel lfm2(models::CausalLM::load(test::golden_dir() / "lfm2"), std::nullopt);
  const auto e = test::error_of([&] { interp::attention_patterns(lfm2, std::vector<std::int32_t>{1, 2, 3}, {0}); });
  EXPECT_NE(e.find("'conv' layer"), std::string::npos) << e;
  EXPECT_NE(e.find("Attention layers: 1, 3"), std::string::npos) << e;
}

}  // namespace
}  // namespace mlux

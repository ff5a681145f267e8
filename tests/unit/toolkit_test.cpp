// The interpretability toolkit's contracts: the lens's last layer is the model's own output
// distribution (soft-cap included, GPT-2 included); steering with alpha 0 is the identity, steering
// from position p leaves earlier positions alone, vectors survive save/load bit for bit; ablation
// effects have the documented sign and the fast path equals the naive one; head scores find the
// demo model's induction heads.
#include <gtest/gtest.h>

#include "mlux/interp/ablation.h"
#include "mlux/interp/head_scores.h"
#include "mlux/interp/logit_lens.h"
#include "mlux/interp/steering.h"
#include "mlux/ops/ops.h"
#include "demo_fixture.h"
#include "test_util.h"

namespace mlux {
namespace {

class Toolkit : public testing::Test {
 protected:
  const hooks::HookedModel* model_ = &test::demo_model();
};

void expect_lens_matches_output(const hooks::HookedModel& m, const hooks::ModelInput& input) {
  const auto lens = interp::logit_lens(m, input, {.top_k = 5});
  const Tensor logits = m.forward(input).select(0, 0);  // [T, V]
  ASSERT_EQ(lens.rows.size(), std::size_t(m.config().n_layers) + 1);
  EXPECT_EQ(lens.rows.front(), "embed");
  for (std::size_t j = 0; j < lens.positions.size(); ++j) {
    const auto own = interp::top_k(m, logits.select(0, lens.positions[j]), 5);
    const auto& last = lens.grid.back()[j];
    for (std::size_t k = 0; k < 5; ++k) {
      EXPECT_EQ(last[k].id, own[k].id);
      EXPECT_NEAR(last[k].prob, own[k].prob, 1e-5);
      EXPECT_NEAR(last[k].logit, own[k].logit, 1e-4);
    }
  }
}

TEST_F(Toolkit, LensLastLayerIsTheModelsOutput) {
  expect_lens_matches_output(*model_, "Le contraire de \"petit\" est \"");
  for (const char* fixture : {"gpt2", "gemma2", "lfm2", "phi3"}) {  // tied wte, soft-cap, conv layers, fused
    hooks::HookedModel m(models::CausalLM::load(test::golden_dir() / fixture), std::nullopt);
    expect_lens_matches_output(m, std::vector<std::int32_t>{5, 9, 11, 40, 7});
  }
}

TEST_F(Toolkit, LensReadsTheFrenchPromptAndTracesTargets) {
  const auto grand = *model_->tokenizer().token_to_id("grand");
  const auto lens = interp::logit_lens(*model_, "Le contraire de \"petit\" est \"", {.top_k = 3, .positions = {-1}, .targets = {grand}});
  ASSERT_EQ(lens.positions.size(), 1u);
  EXPECT_EQ(lens.grid.back()[0][0].token, "grand");
  ASSERT_EQ(lens.targets.size(), 1u);
  EXPECT_EQ(lens.targets[0].rank.back()[0], 1);
  EXPECT_GT(lens.targets[0].prob.back()[0], lens.targets[0].prob.front()[0]);  // rises from the embedding row
  const auto attn = interp::logit_lens(*model_, "Hello", {.probe = interp::LensProbe::attn_out});
  EXPECT_EQ(attn.rows.size(), std::size_t(model_->config().n_layers));  // no embedding row for sublayer probes
}

interp::SteeringVector sentiment(const hooks::HookedModel& m, int layer) {
  return interp::compute_steering_vector(
      m, {{"I absolutely love this! It's amazing and wonderful!", "I absolutely hate this! It's terrible and awful!"}}, layer);
}

TEST_F(Toolkit, SteeringWithAlphaZeroIsTheIdentity) {
  const auto v = sentiment(*model_, 4);
  auto set = model_->hook_set();
  interp::add_steering(set, *model_, v, {.alpha = 0.0f});
  const auto batch = model_->prepare("The movie was");
  EXPECT_EQ(test::max_abs_diff(model_->run(batch, &set).logits, model_->run(batch, nullptr).logits), 0.0f);
}

TEST_F(Toolkit, SteeringFromPositionPLeavesEarlierPositionsUntouched) {
  const auto v = sentiment(*model_, 3);
  const auto batch = model_->prepare("The quick brown fox jumps over the lazy dog");
  hooks::ActivationCache clean, steered;
  auto a = model_->hook_set();
  a.capture("model.layers.4.self_attn.hook_k", clean);
  model_->run(batch, &a);
  auto b = model_->hook_set();
  interp::add_steering(b, *model_, v, {.alpha = 2.0f, .first_position = 5});
  b.capture("model.layers.4.self_attn.hook_k", steered);
  model_->run(batch, &b);
  const Tensor x = clean["model.layers.4.self_attn.hook_k"], y = steered["model.layers.4.self_attn.hook_k"];
  EXPECT_EQ(test::max_abs_diff(x.slice(1, 0, 5), y.slice(1, 0, 5)), 0.0f);
  EXPECT_GT(test::max_abs_diff(x.slice(1, 5, x.dim(1)), y.slice(1, 5, y.dim(1))), 1e-3f);
}

TEST_F(Toolkit, SteeringVectorsSurviveSaveAndLoadBitForBit) {
  auto v = sentiment(*model_, 4);
  const auto path = std::filesystem::temp_directory_path() / ("mlux-vec-" + std::to_string(::getpid()) + ".safetensors");
  v.save(path);
  const auto back = interp::SteeringVector::load(path);
  EXPECT_EQ(back.vector.to_floats(), v.vector.to_floats());
  EXPECT_EQ(back.layer, 4);
  EXPECT_EQ(back.pairs, v.pairs);
  EXPECT_EQ(back.hook, "model.layers.4");
  std::filesystem::remove(path);
  EXPECT_FLOAT_EQ(interp::suggest_alpha(v, "strong"), 1.5f * std::clamp(50.0f / std::max(v.norm(), 1.0f), 0.1f, 2.0f));
}

TEST_F(Toolkit, SteeringMovesSentimentAndAlphaComparisonsAreConsistent) {
  const auto v = sentiment(*model_, 4);
  const auto texts = interp::compare_alphas(*model_, "The movie was", v, {-8.0f, 0.0f, 8.0f}, {.max_tokens = 12});
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[1], generate::generate(*model_, model_->prepare("The movie was"), {.max_tokens = 12}).texts[0]);
  EXPECT_NE(texts[0], texts[2]);
  EXPECT_NE(test::error_of([&] { interp::compute_steering_vector(*model_, {{"a", "b"}}, 9); }).find("layer 9 is out of range"),
            std::string::npos);
}

TEST_F(Toolkit, AblationEffectsHaveTheDocumentedSignAndFastEqualsNaive) {
  const char* prompt = "X A V P Q R T X A V P Q R";
  interp::AblationOptions o{.kind = interp::AblationKind::zero, .layers = {0, 3, 6}};
  std::vector<int> streamed;
  o.on_layer = [&](int layer, const std::vector<float>&) { streamed.push_back(layer); };
  const auto fast = interp::ablate(*model_, prompt, o);
  EXPECT_EQ(streamed, (std::vector<int>{0, 3, 6}));
  // Zeroing the residual at the last position, early on, destroys the prediction: p drops, effect > 0.
  EXPECT_GT(fast.effects[0].back(), 0.5f * fast.baseline.prob);
  o.run.fast = false;
  o.on_layer = nullptr;
  const auto naive = interp::ablate(*model_, prompt, o);
  for (std::size_t l = 0; l < fast.effects.size(); ++l)
    for (std::size_t p = 0; p < fast.effects[l].size(); ++p) EXPECT_NEAR(fast.effects[l][p], naive.effects[l][p], 1e-5);
  const auto mean = interp::ablate(*model_, prompt, {.layers = {2}});  // the original explorer's default
  EXPECT_EQ(mean.effects[0].size(), std::size_t(model_->tokenize(prompt).size()));
  const auto heads = interp::ablate(*model_, prompt, {.site = interp::Site::head, .layers = {3}, .positions = {-1}});
  EXPECT_EQ(heads.effects[0].size(), std::size_t(model_->config().n_heads));
}

TEST_F(Toolkit, HeadScoresFindTheInductionHeads) {
  const auto s = interp::head_scores(*model_, {.length = 30, .trials = 2});
  ASSERT_EQ(s.layers.size(), std::size_t(model_->config().n_layers));
  float best = 0;
  for (const auto& layer : s.induction)
    for (float x : layer) {
      EXPECT_GE(x, 0.0f);
      EXPECT_LE(x, 1.0f + 1e-5f);
      best = std::max(best, x);
    }
  EXPECT_GT(best, 0.5f);
  EXPECT_GT(s.induction[3][2], 0.5f);
}

}  // namespace
}  // namespace mlux

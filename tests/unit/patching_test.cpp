// Activation patching: a prompt patched into itself changes nothing; patching every position of
// the layer-0 residual reproduces the source run; fast sweeps equal the naive one-forward-per-patch
// sweeps; the binding demo's answer moves with the layer; bad requests are clear errors.
#include <gtest/gtest.h>

#include <set>

#include "mlux/interp/patching.h"
#include "demo_fixture.h"
#include "test_util.h"

namespace mlux {
namespace {

using interp::PatchRequest;
using interp::Site;

const char* kSource = "Setup: Josh has a yellow book. Jesse has a black book. Alex has a green book.\nAnswer: The color of Josh's book is";
const char* kTarget = "Setup: Jesse has a black book. Alex has a green book. Josh has a yellow book.\nAnswer: The color of Alex's book is";

class Patching : public testing::Test {
 protected:
  const hooks::HookedModel* model_ = &test::demo_model();
};

TEST_F(Patching, APromptPatchedIntoItselfChangesNothing) {
  const auto r = interp::activation_patching(*model_, kTarget, kTarget, {.layers = {0, 3, 7}});
  for (const auto& c : r.cells) {
    EXPECT_LT(c.outcome.kl, 1e-9f);
    EXPECT_EQ(c.outcome.top[0].id, r.clean.top[0].id);
    EXPECT_NEAR(c.outcome.top[0].prob, r.clean.top[0].prob, 1e-5);
  }
}

TEST_F(Patching, EveryPositionOfTheLayerZeroResidualReproducesTheSource) {
  const auto r = interp::activation_patching(*model_, "The cat sat on the mat", "The man sat on the bed", {.layers = {0}, .together = true});
  ASSERT_EQ(r.cells.size(), 1u);
  EXPECT_EQ(r.cells[0].outcome.top[0].id, r.source.top[0].id);
  EXPECT_NEAR(r.cells[0].outcome.top[0].prob, r.source.top[0].prob, 1e-5);
  EXPECT_NEAR(r.cells[0].outcome.kl, r.source.kl, 1e-4);
}

void expect_same(const interp::PatchResult& a, const interp::PatchResult& b) {
  ASSERT_EQ(a.cells.size(), b.cells.size());
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    const auto &x = a.cells[i].outcome, &y = b.cells[i].outcome;
    ASSERT_EQ(x.top.size(), y.top.size());
    for (std::size_t k = 0; k < x.top.size(); ++k) {
      EXPECT_EQ(x.top[k].id, y.top[k].id) << "cell " << i;
      EXPECT_NEAR(x.top[k].prob, y.top[k].prob, 1e-5) << "cell " << i;
      EXPECT_NEAR(x.top[k].logit, y.top[k].logit, 1e-4 * std::max(1.0f, std::fabs(y.top[k].logit))) << "cell " << i;
    }
    EXPECT_NEAR(x.kl, y.kl, 1e-5) << "cell " << i;
  }
}

TEST_F(Patching, FastSweepsEqualNaiveSweeps) {
  for (Site site : {Site::resid, Site::attn_out, Site::mlp_out}) {
    PatchRequest req{.site = site, .metrics = {.top_k = 3}};
    const auto fast = interp::activation_patching(*model_, "The cat sat on the mat", "The man sat on the bed", req);
    req.run.fast = false;
    const auto naive = interp::activation_patching(*model_, "The cat sat on the mat", "The man sat on the bed", req);
    EXPECT_EQ(fast.cells.size(), std::size_t(model_->config().n_layers) * fast.positions.size());
    expect_same(fast, naive);
  }
  PatchRequest heads{.site = Site::head, .layers = {2, 5}, .positions = {{-1, -1}, {2, 2}}};
  const auto fast = interp::activation_patching(*model_, "The cat sat on the mat", "The man sat on the bed", heads);
  heads.run.fast = false;
  expect_same(fast, interp::activation_patching(*model_, "The cat sat on the mat", "The man sat on the bed", heads));
  EXPECT_EQ(fast.cells.size(), 2u * 2u * std::size_t(model_->config().n_heads));
}

TEST_F(Patching, TheBindingAnswerMovesWithTheLayer) {
  // Josh (source position of "Josh" in the question) into Alex's position in the target question.
  const auto src = model_->tokenize(kSource), dst = model_->tokenize(kTarget);
  const int src_pos = int(src.size()) - 4, dst_pos = int(dst.size()) - 4;  // "...of X's book is": X is 4th from the end
  ASSERT_NE(interp::token_info(*model_, src[std::size_t(src_pos)]).text.find("Josh"), std::string::npos);
  ASSERT_NE(interp::token_info(*model_, dst[std::size_t(dst_pos)]).text.find("Alex"), std::string::npos);
  const auto r = interp::activation_patching(*model_, kSource, kTarget, {.positions = {{src_pos, dst_pos}}});
  EXPECT_EQ(r.clean.top[0].token, " green");
  std::set<std::string> answers;
  for (const auto& c : r.cells) answers.insert(c.outcome.top[0].token);
  EXPECT_GE(answers.size(), 2u);          // early layers carry the name, late ones are too late
  EXPECT_EQ(r.cells.back().outcome.top[0].token, " green");
  EXPECT_NE(r.cells.front().outcome.top[0].token, " green");
  const std::string cont = interp::patched_continuation(*model_, kSource, kTarget, Site::resid, r.cells.front(), 2);
  EXPECT_EQ(cont.substr(0, r.cells.front().outcome.top[0].token.size()), r.cells.front().outcome.top[0].token);
}

TEST_F(Patching, LogitDifferenceAndNormalisedEffect) {
  const auto yellow = *model_->tokenizer().token_to_id("Ġyellow"), green = *model_->tokenizer().token_to_id("Ġgreen");
  const auto src = model_->tokenize(kSource), dst = model_->tokenize(kTarget);
  const auto r = interp::activation_patching(*model_, kSource, kTarget,
      {.positions = {{int(src.size()) - 4, int(dst.size()) - 4}}, .metrics = {.tokens = {yellow, green}, .logit_diff = {{yellow, green}}}});
  EXPECT_LT(r.clean.logit_diff, 0.0f);   // the target says green
  EXPECT_NEAR(r.clean.effect, 0.0f, 1e-6);
  EXPECT_NEAR(r.source.effect, 1.0f, 1e-6);
  EXPECT_EQ(r.cells.front().outcome.token_probs.size(), 2u);
}

TEST_F(Patching, BadRequestsAreClearErrors) {
  auto e = test::error_of([&] { interp::activation_patching(*model_, "a b c", "a b c d", {}); });
  EXPECT_NE(e.find("the source has"), std::string::npos) << e;
  EXPECT_NE(e.find("give explicit (source, target) positions"), std::string::npos) << e;
  e = test::error_of([&] { interp::activation_patching(*model_, "a b c", "a b c", {.layers = {8}}); });
  EXPECT_NE(e.find("layer 8 is out of range"), std::string::npos) << e;
  e = test::error_of([&] { interp::activation_patching(*model_, "a b c", "a b c", {.positions = {{0, 9}}}); });
  EXPECT_NE(e.find("target position 9 is out of range"), std::string::npos) << e;
  e = test::error_of([&] { interp::activation_patching(*model_, "a b c", "a b c", {.site = Site::head, .heads = {8}}); });
  EXPECT_NE(e.find("head 8 is out of range"), std::string::npos) << e;
}

}  // namespace
}  // namespace mlux

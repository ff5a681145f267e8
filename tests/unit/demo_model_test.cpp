// The embedded demo model does what its card says: it loads and generates, predicts held-out
// text far better than a unigram model, has induction heads, and answers the binding prompt.
// Numbers measured here are the ones reported in models/demo/README.md.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "mlux/generate/generator.h"
#include "mlux/interp/attention_patterns.h"
#include "mlux/models/locate.h"
#include "mlux/ops/ops.h"
#include "demo_fixture.h"
#include "test_util.h"

namespace mlux {
namespace {

class DemoModelCard : public testing::Test {
 protected:
  const hooks::HookedModel* model_ = &test::demo_model();
};

// The held-out documents as the model saw documents in training: <|endoftext|> before each.
std::vector<std::int32_t> heldout_stream(const hooks::HookedModel& m) {
  std::ifstream in(models::demo_model_dir() / "heldout.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str(), sep = "<|endoftext|>";
  const std::int32_t eot = *m.tokenizer().token_to_id(sep);
  std::vector<std::int32_t> stream;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    stream.push_back(eot);
    const auto ids = m.tokenizer().encode(text.substr(start, end - start), {.add_special_tokens = false});
    stream.insert(stream.end(), ids.begin(), ids.end());
    start = end + sep.size();
  }
  return stream;
}

TEST_F(DemoModelCard, HeldOutLossIsFarBelowTheUnigramBaseline) {
  const auto stream = heldout_stream(*model_);
  ASSERT_GT(stream.size(), 5000u);
  // Next-token cross-entropy over consecutive 256-token windows.
  const std::size_t window = 256;
  double total = 0;
  std::size_t count = 0;
  for (std::size_t s = 0; s + window + 1 <= stream.size(); s += window) {
    const std::vector<std::int32_t> ids(stream.begin() + std::ptrdiff_t(s), stream.begin() + std::ptrdiff_t(s + window));
    const Tensor logp = ops::log_softmax(model_->forward(ids).select(0, 0), -1);  // [window, V]
    const auto v = logp.to_floats();
    const std::size_t V = std::size_t(logp.dim(1));
    for (std::size_t t = 0; t < window; ++t) total -= v[t * V + std::size_t(stream[s + t + 1])];
    count += window;
  }
  const double loss = total / double(count);
  // The unigram baseline, generously: the entropy of the held-out tokens' own frequencies.
  std::map<std::int32_t, double> freq;
  for (std::size_t i = 1; i < stream.size(); ++i) freq[stream[i]] += 1;
  double entropy = 0;
  for (const auto& [id, n] : freq) entropy -= n / double(stream.size() - 1) * std::log(n / double(stream.size() - 1));
  std::printf("held-out loss %.3f nats/token over %zu tokens; unigram entropy %.3f\n", loss, count, entropy);
  EXPECT_LT(loss, entropy - 1.5);
}

TEST_F(DemoModelCard, HasAnInductionHead) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<std::int32_t> token(4, model_->config().d_vocab - 1);
  const std::int64_t L = 50;
  std::vector<std::int32_t> ids = {*model_->tokenizer().bos_id()};
  std::vector<std::int32_t> seq(static_cast<std::size_t>(L));
  for (auto& t : seq) t = token(rng);
  ids.insert(ids.end(), seq.begin(), seq.end());
  ids.insert(ids.end(), seq.begin(), seq.end());
  std::vector<int> layers(std::size_t(model_->config().n_layers));
  for (std::size_t l = 0; l < layers.size(); ++l) layers[l] = int(l);
  const auto patterns = interp::attention_patterns(*model_, ids, layers);
  double best = 0;
  int best_layer = -1, best_head = -1;
  for (const auto& [layer, p] : patterns) {
    const std::int64_t H = p.dim(1), T = p.dim(2);
    const auto v = p.to_floats();
    for (std::int64_t h = 0; h < H; ++h) {
      // From each token of the second copy to the token after its first occurrence.
      double s = 0;
      for (std::int64_t q = 1 + L; q < 1 + 2 * L; ++q) s += v[std::size_t((h * T + q) * T + (q - L + 1))];
      s /= double(L);
      if (s > best) { best = s; best_layer = layer; best_head = int(h); }
    }
  }
  std::printf("best induction score %.3f at layer %d head %d\n", best, best_layer, best_head);
  EXPECT_GT(best, 0.5);
}

TEST_F(DemoModelCard, AnswersTheBindingPromptAndGenerates) {
  const auto r = generate::generate(*model_, model_->prepare(
      "Setup: Josh has a yellow book. Jesse has a black book. Alex has a green book.\nAnswer: The color of Josh's book is"),
      {.max_tokens = 1});
  EXPECT_EQ(r.texts[0], " yellow");
  const auto free_run = generate::generate(*model_, model_->prepare("Once upon a time"), {.max_tokens = 20});
  EXPECT_EQ(free_run.ids[0].size(), 20u);
  EXPECT_FALSE(free_run.texts[0].empty());
}

}  // namespace
}  // namespace mlux

// Decoding with the KV cache gives the logits of a full forward at every position, for every
// architecture (conv state included), and prefill in chunks equals one prefill.
#include <gtest/gtest.h>

#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "test_util.h"

namespace mlux {
namespace {

class KVCacheDecode : public testing::TestWithParam<std::string> {};

TEST_P(KVCacheDecode, MatchesFullForwardAtEveryPosition) {
  const auto dir = test::golden_dir() / GetParam();
  auto model = models::CausalLM::load(dir);
  auto ref = io::SafetensorsFile::open(dir / "reference.safetensors");
  const Tensor ids = ref->tensor("input_ids");
  const std::int64_t T = ids.dim(1);
  auto cache = model->make_cache(1);
  const std::int64_t prefill = 7;
  const Tensor first = model->forward(ids.slice(1, 0, prefill), {}, &cache).logits;
  EXPECT_LE(test::max_abs_diff(first, model->forward(ids.slice(1, 0, prefill)).logits), 1e-4f);
  for (std::int64_t t = prefill; t < T; ++t) {
    const Tensor step = model->forward(ids.slice(1, t, t + 1), {}, &cache).logits;
    // Compare with a full forward of the same prefix: with dynamic NTK or LongRoPE every position
    // of a sequence depends on its total length, so a longer forward is not the reference.
    const Tensor prefix = model->forward(ids.slice(1, 0, t + 1), {.last_logits_only = true}).logits;
    EXPECT_LE(test::max_abs_diff(step, prefix), 1e-4f) << "position " << t;
  }
  EXPECT_EQ(cache.length(), T);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, KVCacheDecode, testing::ValuesIn(test::golden_fixtures()), test::param_name);

}  // namespace
}  // namespace mlux

// The HookedModel contract, re-expressing the original mlux test suite (hooked model, advanced
// hooks, GQA, misc) against the demo model and the transformers fixtures, and strengthening it:
// hooks are transparent bit for bit, several hooks on one point compose in order, nested points
// both fire inner first, unknown paths and wrong shapes are clear errors, and the attention
// pattern a hook sees is exactly what transformers computes.
#include <gtest/gtest.h>

#include <filesystem>

#include "mlux/hooks/hooked_model.h"
#include "mlux/io/npy.h"
#include "mlux/io/safetensors.h"
#include "mlux/tensor/copy.h"
#include "mlux/ops/ops.h"
#include "demo_fixture.h"
#include "test_util.h"

namespace mlux {
namespace {

using hooks::HookContext;
using hooks::HookedModel;

std::optional<Tensor> keep(const Tensor&, const HookContext&) { return std::nullopt; }

class DemoModel : public testing::Test {
 protected:
  const hooks::HookedModel* model_ = &test::demo_model();
};

TEST_F(DemoModel, HooksAndCapturesAreTransparent) {
  const Tensor plain = model_->forward("The capital of France is");
  // Every point captured (attention materialises its scores and patterns) and an identity hook everywhere.
  auto [cached, cache] = model_->run_with_cache("The capital of France is", {"**"});
  EXPECT_EQ(test::max_abs_diff(plain, cached), 0.0f);
  EXPECT_GT(cache.size(), model_->available_hooks().size() / 2);
  const Tensor hooked = model_->run_with_hooks("The capital of France is", {{"**", keep}});
  EXPECT_EQ(test::max_abs_diff(plain, hooked), 0.0f);
  EXPECT_EQ(test::max_abs_diff(plain, model_->forward("The capital of France is")), 0.0f);  // nothing left behind
}

TEST_F(DemoModel, CachesSelectedPointsByPathGlobAndPredicate) {
  const auto cfg = model_->config();
  auto [logits, by_glob] = model_->run_with_cache("Hello world", {"model.layers.*.mlp"});
  ASSERT_EQ(by_glob.size(), std::size_t(cfg.n_layers));
  const std::int64_t T = logits.dim(1);
  for (const auto& name : by_glob.names()) EXPECT_EQ(by_glob[name].shape(), Shape({1, T, cfg.d_model})) << name;

  auto [l2, exact] = model_->run_with_cache("Hello world", {"model.layers.0.mlp", "model.layers.5.mlp"});
  EXPECT_EQ(exact.names(), (std::vector<std::string>{"model.layers.0.mlp", "model.layers.5.mlp"}));

  auto [l3, pred] = model_->run_with_cache("Hello world", [](const hooks::HookPoint& p) {
    return p.path.ends_with(".mlp") && p.path.find("layers.0.") != std::string::npos;
  });
  EXPECT_EQ(pred.names(), (std::vector<std::string>{"model.layers.0.mlp"}));

  auto [l4, qkv] = model_->run_with_cache("Hello world", {"model.layers.0.self_attn.*_proj"});
  EXPECT_EQ(qkv["model.layers.0.self_attn.q_proj"].dim(-1), cfg.n_heads * cfg.d_head);
  EXPECT_EQ(qkv["model.layers.0.self_attn.k_proj"].dim(-1), cfg.n_kv_heads * cfg.d_head);
  EXPECT_EQ(qkv["model.layers.0.self_attn.v_proj"].dim(-1), cfg.n_kv_heads * cfg.d_head);

  auto [l5, resid] = model_->run_with_cache("Hello world", {"model.layers.*"});
  ASSERT_EQ(resid.size(), std::size_t(cfg.n_layers));  // `*` is one path segment: block outputs only
  EXPECT_EQ(resid.stack(resid.names()).shape(), Shape({cfg.n_layers, 1, T, cfg.d_model}));
}

TEST_F(DemoModel, InterventionsChangeTheOutput) {
  const Tensor plain = model_->forward("The capital of France is");
  const Tensor zeroed = model_->run_with_hooks("The capital of France is",
      {{"model.layers.4", [](const Tensor& o, const HookContext&) { return std::optional<Tensor>(o * 0.0f); }}});
  EXPECT_GT(test::max_abs_diff(plain, zeroed), 0.1f);
  const Tensor halved = model_->run_with_hooks("The capital of France is",
      {{"model.layers.*.mlp", [](const Tensor& o, const HookContext&) { return std::optional<Tensor>(o * 0.5f); }}});
  EXPECT_GT(test::max_abs_diff(plain, halved), 0.01f);
}

TEST_F(DemoModel, SeveralHooksOnOnePointComposeInRegistrationOrder) {
  hooks::ActivationCache cache;
  auto set = model_->hook_set();
  int calls = 0;
  set.add("model.layers.2.mlp", [&](const Tensor& o, const HookContext&) { ++calls; return std::optional<Tensor>(o + 1.0f); })
      .add("model.layers.2.mlp", [&](const Tensor& o, const HookContext&) { ++calls; return std::optional<Tensor>(o * 2.0f); })
      .capture("model.layers.2.mlp", cache);
  auto [plain_logits, plain] = model_->run_with_cache("Hi there", {"model.layers.2.mlp"});
  model_->run(model_->prepare("Hi there"), &set);
  EXPECT_EQ(calls, 2);  // each once per forward
  const Tensor expected = (plain["model.layers.2.mlp"] + 1.0f) * 2.0f;
  EXPECT_EQ(test::max_abs_diff(cache["model.layers.2.mlp"], expected), 0.0f);
}

TEST_F(DemoModel, NestedPointsBothFireInnerFirst) {
  std::vector<std::string> order;
  auto record = [&](const Tensor&, const HookContext& ctx) {
    order.emplace_back(ctx.path);
    return std::optional<Tensor>();
  };
  model_->run_with_hooks("Hi", {{"model.layers.1", record}, {"model.layers.1.mlp", record},
                                {"model.layers.1.mlp.down_proj", record}, {"model.layers.1.hook_resid_mid", record}});
  EXPECT_EQ(order, (std::vector<std::string>{"model.layers.1.hook_resid_mid", "model.layers.1.mlp.down_proj",
                                              "model.layers.1.mlp", "model.layers.1"}));
}

TEST_F(DemoModel, HookContextTellsLayerPositionsAndInput) {
  std::vector<std::int64_t> seen_positions;
  int layer = -2;
  Shape input_shape;
  model_->run_with_hooks("one two three", {{"model.layers.3.mlp", [&](const Tensor&, const HookContext& ctx) {
                                             layer = ctx.layer;
                                             seen_positions = ctx.positions.to_ints();
                                             input_shape = ctx.input->shape();
                                             return std::optional<Tensor>();
                                           }}});
  EXPECT_EQ(layer, 3);
  const auto n = std::int64_t(model_->tokenize("one two three").size());
  std::vector<std::int64_t> expected(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) expected[std::size_t(i)] = i;
  EXPECT_EQ(seen_positions, expected);
  EXPECT_EQ(input_shape, Shape({1, n, model_->config().d_model}));
}

TEST_F(DemoModel, PreHookReplacesTheInput) {
  const auto cfg = model_->config();
  Shape seen;
  const Tensor plain = model_->forward("The capital of France is");
  const Tensor zeroed = model_->run_with_hooks("The capital of France is", {},
      {{"model.layers.5.self_attn.o_proj", [&](const Tensor& in, const HookContext&) {
          seen = in.shape();
          return std::optional<Tensor>(in * 0.0f);
        }}});
  EXPECT_EQ(seen.size(), 3);
  EXPECT_EQ(seen[2], cfg.n_heads * cfg.d_head);
  EXPECT_GT(test::max_abs_diff(plain, zeroed), 0.01f);
}

// Patching the last position of o_proj's input (a pre-hook) or of self_attn's output (a post-hook)
// with values from another prompt gives the same logits.
TEST_F(DemoModel, PreHookAndPostHookPatchingAgree) {
  const std::string src = "The capital of France is", dst = "My favorite color is";
  auto [l, cache] = model_->run_with_cache(src, {"model.layers.4.self_attn.o_proj", "model.layers.4.self_attn"});
  auto last_row_from = [](const Tensor& source) {
    return [source](const Tensor& v, const HookContext&) {
      Tensor out = v.clone();
      Tensor dst_row = out.slice(1, -1, v.dim(1));
      const Tensor src_row = source.slice(1, -1, source.dim(1));
      copy_convert(src_row, dst_row);
      return std::optional<Tensor>(out);
    };
  };
  auto [l2, inputs] = model_->run_with_cache(src, {"model.layers.4.self_attn.o_proj"});
  // o_proj's input is the capture of its pre side: capture it with a pre-hook.
  Tensor o_in;
  model_->run_with_hooks(src, {}, {{"model.layers.4.self_attn.o_proj", [&](const Tensor& in, const HookContext&) {
                                      o_in = in;
                                      return std::optional<Tensor>();
                                    }}});
  const Tensor via_pre = model_->run_with_hooks(dst, {}, {{"model.layers.4.self_attn.o_proj", last_row_from(o_in)}});
  const Tensor via_post = model_->run_with_hooks(dst, {{"model.layers.4.self_attn", last_row_from(cache["model.layers.4.self_attn"])}});
  EXPECT_LE(test::max_abs_diff(via_pre, via_post), 1e-4f);
  EXPECT_GT(test::max_abs_diff(via_pre, model_->forward(dst)), 1e-3f);
}

TEST_F(DemoModel, UnknownPathListsCloseMatches) {
  const auto e = test::error_of([&] { model_->run_with_hooks("Hi", {{"model.layer.3.mlp", keep}}); });
  EXPECT_NE(e.find("no hook point matches 'model.layer.3.mlp'"), std::string::npos) << e;
  EXPECT_NE(e.find("'model.layers.3.mlp'"), std::string::npos) << e;
}

TEST_F(DemoModel, WrongShapeFromAHookNamesTheHookAndBothShapes) {
  const auto e = test::error_of([&] {
    model_->run_with_hooks("Hi", {{"model.layers.1.mlp", [](const Tensor& o, const HookContext&) {
                                     return std::optional<Tensor>(o.slice(2, 0, 10).contiguous());
                                   }}});
  });
  const std::size_t T = model_->tokenize("Hi").size();
  EXPECT_NE(e.find("'model.layers.1.mlp'"), std::string::npos) << e;
  EXPECT_NE(e.find(str("returned f32 [1, ", T, ", 10]")), std::string::npos) << e;
  EXPECT_NE(e.find(str("[1, ", T, ", 256]")), std::string::npos) << e;
}

TEST_F(DemoModel, WrongDtypeFromAHookNamesTheHookAndBothDtypes) {
  const auto e = test::error_of([&] {
    model_->run_with_hooks("Hi", {{"model.layers.0", [](const Tensor& o, const HookContext&) {
                                     return std::optional<Tensor>(o.to(DType::bf16));
                                   }}});
  });
  EXPECT_NE(e.find("'model.layers.0'"), std::string::npos) << e;
  EXPECT_NE(e.find("returned bf16"), std::string::npos) << e;
  EXPECT_NE(e.find("f32"), std::string::npos) << e;
}

TEST_F(DemoModel, AliasesNameTheSamePoints) {
  auto [l, c] = model_->run_with_cache("a b c", {"blocks.2.hook_resid_pre", "blocks.1.hook_resid_post", "model.layers.1",
                                                 "blocks.2.hook_resid_mid", "model.layers.2.hook_resid_mid",
                                                 "ln_final.hook_normalized", "model.norm", "blocks.0.attn.hook_pattern",
                                                 "model.layers.0.self_attn.hook_pattern"});
  EXPECT_EQ(test::max_abs_diff(c["blocks.1.hook_resid_post"], c["model.layers.1"]), 0.0f);
  EXPECT_EQ(test::max_abs_diff(c["blocks.2.hook_resid_pre"], c["model.layers.1"]), 0.0f);
  EXPECT_EQ(test::max_abs_diff(c["blocks.2.hook_resid_mid"], c["model.layers.2.hook_resid_mid"]), 0.0f);
  EXPECT_EQ(test::max_abs_diff(c["ln_final.hook_normalized"], c["model.norm"]), 0.0f);
  EXPECT_EQ(test::max_abs_diff(c["blocks.0.attn.hook_pattern"], c["model.layers.0.self_attn.hook_pattern"]), 0.0f);
}

TEST_F(DemoModel, PatternsAreCausalDistributionsWithAllQueryHeads) {
  const auto cfg = model_->config();
  auto [l, c] = model_->run_with_cache("The quick brown fox jumps over the lazy dog", {"model.layers.*.self_attn.hook_pattern"});
  ASSERT_EQ(c.size(), std::size_t(cfg.n_layers));
  const Tensor p = c["model.layers.3.self_attn.hook_pattern"];
  const std::int64_t T = l.dim(1);
  ASSERT_EQ(p.shape(), Shape({1, cfg.n_heads, T, T}));
  const auto v = p.to_floats();
  for (std::int64_t h = 0; h < cfg.n_heads; ++h)
    for (std::int64_t i = 0; i < T; ++i) {
      double sum = 0;
      for (std::int64_t j = 0; j < T; ++j) {
        const float x = v[std::size_t(((h * T) + i) * T + j)];
        if (j > i) {
          EXPECT_EQ(x, 0.0f);
        }
        sum += x;
      }
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
}

TEST_F(DemoModel, BatchedPromptsEqualOneByOne) {
  const std::vector<std::string> prompts = {"Once upon a time there was", "Hello", "The color of Josh's book is"};
  const Tensor batched = model_->forward(prompts);
  const auto batch = model_->prepare(prompts);
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const Tensor single = model_->forward(prompts[i]);
    const std::int64_t n = single.dim(1), start = batch.length() - n;
    EXPECT_LE(test::max_abs_diff(batched.select(0, std::int64_t(i)).slice(0, start, batch.length()), single.select(0, 0)), 1e-4f)
        << prompts[i];
  }
}

TEST_F(DemoModel, ActivationCacheSavesAndLoads) {
  auto [l, c] = model_->run_with_cache("Hello world", {"model.layers.0.mlp", "blocks.1.hook_resid_post"});
  const auto dir = std::filesystem::temp_directory_path() / ("mlux-cache-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  c.save(dir / "acts.safetensors");
  const auto back = hooks::ActivationCache::load(dir / "acts.safetensors");
  EXPECT_EQ(back.names().size(), 2u);
  EXPECT_EQ(test::max_abs_diff(back["model.layers.0.mlp"], c["model.layers.0.mlp"]), 0.0f);
  EXPECT_EQ(back.metadata().at("prompt"), "Hello world");
  c.save_npy(dir / "npy");
  EXPECT_EQ(test::max_abs_diff(io::load_npy(dir / "npy" / "blocks.1.hook_resid_post.npy"), c["blocks.1.hook_resid_post"]), 0.0f);
  std::filesystem::remove_all(dir);
}

TEST_F(DemoModel, TokenizeFollowsTheBosRuleAndEmptyPromptsAreErrors) {
  const auto ids = model_->tokenize("Hello");
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), *model_->tokenizer().bos_id());
  EXPECT_EQ(model_->tokenize("<|endoftext|>Hello"), ids);  // already starts with BOS: not added twice
  EXPECT_NE(test::error_of([&] { model_->forward(std::vector<std::int32_t>{}); }).find("empty prompt"), std::string::npos);
}

TEST_F(DemoModel, ConfigAndDescription) {
  const auto c = model_->config();
  EXPECT_EQ(c.n_layers, 8);
  EXPECT_EQ(c.n_heads, 8);
  EXPECT_EQ(c.n_kv_heads, 2);
  EXPECT_EQ(c.d_head, 32);
  EXPECT_EQ(c.layer_prefix, "model.layers");
  EXPECT_EQ(c.attention_layers.size(), 8u);
  EXPECT_EQ(model_->describe(), "HookedModel(llama, 8L/8H/32D, bf16)");
  EXPECT_FALSE(model_->quantization_bits());
  EXPECT_FALSE(model_->find_hooks("self_attn").empty());
  for (const auto& h : model_->find_hooks("mlp")) EXPECT_NE(h.find("mlp"), std::string::npos);
}

// --- every architecture: the attention a hook sees is transformers' (eager output_attentions) ---

class PatternsMatchTransformers : public testing::TestWithParam<std::string> {};

TEST_P(PatternsMatchTransformers, EveryAttentionLayer) {
  const auto dir = test::golden_dir() / GetParam();
  HookedModel m(models::CausalLM::load(dir), std::nullopt);
  auto ref = io::SafetensorsFile::open(dir / "reference.safetensors");
  const auto ids64 = ref->tensor("input_ids").to_ints();
  const std::vector<std::int32_t> ids(ids64.begin(), ids64.end());
  auto [logits, cache] = m.run_with_cache(ids, {"**.hook_pattern"});
  EXPECT_LE(test::max_abs_diff(logits, ref->tensor("logits")), 1e-4f);
  const auto cfg = m.config();
  std::size_t checked = 0;
  for (int layer : cfg.attention_layers) {
    // transformers lists only the layers that have attention (LFM2's conv layers are skipped).
    const std::string name = "attn_" + std::to_string(checked);
    ASSERT_TRUE(ref->find(name)) << name;
    const std::string path = cfg.layer_prefix + "." + std::to_string(layer) + "." +
                             (GetParam().starts_with("gpt2") ? "attn" : "self_attn") + ".hook_pattern";
    EXPECT_LE(test::max_abs_diff(cache[path], ref->tensor(name)), 1e-5f) << path;
    ++checked;
  }
  EXPECT_EQ(checked, cfg.attention_layers.size());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PatternsMatchTransformers, testing::ValuesIn(test::golden_fixtures()), test::param_name);

}  // namespace
}  // namespace mlux

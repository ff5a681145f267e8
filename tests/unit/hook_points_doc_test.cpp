// docs/hook-points.md is generated from the code (so it cannot drift), and every hook point's
// value has the shape its named dims promise, on every architecture.
//   MLUX_UPDATE_DOCS=1 ./build/release/mlux_unit_tests --gtest_filter='HookPointsDoc*'   rewrites the file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "mlux/hooks/hook_docs.h"
#include "mlux/hooks/hooked_model.h"
#include "mlux/io/atomic_file.h"
#include "mlux/nn/mlp.h"
#include "test_util.h"

namespace mlux {
namespace {

const char* kIntro = R"(# Hook points

Generated from the code by `tests/unit/hook_points_doc_test.cpp` (`MLUX_UPDATE_DOCS=1` rewrites it);
the test fails when this file and the code disagree, and checks every shape below against a real
forward pass.

Every module is a hook point named by its path, exactly as mlx-lm names it, so hook names from the
original mlux work unchanged. Internal points (`hook_*`) sit inside a module. `{i}` stands for a
layer index. Shapes use named dims: `batch`, `pos` (this call's tokens), `q_pos`/`k_pos` (queries
and keys: with a KV cache, keys include earlier positions), `head`, `kv_head`, `d_head`, `d_model`,
`d_mlp`, `vocab`.

When they fire: module points fire when the module returns (post-hooks and captures see its
output; pre-hooks see and may replace its main input); internal points fire where the value is
made. Nested points both fire, inner first. Several hooks on one point run in registration order,
each seeing the previous one's result. `hook_scores` and `hook_pattern` are only computed when
something is attached to them; otherwise attention runs its fused path (the two agree bit for bit).
Aliases are TransformerLens-style names for the same points; `hook_resid_pre` names a block's input.

Selectors accept exact paths, aliases and globs: `*` matches one path segment
(`model.layers.*` = every block output), `**` any number (`**.hook_pattern`).

)";

const std::vector<std::pair<std::string, std::string>> kArchitectures = {
    {"Llama, Mistral, Qwen2 (llama-gqa fixture)", "llama-gqa"}, {"Qwen3", "qwen3"}, {"Gemma 2", "gemma2"},
    {"Gemma 3 (multimodal checkpoint, language model)", "gemma3-mm"}, {"Phi-3", "phi3"}, {"GPT-2", "gpt2"},
    {"LFM2", "lfm2"}};

std::string generated() {
  std::string md = kIntro;
  for (const auto& [title, fixture] : kArchitectures) {
    hooks::HookedModel m(models::CausalLM::load(test::golden_dir() / fixture), std::nullopt);
    md += hooks::hook_points_markdown(title, m.points());
  }
  return md;
}

TEST(HookPointsDoc, MatchesTheCode) {
  const auto path = std::filesystem::path(MLUX_SOURCE_DIR) / "docs" / "hook-points.md";
  const std::string now = generated();
  if (std::getenv("MLUX_UPDATE_DOCS")) io::write_file_atomic(path, now);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), now) << "docs/hook-points.md is stale: rerun with MLUX_UPDATE_DOCS=1";
}

class HookShapes : public testing::TestWithParam<std::string> {};

TEST_P(HookShapes, EveryPointHasItsDocumentedShape) {
  hooks::HookedModel m(models::CausalLM::load(test::golden_dir() / GetParam()), std::nullopt);
  const auto cfg = m.config();
  const std::vector<std::int32_t> ids = {3, 1, 4, 1, 5, 9, 2};
  auto [logits, cache] = m.run_with_cache(ids, {"**"});
  const auto& layer0 = *m.model().text_model().body().layers().front();
  const auto& mlp = dynamic_cast<const nn::Mlp&>(layer0.mlp());
  const std::int64_t T = std::int64_t(ids.size());
  const std::map<std::string, std::int64_t> dims = {
      {"batch", 1}, {"pos", T}, {"q_pos", T}, {"k_pos", T}, {"head", cfg.n_heads}, {"kv_head", cfg.n_kv_heads},
      {"n_heads", cfg.n_heads}, {"n_kv_heads", cfg.n_kv_heads}, {"d_head", cfg.d_head}, {"d_model", cfg.d_model},
      {"d_mlp", mlp.spec().intermediate_size}, {"vocab", cfg.d_vocab}};
  std::size_t checked = 0;
  for (const auto& p : m.points().all()) {
    if (!cache.contains(p.path)) continue;  // modules a run never calls (none today)
    EXPECT_EQ(cache[p.path].shape(), hooks::resolve_dims(p.shape, dims)) << p.path << " documented as " << p.shape;
    ++checked;
  }
  EXPECT_EQ(checked, m.points().all().size());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HookShapes, testing::Values("llama-gqa", "qwen2", "qwen3", "gemma", "gemma2",
                                                               "gemma3-text", "gemma3-mm", "phi3", "gpt2", "lfm2",
                                                               "mistral-sliding"), test::param_name);

}  // namespace
}  // namespace mlux

#include "mlux/interp/head_scores.h"

#include <random>

#include "mlux/error.h"
#include "mlux/interp/attention_patterns.h"

namespace mlux::interp {

HeadScores head_scores(const hooks::HookedModel& m, const HeadScoreOptions& o) {
  if (o.length < 2 || o.trials < 1) fail("head scores: need length ≥ 2 and trials ≥ 1");
  const auto cfg = m.config();
  const std::int32_t bos = m.has_tokenizer() && m.tokenizer().bos_id() ? *m.tokenizer().bos_id() : 0;
  std::mt19937_64 rng(o.seed);
  // Random tokens from the upper part of the vocabulary, away from special tokens at the start.
  std::uniform_int_distribution<std::int32_t> token(std::int32_t(cfg.d_vocab / 16), std::int32_t(cfg.d_vocab - 1));
  std::vector<std::vector<std::int32_t>> rows;
  for (int t = 0; t < o.trials; ++t) {
    std::vector<std::int32_t> seq(static_cast<std::size_t>(o.length));
    for (auto& x : seq) x = token(rng);
    std::vector<std::int32_t> row = {bos};
    row.insert(row.end(), seq.begin(), seq.end());
    row.insert(row.end(), seq.begin(), seq.end());
    rows.push_back(row);
  }
  HeadScores s;
  s.layers = cfg.attention_layers;
  const auto patterns = attention_patterns(m, rows, s.layers);
  const std::int64_t L = o.length, T = 1 + 2 * L;
  for (int layer : s.layers) {
    const Tensor& p = patterns.at(layer);  // [trials, H, T, T]
    const auto v = p.to_floats();
    std::vector<float> prev(std::size_t(cfg.n_heads)), ind(std::size_t(cfg.n_heads));
    for (std::int64_t b = 0; b < o.trials; ++b)
      for (std::int64_t h = 0; h < cfg.n_heads; ++h) {
        auto at = [&](std::int64_t q, std::int64_t k) { return v[std::size_t(((b * cfg.n_heads + h) * T + q) * T + k)]; };
        double pt = 0, in = 0;
        for (std::int64_t q = 1; q < T; ++q) pt += at(q, q - 1);
        for (std::int64_t q = 1 + L; q < T; ++q) in += at(q, q - L + 1);
        prev[std::size_t(h)] += float(pt / double(T - 1) / o.trials);
        ind[std::size_t(h)] += float(in / double(L) / o.trials);
      }
    s.previous_token.push_back(prev);
    s.induction.push_back(ind);
  }
  return s;
}

}  // namespace mlux::interp

#include "mlux/generate/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlux/error.h"

namespace mlux::generate {

Sampler::Sampler(SamplerOptions o) : options_(o), rng_(o.seed) {
  if (!(o.temperature >= 0.0f)) fail("sampler: temperature must be ≥ 0, got ", o.temperature);
  if (o.top_k < 0) fail("sampler: top_k must be ≥ 0, got ", o.top_k);
  if (!(o.top_p > 0.0f && o.top_p <= 1.0f)) fail("sampler: top_p must be in (0, 1], got ", o.top_p);
  if (!(o.min_p >= 0.0f && o.min_p < 1.0f)) fail("sampler: min_p must be in [0, 1), got ", o.min_p);
  if (!(o.repetition_penalty > 0.0f)) fail("sampler: repetition_penalty must be > 0, got ", o.repetition_penalty);
}

std::int32_t Sampler::sample(std::span<const float> logits, std::span<const std::int32_t> history) {
  const std::size_t V = logits.size();
  if (V == 0) fail("sampler: empty logits");
  work_.assign(logits.begin(), logits.end());
  if (options_.repetition_penalty != 1.0f) {
    // Each id seen is penalised once, however often it occurred (as transformers' gather/scatter).
    seen_.assign(V, 0);
    for (std::int32_t id : history) {
      if (id < 0 || std::size_t(id) >= V || seen_[std::size_t(id)]) continue;
      seen_[std::size_t(id)] = 1;
      float& l = work_[std::size_t(id)];
      l = l > 0.0f ? l / options_.repetition_penalty : l * options_.repetition_penalty;
    }
  }
  if (options_.temperature == 0.0f)
    return std::int32_t(std::max_element(work_.begin(), work_.end()) - work_.begin());

  // Candidates sorted by logit (descending), cut by top-k.
  order_.resize(V);
  std::iota(order_.begin(), order_.end(), 0);
  std::size_t keep = options_.top_k > 0 ? std::min<std::size_t>(std::size_t(options_.top_k), V) : V;
  auto by_logit = [&](std::int32_t a, std::int32_t b) { return work_[std::size_t(a)] > work_[std::size_t(b)]; };
  if (keep < V) std::partial_sort(order_.begin(), order_.begin() + std::ptrdiff_t(keep), order_.end(), by_logit);
  else std::sort(order_.begin(), order_.end(), by_logit);

  // Softmax over the kept candidates at this temperature.
  const double top = work_[std::size_t(order_[0])] / options_.temperature;
  probs_.resize(keep);
  double z = 0;
  for (std::size_t i = 0; i < keep; ++i) z += probs_[i] = std::exp(work_[std::size_t(order_[i])] / options_.temperature - top);
  for (std::size_t i = 0; i < keep; ++i) probs_[i] /= z;
  if (options_.top_p < 1.0f) {  // smallest prefix whose mass reaches top_p (at least one token)
    double mass = 0;
    std::size_t n = 0;
    while (n < keep && mass < options_.top_p) mass += probs_[n++];
    keep = std::max<std::size_t>(n, 1);
  }
  if (options_.min_p > 0.0f) {
    const double floor = options_.min_p * probs_[0];
    std::size_t n = 1;
    while (n < keep && probs_[n] >= floor) ++n;
    keep = n;
  }
  std::discrete_distribution<std::size_t> pick(probs_.begin(), probs_.begin() + std::ptrdiff_t(keep));
  return order_[pick(rng_)];
}

}  // namespace mlux::generate

// Sampler: picks the next token from a row of logits. The steps, in transformers' order:
// repetition penalty over the ids seen so far, then either argmax (temperature 0) or temperature,
// top-k, top-p (nucleus) and min-p filtering, and a draw from the renormalised distribution with
// a seeded generator. Scratch buffers are kept between calls, so sampling allocates nothing.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace mlux::generate {

struct SamplerOptions {
  float temperature = 0.0f;         // 0: greedy (argmax)
  int top_k = 0;                    // keep the k most likely tokens; 0: off
  float top_p = 1.0f;               // keep the smallest set whose probability reaches p; 1: off
  float min_p = 0.0f;               // drop tokens below min_p × the top probability; 0: off
  float repetition_penalty = 1.0f;  // > 1 discourages ids already seen (CTRL / transformers rule); 1: off
  std::uint64_t seed = 0;
};

class Sampler {
 public:
  /// Throws Error for out-of-range options (negative temperature, top_p outside (0, 1], ...).
  explicit Sampler(SamplerOptions options);

  /// The next id for `logits` [V], with `history` the ids of the sequence so far.
  std::int32_t sample(std::span<const float> logits, std::span<const std::int32_t> history);
  const SamplerOptions& options() const { return options_; }

 private:
  SamplerOptions options_;
  std::mt19937_64 rng_;
  std::vector<float> work_;            // adjusted logits
  std::vector<std::int32_t> order_;    // candidate ids
  std::vector<double> probs_;
  std::vector<std::uint8_t> seen_;     // ids already penalised
};

}  // namespace mlux::generate

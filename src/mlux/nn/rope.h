// RopeSpec: a rotary embedding's parameters as read from config.json, and rope_frequencies():
// the inverse frequencies and attention factor for a given sequence length. One function holds
// every scaling variant (default, linear, dynamic NTK, YaRN, LongRoPE, Llama 3), computed with
// the same f32 arithmetic as transformers' ROPE_INIT_FUNCTIONS so positions rotate identically.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace mlux::nn {

enum class RopeScaling { none, linear, dynamic, yarn, longrope, llama3 };

struct RopeSpec {
  RopeScaling scaling = RopeScaling::none;
  double theta = 10000.0;                       // rope_theta
  std::int64_t rotary_dim = 0;                  // head_dim · partial_rotary_factor
  double factor = 1.0;                          // linear, dynamic, yarn, llama3 (longrope: derived if absent)
  std::optional<double> factor_given;           // longrope/yarn distinguish "absent" from a value
  double low_freq_factor = 1.0;                 // llama3
  double high_freq_factor = 4.0;                // llama3
  std::int64_t original_max_position_embeddings = 0;  // llama3, yarn, longrope
  std::int64_t max_position_embeddings = 0;     // dynamic, longrope, yarn
  std::optional<double> attention_factor;       // yarn, longrope
  double beta_fast = 32.0, beta_slow = 1.0;     // yarn
  std::optional<double> mscale, mscale_all_dim; // yarn
  bool truncate = true;                         // yarn: floor/ceil the correction range
  std::vector<double> short_factor, long_factor;  // longrope, rotary_dim/2 each
};

struct RopeFrequencies {
  std::vector<float> inv_freq;   // rotary_dim / 2
  float attention_factor = 1.0f; // multiplies cos and sin
};

/// Frequencies for a call whose largest position + 1 is `seq_len` (only dynamic and longrope
/// depend on it).
RopeFrequencies rope_frequencies(const RopeSpec& spec, std::int64_t seq_len);

/// True when the frequencies change with the sequence length (recomputed per call).
inline bool rope_depends_on_length(const RopeSpec& s) {
  return s.scaling == RopeScaling::dynamic || s.scaling == RopeScaling::longrope;
}

}  // namespace mlux::nn

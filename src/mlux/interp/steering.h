// Contrastive steering: a direction in the residual stream taken as the difference between what a
// layer holds for positive and for negative prompts (last token, or the mean over tokens; several
// pairs averaged; computed in f32), then added — scaled by alpha — at one or several layers, at every
// position or a range of positions, during the prompt and every generated token.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "mlux/generate/generator.h"
#include "mlux/hooks/hooked_model.h"

namespace mlux::interp {

enum class SteeringMethod { last_token, mean_tokens };

struct SteeringVector {
  Tensor vector;                                          // [d_model] f32
  int layer = 0;                                          // where it was read
  std::string hook;                                       // the hook point it was read at
  SteeringMethod method = SteeringMethod::last_token;
  std::vector<std::pair<std::string, std::string>> pairs; // (positive, negative) prompts
  std::string model;                                      // the model directory
  float norm() const;

  /// safetensors: tensor "steering_vector", metadata model/layer/hook/method/prompts/norm.
  void save(const std::filesystem::path& path) const;
  static SteeringVector load(const std::filesystem::path& path);
};

struct ContrastOptions {
  SteeringMethod method = SteeringMethod::last_token;
};

/// The mean over pairs of (positive − negative) at the output of block `layer`.
SteeringVector compute_steering_vector(const hooks::HookedModel& model,
                                       const std::vector<std::pair<std::string, std::string>>& pairs, int layer,
                                       const ContrastOptions& options = {});

struct SteerOptions {
  std::vector<int> layers;   // empty: the vector's own layer
  float alpha = 1.0f;
  int first_position = 0;    // absolute positions that get the vector: [first, last]
  int last_position = -1;    // -1: no end (every generated token too)
};

/// Hooks that add alpha × vector to the block outputs (shapes checked at run time).
void add_steering(hooks::HookSet& hooks, const hooks::HookedModel& model, const SteeringVector& v, const SteerOptions& options);

/// The original mlux's rule of thumb: 50 / max(norm, 1) clamped to [0.1, 2], × 0.5 ("subtle"),
/// 1 ("moderate") or 1.5 ("strong").
float suggest_alpha(const SteeringVector& v, const std::string& strength = "moderate");

/// Generations of one prompt at several alphas, run as one batch (one row per alpha).
std::vector<std::string> compare_alphas(const hooks::HookedModel& model, const hooks::ModelInput& prompt,
                                        const SteeringVector& v, const std::vector<float>& alphas,
                                        const generate::GenerateOptions& options, const SteerOptions& where = {});

}  // namespace mlux::interp

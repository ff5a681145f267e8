// The models mlux offers before anything is downloaded: the original mlux's DEFAULT_MODELS
// (instruct) and its base-model explorer's base defaults, all mlx-community 4-bit conversions.
// `mlux models` marks those not in the cache as "not downloaded"; the explorers list them.
#pragma once

#include <string_view>
#include <vector>

namespace mlux::io::hub {

enum class ModelKind { instruct, base };

struct DefaultModel {
  std::string_view repo_id;
  ModelKind kind;
};

/// Instruct models first, in the original's order, then the base models.
const std::vector<DefaultModel>& default_models();

}  // namespace mlux::io::hub

// The architecture families mlux runs, in one table (registry.cpp). A family file (llama.cpp,
// gemma.cpp, phi3.cpp, gpt2.cpp, lfm2.cpp) states only how it differs from the shared decoder:
// its config defaults, key renames, default layer pattern, spec and checkpoint key mapping.
//
// To add a family: write models/<family>.cpp defining `Family <family>_family()`, declare it
// below, and add it to the table in registry.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mlux/io/json.h"
#include "mlux/models/model_config.h"
#include "mlux/nn/transformer.h"

namespace mlux::models {

/// Where a checkpoint's names come from: transformers (HF) or mlx-lm (already sanitized).
enum class Convention { hf, mlx };

/// What a checkpoint tensor becomes in the module tree.
struct KeyMapping {
  std::string key;         // module path + "." + parameter name
  bool transpose = false;  // GPT-2 Conv1D stores [in, out]
};

struct Family {
  std::string name;
  std::vector<std::string> model_types;
  /// transformers' config-class defaults for keys a config.json may omit.
  io::Json (*defaults)(const std::string& model_type) = nullptr;
  /// Renames family-specific keys to the common spelling (GPT-2's n_embd → hidden_size). Optional.
  /// `src` names the config.json in errors.
  void (*normalize)(io::Json& cfg, const std::string& src) = nullptr;
  /// Layer pattern when config.json has no layer_types. Optional (default: all full attention).
  std::vector<nn::LayerType> (*default_layer_types)(const io::Json& cfg, std::int64_t n_layers, const std::string& src) = nullptr;
  /// The module tree's spec.
  nn::TransformerSpec (*build)(const ModelConfig& cfg) = nullptr;
  /// Checkpoint name → module key, nullopt to drop it. Optional (default: identity).
  std::optional<KeyMapping> (*map_key)(const std::string& key, Convention c, const ModelConfig& cfg) = nullptr;
};

/// The family of a model_type; throws Error listing the supported types.
const Family& family_for(const std::string& model_type, const std::string& source);
std::vector<std::string> supported_model_types();

Family llama_family();
Family gemma_family();
Family phi3_family();
Family gpt2_family();
Family lfm2_family();

}  // namespace mlux::models

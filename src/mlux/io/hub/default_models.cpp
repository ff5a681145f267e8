#include "mlux/io/hub/default_models.h"

namespace mlux::io::hub {

const std::vector<DefaultModel>& default_models() {
  static const std::vector<DefaultModel> models = {
      {"mlx-community/gemma-2-2b-it-4bit", ModelKind::instruct},
      {"mlx-community/Llama-3.1-8B-Instruct-4bit", ModelKind::instruct},
      {"mlx-community/Qwen2.5-7B-Instruct-4bit", ModelKind::instruct},
      {"mlx-community/DeepSeek-R1-Distill-Qwen-1.5B-4bit", ModelKind::base},
      {"mlx-community/Qwen2.5-7B-4bit", ModelKind::base},
      {"mlx-community/gemma-2-9b-4bit", ModelKind::base},
      {"mlx-community/Meta-Llama-3.1-8B-4bit", ModelKind::base},
  };
  return models;
}

}  // namespace mlux::io::hub

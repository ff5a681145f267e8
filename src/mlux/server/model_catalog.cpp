#include "mlux/server/model_catalog.h"

#include <algorithm>
#include <string>
#include <vector>

namespace mlux::server {
namespace {

struct DefaultModel {
  const char* id;
  const char* group;
};

// The original's DEFAULT_MODELS and its base explorer's base defaults.
// TODO(issue 7, hub): take these from io::hub::default_models() and add the HF cache's models
// (io::hub::list_cached_models) once the hub work is on main.
const DefaultModel kDefaults[] = {
    {"mlx-community/gemma-2-2b-it-4bit", "instruct"},
    {"mlx-community/Llama-3.1-8B-Instruct-4bit", "instruct"},
    {"mlx-community/Qwen2.5-7B-Instruct-4bit", "instruct"},
    {"mlx-community/DeepSeek-R1-Distill-Qwen-1.5B-4bit", "base"},
    {"mlx-community/Qwen2.5-7B-4bit", "base"},
    {"mlx-community/gemma-2-9b-4bit", "base"},
    {"mlx-community/Meta-Llama-3.1-8B-4bit", "base"},
};

std::string short_name(const std::string& id) {
  const std::string prefix = "mlx-community/";
  return id.rfind(prefix, 0) == 0 ? id.substr(prefix.size()) : id;
}

}  // namespace

nlohmann::json model_catalog(const ModelManager& models) {
  const auto current = models.current()->id;
  auto list = nlohmann::json::array();
  std::vector<std::string> seen;
  auto add = [&](const std::string& id, const std::string& group, bool cached, const std::string& display) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) return;
    seen.push_back(id);
    list.push_back({{"id", id}, {"display", display}, {"group", group}, {"cached", cached}});
  };
  add(kDemoModelId, "demo", true, "mlux demo model (embedded)");
  for (const auto& id : models.history()) add(id, "recent", true, short_name(id));
  for (const auto& d : kDefaults) add(d.id, d.group, false, short_name(d.id) + " (not downloaded)");
  return {{"current", current},
          {"downloads", false},
          {"note", "Downloading from Hugging Face is not built into this mlux yet. Download a model with "
                   "`huggingface-cli download ID` (or git clone it) and enter its directory below, or start "
                   "`mlux serve --model DIR`."},
          {"models", list}};
}

}  // namespace mlux::server

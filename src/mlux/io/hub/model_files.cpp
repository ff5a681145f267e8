#include "mlux/io/hub/model_files.h"

#include <algorithm>
#include <set>

#include "mlux/error.h"
#include "mlux/io/json.h"

namespace mlux::io::hub {
namespace fs = std::filesystem;
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// mlx-lm's glob: top-level model*.safetensors.
bool is_model_shard_name(std::string_view name) {
  return name.find('/') == std::string_view::npos && name.rfind("model", 0) == 0 && ends_with(name, ".safetensors");
}

std::string what_repo_has(const std::vector<std::string>& files) {
  std::vector<std::string> notable;
  for (const auto& f : files)
    if (ends_with(f, ".gguf") || ends_with(f, ".bin") || ends_with(f, ".pt") || ends_with(f, ".pth") ||
        ends_with(f, ".safetensors") || ends_with(f, ".onnx") || ends_with(f, ".h5"))
      notable.push_back(f);
  if (notable.empty()) return "it has no weight files at all";
  std::string out = "it has ";
  for (std::size_t i = 0; i < notable.size() && i < 4; ++i) out += (i ? ", '" : "'") + notable[i] + "'";
  if (notable.size() > 4) out += str(" and ", notable.size() - 4, " more");
  return out;
}

}  // namespace

const std::vector<std::string>& optional_model_files() {
  static const std::vector<std::string> files = {
      "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
      "chat_template.jinja",    "chat_template.json"};
  return files;
}

bool is_safe_repo_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos)
    return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

ModelFiles select_model_files(const std::vector<std::string>& repo_files, std::string_view repo) {
  const std::set<std::string, std::less<>> have(repo_files.begin(), repo_files.end());
  if (!have.count(kConfigFile))
    fail("pull: '", repo, "' has no config.json, so it is not a transformers/MLX model (", what_repo_has(repo_files),
         "). mlux runs models stored as config.json + safetensors, e.g. the mlx-community conversions.");
  ModelFiles out;
  out.metadata.emplace_back(kConfigFile);
  for (const auto& f : optional_model_files())
    if (have.count(f)) out.metadata.push_back(f);
  if (have.count(kIndexFile)) {
    out.index = std::string(kIndexFile);
  } else if (have.count("model.safetensors")) {
    out.weights.emplace_back("model.safetensors");
  } else {
    for (const auto& f : repo_files)
      if (is_model_shard_name(f)) out.weights.push_back(f);
    std::sort(out.weights.begin(), out.weights.end());
  }
  if (!out.index && out.weights.empty())
    fail("pull: '", repo, "' has no safetensors weights named model*.safetensors (", what_repo_has(repo_files),
         "). mlux reads safetensors only; look for a safetensors or mlx-community version of this model.");
  return out;
}

std::vector<std::string> shards_from_index(const fs::path& index_file) {
  const Json index = read_json_file(index_file);
  const auto map = index.find("weight_map");
  if (!index.is_object() || map == index.end() || !map->is_object() || map->empty())
    fail(index_file.string(), ": no \"weight_map\" object naming the shard files. Re-download the model.");
  std::set<std::string> shards;
  for (const auto& [tensor, file] : map->items()) {
    if (!file.is_string() || !is_safe_repo_path(file.get<std::string>()))
      fail(index_file.string(), ": tensor '", tensor, "' maps to ", file.dump(),
           ", which is not a file name inside the model. Re-download the model.");
    shards.insert(file.get<std::string>());
  }
  return {shards.begin(), shards.end()};
}

std::vector<std::string> missing_model_files(const fs::path& dir, ModelParts parts) {
  std::error_code ec;
  auto present = [&](std::string_view f) { return fs::is_regular_file(dir / std::string(f), ec); };
  std::vector<std::string> missing;
  if (!present(kConfigFile)) missing.emplace_back(kConfigFile);
  if (parts == ModelParts::tokenizer) return missing;
  if (present(kIndexFile)) {
    for (const auto& shard : shards_from_index(dir / std::string(kIndexFile)))
      if (!present(shard)) missing.push_back(shard);
    return missing;
  }
  if (present("model.safetensors")) return missing;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (is_model_shard_name(e.path().filename().string()) && present(e.path().filename().string())) return missing;
  missing.emplace_back("model.safetensors (or model-*.safetensors shards)");
  return missing;
}

}  // namespace mlux::io::hub

#include "mlux/server/model_catalog.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "mlux/io/hub/cached_models.h"
#include "mlux/io/hub/default_models.h"
#include "mlux/io/hub/environment.h"

namespace mlux::server {
namespace {

std::string short_name(const std::string& id) {
  const std::string prefix = "mlx-community/";
  return id.rfind(prefix, 0) == 0 ? id.substr(prefix.size()) : id;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// The original base explorer's rule for cached models: instruct when the name says so.
bool looks_instruct(std::string id) {
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  for (const char* mark : {"instruct", "-it-", "-it_", "-it.", "-chat"})
    if (id.find(mark) != std::string::npos) return true;
  return ends_with(id, "-it");
}

/// Repo ids with a complete snapshot in the HF cache ([] when the cache cannot be read).
std::vector<std::string> cached_ids(const std::filesystem::path& cache_dir) {
  std::vector<std::string> out;
  try {
    for (const auto& m : io::hub::list_cached_models(cache_dir))
      if (std::any_of(m.snapshots.begin(), m.snapshots.end(), [](const auto& s) { return s.complete; })) out.push_back(m.repo_id);
  } catch (const Error&) {
  }
  return out;
}

}  // namespace

nlohmann::json model_catalog(const ModelManager& models) {
  const auto env = io::hub::HubEnvironment::from_process();
  const auto cached = cached_ids(env.cache_dir);
  const auto is_cached = [&](const std::string& id) { return std::find(cached.begin(), cached.end(), id) != cached.end(); };
  auto list = nlohmann::json::array();
  std::vector<std::string> seen;
  auto add = [&](const std::string& id, const std::string& group, bool here, const std::string& display) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) return;
    seen.push_back(id);
    list.push_back({{"id", id}, {"display", display}, {"group", group}, {"cached", here}});
  };
  add(kDemoModelId, "demo", true, "mlux demo model (embedded)");
  for (const auto& id : models.history()) add(id, "recent", true, short_name(id));
  for (const auto& d : io::hub::default_models()) {
    const std::string id(d.repo_id);
    add(id, d.kind == io::hub::ModelKind::instruct ? "instruct" : "base", is_cached(id),
        short_name(id) + (is_cached(id) ? "" : " (select to download)"));
  }
  for (const auto& id : cached) add(id, looks_instruct(id) ? "instruct" : "base", true, short_name(id));
  const std::string note = env.offline
      ? "Downloads are off (HF_HUB_OFFLINE is set): download the model elsewhere into " + env.cache_dir.string() +
            ", or enter a model directory below."
      : "Models not in the Hugging Face cache (" + env.cache_dir.string() + ") are downloaded when picked.";
  return {{"current", models.current()->id}, {"downloads", !env.offline}, {"note", note},
          {"cache_dir", env.cache_dir.string()}, {"models", list}};
}

}  // namespace mlux::server

// `mlux pull ID[@REV] [--json]`: downloads what a hub model needs into the Hugging Face cache
// (progress on stderr) and prints where it is. Pulling a model already cached costs one request.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/cli/download_progress.h"
#include "mlux/error.h"
#include "mlux/io/hub/pull.h"
#include "mlux/io/hub/resolve.h"

namespace mlux::cli {
namespace {

int run(const std::string& id, bool json) {
  if (io::hub::is_local_model_ref(id))
    fail("pull: '", id, "' is a directory on disk; pull takes a Hugging Face id such as 'mlx-community/gemma-2-2b-it-4bit'.");
  const auto ref = io::hub::parse_model_ref(id);
  const auto env = io::hub::HubEnvironment::from_process();
  if (env.offline)
    fail("pull: HF_HUB_OFFLINE is set, so mlux may not use the network. Unset it (and TRANSFORMERS_OFFLINE) to download '",
         ref.to_string(), "'.");
  io::hub::FetchOptions fetch;
  fetch.progress = download_progress();
  const auto result = io::hub::pull_model(ref, env, fetch);
  if (json) {
    nlohmann::json j = {{"model", ref.repo_id}, {"revision", ref.revision}, {"commit", result.commit},
                        {"path", result.snapshot_dir.string()}, {"files", result.files},
                        {"bytes_downloaded", result.bytes_downloaded}};
    std::puts(j.dump().c_str());
    return 0;
  }
  std::printf("%s (%s, commit %.7s): %zu files, %s downloaded\n  %s\n", ref.repo_id.c_str(), ref.revision.c_str(),
              result.commit.c_str(), result.files.size(),
              result.bytes_downloaded ? format_bytes(result.bytes_downloaded).c_str() : "nothing",
              result.snapshot_dir.c_str());
  return 0;
}

CommandRegistrar reg("pull", "Download a model from the Hugging Face hub into the shared cache", [](CLI::App& app) {
  auto id = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  app.add_option("model", *id, "Hugging Face id, 'org/name' or 'org/name@revision'")->required();
  app.add_flag("--json", *json, "Print JSON");
  return [id, json] { return run(*id, *json); };
});

}  // namespace
}  // namespace mlux::cli

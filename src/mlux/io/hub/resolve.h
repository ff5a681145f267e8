// resolve_model: the one entry point the rest of mlux calls with what a user typed after --model.
// A directory on disk is used as it is; anything else is a hub id ("org/name[@revision]") whose
// snapshot in the huggingface_hub cache is returned, downloading what is missing unless offline.
//
//   auto dir = io::hub::resolve_model("mlx-community/gemma-2-2b-it-4bit");
//   auto model = models::CausalLM::load(dir);
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "mlux/io/hub/cache_fetch.h"
#include "mlux/io/hub/environment.h"
#include "mlux/io/hub/model_files.h"
#include "mlux/io/hub/model_ref.h"

namespace mlux::io::hub {

struct ResolveOptions {
  std::optional<HubEnvironment> env;  // default: HubEnvironment::from_process()
  FetchOptions fetch;                 // retries and progress of downloads
  ModelParts parts = ModelParts::everything;  // tokenizer: skip the weights
  bool allow_download = true;         // false: like HF_HUB_OFFLINE=1 for this call
};

/// A local model directory for `ref`. For hub ids online: one listing request, then downloads of
/// missing files; if the hub cannot be reached, a complete cached snapshot of the same revision
/// is used (reported as DownloadEventKind::using_cache). Offline: the cache only. Throws Error
/// saying what is missing and where it looked.
std::filesystem::path resolve_model(std::string_view ref, const ResolveOptions& opt = {});

/// The progress callback resolve_model uses when ResolveOptions::fetch.progress is empty, so
/// every caller (HookedModel::from_pretrained included) reports downloads the same way in one
/// process. The `mlux` binary registers its terminal renderer at start-up; default: none. Set it
/// before any download starts (it is not synchronised).
void set_default_progress(ProgressCallback progress);

/// Whether `ref` names a model on disk rather than on the hub: an existing directory, or text
/// shaped like a path ("/…", "./…", "../…", "~/…").
bool is_local_model_ref(std::string_view ref);

/// The complete cached snapshot `ref` names, without any network; nullopt when there is none.
std::optional<std::filesystem::path> find_cached_model(const ModelRef& ref, const std::filesystem::path& cache_dir,
                                                      ModelParts parts = ModelParts::everything);

}  // namespace mlux::io::hub

// pull_model: brings a model's files from the hub into the cache, as huggingface_hub's
// snapshot_download would with an allow-list: list the repo's files at the revision (one API
// call), pick the ones mlux needs (model_files.h), fetch each missing one (cache_fetch.h), and
// only then record refs/<revision>, so a ref mlux writes points at a snapshot with everything the
// pull was asked for. Files already in the snapshot cost no request at all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mlux/io/hub/cache_fetch.h"
#include "mlux/io/hub/environment.h"
#include "mlux/io/hub/model_files.h"
#include "mlux/io/hub/model_ref.h"

namespace mlux::io::hub {

struct PullResult {
  std::filesystem::path snapshot_dir;  // <cache>/models--org--name/snapshots/<commit>
  std::string commit;
  std::vector<std::string> files;      // the model's files, all present in snapshot_dir
  std::uint64_t bytes_downloaded = 0;
};

/// Needs the network (ignores env.offline: callers decide). Throws Error for a missing or
/// refused model, NetworkError when the hub cannot be reached before any download starts.
PullResult pull_model(const ModelRef& ref, const HubEnvironment& env, const FetchOptions& opt = {},
                      ModelParts parts = ModelParts::everything);

}  // namespace mlux::io::hub

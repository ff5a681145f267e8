// What the huggingface_hub cache holds (models only; datasets and spaces are skipped), whoever
// downloaded it, and removing a model from it. For `mlux models` / `mlux rm` and the server.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/io/hub/environment.h"

namespace mlux::io::hub {

struct CachedSnapshot {
  std::string commit;
  std::vector<std::string> refs;  // revisions pointing here ("main", "refs/pr/1"), sorted
  bool complete = false;          // has config.json and every weight file (model_files.h)
};

struct CachedModel {
  std::string repo_id;                    // "org/name"
  std::filesystem::path repo_dir;         // <cache>/models--org--name
  std::vector<CachedSnapshot> snapshots;  // the one refs/main names first, then by commit
  std::uint64_t size_on_disk = 0;         // every blob, partial downloads included
  bool partial_download = false;          // some blobs/*.incomplete is waiting to be resumed
  std::string model_type;                 // config.json of the first snapshot ("" if unreadable)
  std::string weights;                    // "4-bit (group 64)", "bfloat16", ... ("" if unknown)
};

/// Every model repo in the cache, sorted by id; [] when the cache does not exist.
std::vector<CachedModel> list_cached_models(const std::filesystem::path& cache_dir = HubEnvironment::from_process().cache_dir);

/// Deletes a model (every revision) and its lock folder from the cache; returns the bytes freed.
/// Throws Error for an id that is not cached or not an id, or a revision ("org/name@rev").
std::uint64_t remove_cached_model(std::string_view repo_id,
                                  const std::filesystem::path& cache_dir = HubEnvironment::from_process().cache_dir);

/// How a config.json says the weights are stored: MLX "quantization" {bits, group_size} →
/// "4-bit (group 64)", transformers "quantization_config" → its quant_method, else
/// "torch_dtype" / "dtype" ("bfloat16"). "" when it says nothing.
std::string describe_weights(const std::filesystem::path& config_file);

}  // namespace mlux::io::hub

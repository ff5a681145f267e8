// HubEnvironment: where the Hugging Face cache is, which server to talk to, with which token, and
// whether talking is allowed at all. Read from the same environment variables huggingface_hub
// reads, with the same defaults, so mlux and Python tools share one cache
// (../shared/spec/model-formats.md §9.1; docs/hub.md).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mlux::io::hub {

/// Looks up one environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct HubEnvironment {
  std::string endpoint = "https://huggingface.co";  // HF_ENDPOINT, no trailing '/'
  std::filesystem::path cache_dir;                  // HF_HUB_CACHE, else $HF_HOME/hub
  std::optional<std::string> token;                 // HF_TOKEN, else the token file
  bool offline = false;                             // HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE
  std::chrono::seconds metadata_timeout{10};        // HF_HUB_ETAG_TIMEOUT: HEAD and API calls
  std::chrono::seconds download_timeout{10};        // HF_HUB_DOWNLOAD_TIMEOUT: connect, stall

  /// From this process's environment.
  static HubEnvironment from_process();
  /// From any lookup (tests pass a map). Unset and empty variables count as unset.
  static HubEnvironment from(const EnvLookup& env);
};

/// huggingface_hub's truthy values: "1", "ON", "YES", "TRUE" in any case.
bool env_is_true(const std::optional<std::string>& value);

/// Python's os.path.expandvars(os.path.expanduser(path)): a leading '~' becomes $HOME, and
/// $NAME / ${NAME} become their values (unknown names are left as written).
std::string expand_path(std::string_view path, const EnvLookup& env);

}  // namespace mlux::io::hub

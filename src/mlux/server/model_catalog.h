// The models the dropdown offers: the demo model, those loaded since the server started, the
// original mlux's default models (instruct and base, each marked cached or not), and every other
// complete model in the Hugging Face cache, grouped instruct or base by its name.
#pragma once

#include <nlohmann/json.hpp>

#include "mlux/server/model_manager.h"

namespace mlux::server {

/// {"current": id, "downloads": bool, "note": text, "cache_dir", "models": [{id, display, group, cached}]};
/// group is "demo", "recent", "instruct" or "base".
nlohmann::json model_catalog(const ModelManager& models);

}  // namespace mlux::server

// ModelManager: the one model every page shares, and switching it. A switch resolves the
// reference (a directory, the demo model, or — through the hub — a Hugging Face id), loads it
// while the old model keeps serving, and swaps only on success: a failed load leaves the previous
// model in place. Readers take a shared_ptr snapshot, so a swap never pulls a model out from under
// a running request. The work lock (work_lock.h) serialises model jobs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mlux/hooks/hooked_model.h"
#include "mlux/server/work_lock.h"
#include "mlux/tokenizer/chat_template.h"

namespace mlux::server {

/// The id the demo model goes by in the model list and in requests ("" means it too).
inline constexpr const char* kDemoModelId = "demo";

struct LoadedModel {
  std::string id;                                  // as requested ("demo", "org/name", a directory)
  std::shared_ptr<const hooks::HookedModel> model;
  std::optional<tokenizer::ChatTemplate> chat;     // nullopt: the model has no chat template
  std::string chat_error;                          // why not
};

/// A step of a load, for the progress bar: stage "resolve", "download" (with file and bytes),
/// "load", then "ready".
struct LoadEvent {
  std::string stage;
  std::string message;
  std::string file;
  std::uint64_t bytes_done = 0, bytes_total = 0;
};

class ModelManager {
 public:
  /// Loads `initial` (throws Error when it cannot, since there is nothing to fall back on).
  explicit ModelManager(const std::string& initial);

  std::shared_ptr<const LoadedModel> current() const;
  /// Loads `id` and makes it current; throws Error (the current model stays) when it fails.
  /// `progress` hears each step; it runs on the caller's thread.
  std::shared_ptr<const LoadedModel> load(const std::string& id, const std::function<void(const LoadEvent&)>& progress = {});
  /// Every id loaded since start, most recent first (the dropdown offers them again).
  std::vector<std::string> history() const;

  WorkLock& work() { return work_; }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const LoadedModel> current_;
  std::vector<std::string> history_;
  WorkLock work_;
};

/// The display name of a model id ("demo" → "mlux demo model").
std::string display_name(const std::string& id);

}  // namespace mlux::server

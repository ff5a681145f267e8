#include "mlux/server/model_manager.h"

#include <algorithm>

#include "mlux/io/hub/download_event.h"
#include "mlux/models/locate.h"

namespace mlux::server {
namespace {

std::string normalise(const std::string& id) { return id.empty() ? kDemoModelId : id; }

LoadEvent download_event(const io::hub::DownloadEvent& e) {
  using K = io::hub::DownloadEventKind;
  std::string what;
  switch (e.kind) {
    case K::file_started:
    case K::file_progress: what = "downloading " + e.file; break;
    case K::file_finished: what = "downloaded " + e.file; break;
    case K::file_cached: what = e.file + " is already in the cache"; break;
    case K::waiting_for_lock: what = "waiting for another download of " + e.file; break;
    case K::retrying: what = "retrying " + e.file + ": " + e.message; break;
    case K::using_cache: what = "the hub cannot be reached; using the cached copy (" + e.message + ")"; break;
  }
  return {.stage = "download", .message = what, .file = e.file, .bytes_done = e.bytes_done, .bytes_total = e.bytes_total};
}

std::shared_ptr<const LoadedModel> load_model(const std::string& id, const std::function<void(const LoadEvent&)>& progress) {
  auto say = [&](LoadEvent e) {
    if (progress) progress(e);
  };
  say({.stage = "resolve", .message = "finding " + display_name(id)});
  io::hub::ResolveOptions hub;  // without a listener, downloads report to the process default (the terminal)
  if (progress) hub.fetch.progress = [&](const io::hub::DownloadEvent& e) { progress(download_event(e)); };
  const auto dir = models::locate_model(id == kDemoModelId ? std::string() : id, hub);
  say({.stage = "load", .message = "loading " + dir.string()});
  auto out = std::make_shared<LoadedModel>();
  out->id = id;
  out->model = hooks::HookedModel::from_pretrained(dir.string());
  try {
    out->chat = tokenizer::ChatTemplate::from_directory(dir);
  } catch (const Error& e) {
    out->chat_error = e.what();
  }
  say({.stage = "ready", .message = out->model->describe()});
  return out;
}

}  // namespace

std::string display_name(const std::string& id) { return id.empty() || id == kDemoModelId ? "mlux demo model" : id; }

ModelManager::ModelManager(const std::string& initial) {
  current_ = load_model(normalise(initial), {});
  history_.push_back(current_->id);
}

std::shared_ptr<const LoadedModel> ModelManager::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::shared_ptr<const LoadedModel> ModelManager::load(const std::string& id, const std::function<void(const LoadEvent&)>& progress) {
  auto loaded = load_model(normalise(id), progress);  // throws before anything changes
  std::lock_guard lock(mu_);
  current_ = loaded;
  history_.erase(std::remove(history_.begin(), history_.end(), loaded->id), history_.end());
  history_.insert(history_.begin(), loaded->id);
  return current_;
}

std::vector<std::string> ModelManager::history() const {
  std::lock_guard lock(mu_);
  return history_;
}

}  // namespace mlux::server

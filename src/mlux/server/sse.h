// Server-sent events over a chunked response: each event is one "data: <json>\n\n" frame. The
// writer remembers when a write fails — the client went away (closed the tab, pressed Stop) — so
// long work polls `open()` from its progress callbacks (generation's on_token, patching's and
// ablation's progress) and stops instead of computing for nobody.
#pragma once

#include <chrono>
#include <functional>

#include <nlohmann/json.hpp>

namespace httplib {
class DataSink;
struct Response;
}  // namespace httplib

namespace mlux::server {

class ModelWorker;

class SseWriter {
 public:
  explicit SseWriter(httplib::DataSink& sink) : sink_(sink) {}
  /// Sends one event; false (and open() false from then on) when the client is gone.
  bool send(const nlohmann::json& event);
  /// Sends a {"type":"progress", done, total} event at most every 100 ms (and the last one);
  /// returns open(). Used as the cancel check of long loops.
  bool progress(std::size_t done, std::size_t total);
  bool open() const { return open_; }

 private:
  httplib::DataSink& sink_;
  bool open_ = true;
  std::chrono::steady_clock::time_point last_progress_{};
};

/// Makes `res` an event stream whose body `work` writes; `work` runs after the handler returns, on
/// `worker` (model_worker.h), holding `keep` (e.g. the work lock) until it ends. An exception from
/// `work` becomes a final {"type":"error","error":message} event.
void stream_events(httplib::Response& res, ModelWorker& worker, std::shared_ptr<void> keep, std::function<void(SseWriter&)> work);

/// JSON text with invalid UTF-8 (a token that is half a character) replaced, never a throw.
std::string dump_json(const nlohmann::json& j);

}  // namespace mlux::server

#include "mlux/server/sse.h"

#include <httplib.h>

#include "mlux/error.h"
#include "mlux/server/model_worker.h"

namespace mlux::server {

std::string dump_json(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

bool SseWriter::send(const nlohmann::json& event) {
  if (!open_) return false;
  const std::string frame = "data: " + dump_json(event) + "\n\n";
  open_ = sink_.write(frame.data(), frame.size());
  return open_;
}

bool SseWriter::progress(std::size_t done, std::size_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_progress_ < std::chrono::milliseconds(100)) return open_;
  last_progress_ = now;
  return send({{"type", "progress"}, {"done", done}, {"total", total}});
}

void stream_events(httplib::Response& res, ModelWorker& worker, std::shared_ptr<void> keep, std::function<void(SseWriter&)> work) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider("text/event-stream", [&worker, keep, work](std::size_t, httplib::DataSink& sink) {
    SseWriter out(sink);
    try {
      worker.run([&] { work(out); });  // this connection's thread waits; the sink is only used there
    } catch (const Error& e) {
      out.send({{"type", "error"}, {"error", e.what()}});
    } catch (const std::exception& e) {
      out.send({{"type", "error"}, {"error", std::string("internal error: ") + e.what()}});
    }
    if (out.open()) sink.done();
    return out.open();
  });
}

}  // namespace mlux::server

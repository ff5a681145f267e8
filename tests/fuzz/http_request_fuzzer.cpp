// libFuzzer target: the JSON bodies of every POST endpoint, sent over loopback to a real server
// on the demo model (limits lowered so a valid job stays quick). The input's first byte picks the
// endpoint, the rest is the body. Every answer must be a 2xx or a 4xx with a JSON error; a 5xx,
// an "internal error" event in a stream, a dropped connection or a crash of the server is a bug.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "fuzz_util.h"
#include "mlux/server/server.h"

namespace {

constexpr std::array<const char*, 12> kEndpoints = {
    "/api/tokenize", "/api/chat_template",     "/api/lens",              "/api/attention",
    "/api/heads",    "/api/patch",             "/api/steering/vector",   "/api/steering/generate",
    "/api/steering/compare", "/api/ablate",    "/api/generate",          "/api/model/load"};

struct Running {
  std::unique_ptr<mlux::server::Server> server;
  std::thread thread;
  int port = 0;
  Running() = default;
  Running(Running&&) = default;
  // At exit (the replay runner, or libFuzzer's -runs limit) the server stops before its thread
  // is joined; destroying a joinable std::thread would terminate the process.
  ~Running() {
    if (server) server->stop();
    if (thread.joinable()) thread.join();
  }
};

Running& running() {
  static Running r = [] {
    ::setenv("HF_HUB_OFFLINE", "1", 1);  // model/load must never reach for the network
    mlux::server::ServerOptions options{.model = "", .port = 0};
    options.limits.max_body_bytes = 16 * 1024;
    options.limits.max_prompt_tokens = 48;
    options.limits.max_new_tokens = 6;
    options.limits.max_sweep_cells = 64;
    options.limits.max_pattern_tokens = 48;
    Running out;
    out.server = std::make_unique<mlux::server::Server>(options);
    out.port = out.server->bind();
    out.thread = std::thread([s = out.server.get()] { s->run(); });
    return out;
  }();
  return r;
}

}  // namespace

// The slow setup runs here, before the first input, outside libFuzzer's per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)running();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using mlux::fuzz::property_failed;
  if (size == 0) return 0;
  const char* path = kEndpoints[data[0] % kEndpoints.size()];
  const std::string body(mlux::fuzz::as_text(data + 1, size - 1));
  httplib::Client client("127.0.0.1", running().port);
  client.set_read_timeout(60, 0);
  const auto res = client.Post(path, body, "application/json");
  if (!res) property_failed(std::string(path) + ": no answer (" + httplib::to_string(res.error()) + ")");
  if (res->status >= 500) property_failed(std::string(path) + ": status " + std::to_string(res->status) + ": " + res->body);
  if (res->status >= 400 && res->body.find("\"error\"") == std::string::npos)
    property_failed(std::string(path) + ": a " + std::to_string(res->status) + " without a JSON error: " + res->body);
  // A stream's failure is a final {"type": "error"} frame; "internal error: " starts one only
  // for an unexpected exception (sse.cpp). Only frames count: an error message may quote the
  // request, whatever bytes it held.
  if (res->get_header_value("Content-Type").starts_with("text/event-stream"))
    for (std::size_t at = res->body.find("data: "); at != std::string::npos; at = res->body.find("data: ", at + 1)) {
      const auto frame = nlohmann::json::parse(res->body.substr(at + 6, res->body.find('\n', at) - at - 6), nullptr, false);
      if (frame.is_object() && frame.value("type", "") == "error" &&
          frame.value("error", "").starts_with("internal error: "))
        property_failed(std::string(path) + ": internal error in the stream: " + frame.dump().substr(0, 400));
    }
  return 0;
}

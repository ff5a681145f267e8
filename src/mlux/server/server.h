// Server: the explorers' HTTP server — the command center at "/", one page per explorer, JSON and
// event-stream endpoints under /api/ (docs/server-api.md), all sharing one model. Binds 127.0.0.1
// unless told otherwise; request bodies, prompts and sweeps are bounded (Limits); every bad
// request is a 4xx JSON answer, never a crash. Pages come only from the embedded assets.
//
//   server::Server s({.model = "", .port = 0});
//   int port = s.bind();
//   s.run();   // until stop()
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace mlux::server {

struct Limits {
  std::size_t max_body_bytes = 256 * 1024;
  std::size_t max_prompt_chars = 16 * 1024;
  int max_prompt_tokens = 1024;
  int max_new_tokens = 1000;
  std::size_t max_sweep_cells = 8192;   // patching and ablation: layers × positions × heads
  int max_pattern_tokens = 256;         // attention patterns: query and key positions
  std::chrono::milliseconds busy_wait{3000};  // how long a request waits for the work lock
};

struct ServerOptions {
  std::string model;               // "" or "demo": the embedded demo model
  std::string host = "127.0.0.1";
  int port = 5050;                 // 0: any free port
  Limits limits;
};

class ModelManager;

class Server {
 public:
  /// Loads the model (throws Error when it cannot) and registers every route.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the socket; returns the port. Throws Error naming host and port when it cannot.
  int bind();
  /// Serves until stop() (call bind() first).
  void run();
  void stop();

  const ServerOptions& options() const;
  ModelManager& models();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whether `host` only accepts connections from this machine.
bool is_loopback_host(const std::string& host);

}  // namespace mlux::server

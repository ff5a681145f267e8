// Server: the explorers' HTTP server — the command center at "/", one page per explorer, JSON and
// event-stream endpoints under /api/ (docs/server-api.md), all sharing one model. Binds 127.0.0.1
// unless told otherwise; request bodies, prompts and sweeps are bounded (Limits); every bad
// request is a 4xx JSON answer, never a crash. Pages come only from the embedded assets.
// Connections are served by http_server.h (bounded threads, deadlines for slow clients).
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

/// Everything the server bounds, with `mlux serve`'s flag for each (docs/server-api.md, "Limits").
/// A request past a limit gets a 4xx JSON error naming the limit and the flag that raises it.
struct Limits {
  // What one request may ask for.
  std::size_t max_body_bytes = 256 * 1024;  // --max-body-kb; 413
  std::size_t max_prompt_chars = 16 * 1024; // --max-prompt-kb: bytes of one prompt field; 400
  int max_prompt_tokens = 1024;             // --max-prompt-tokens; 400
  int max_new_tokens = 1000;                // --max-new-tokens: generation's max_tokens; 400
  std::size_t max_sweep_cells = 8192;       // --max-sweep-cells: patching and ablation, layers × positions × heads; 400
  int max_pattern_tokens = 256;             // --max-pattern-tokens: attention patterns' query and key positions; 400
  // Model jobs: one runs at a time (work_lock.h); the others wait for it, in a bounded line.
  std::chrono::milliseconds busy_wait{3000};  // --busy-wait-ms: how long a request waits for the work lock; then 409
  int max_waiting_jobs = 8;                   // --max-waiting-jobs: requests waiting for it at once; past that, 409 at once
  // Connections (connection.h, http_server.h).
  int max_connections = 32;                   // --max-connections: served at once; past that, 429 at once
  std::chrono::milliseconds request_timeout{10000};    // --request-timeout-s: request line, headers and body; then 408
  std::chrono::milliseconds write_timeout{10000};      // --write-timeout-s: a client that takes nothing for this long is dropped
  std::chrono::milliseconds keep_alive_timeout{5000};  // --keep-alive-s: an idle connection is closed after this
  int keep_alive_requests = 100;                       // --keep-alive-requests: requests on one connection, then it closes
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

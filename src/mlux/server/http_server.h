// HttpServer: httplib's server with mlux's connection policy (server.h's Limits). httplib 0.11.4
// serves each socket in a private virtual, process_and_close_socket; this class provides its own,
// which keeps httplib's request parsing and routing (process_request) but reads and writes through
// a Connection (deadlines, byte budget, closing gently) and bounds what a connection may hold:
//
//   - at most max_connections are served at once; the next is answered 429 at once, not queued
//     (ConnectionPool, connection_pool.h), so a full server still says so instead of going silent;
//   - a request (line, headers, body) must arrive within request_timeout (408), and its line and
//     headers within kMaxHeadBytes (431);
//   - a connection serves at most keep_alive_requests requests, and waits keep_alive_timeout for
//     the next one;
//   - the kernel may queue SOMAXCONN connections not yet accepted (httplib listens with a backlog of
//     5, so a burst of clients overflowed it and some were reset before they were ever served).
#pragma once

#include <httplib.h>

#include "mlux/server/server.h"

namespace mlux::server {

class HttpServer : public httplib::Server {
 public:
  /// `limits` must outlive the server.
  explicit HttpServer(const Limits& limits);
  /// Deepens the bound socket's queue of connections waiting to be accepted (after bind_to_port).
  void deepen_accept_queue();

 private:
  bool process_and_close_socket(socket_t sock) override;
  void serve(class Connection& connection);

  const Limits& limits_;
};

}  // namespace mlux::server

#include "mlux/server/http_server.h"

#include <sys/socket.h>

#include <cstdio>

#include "mlux/server/connection.h"
#include "mlux/server/connection_pool.h"
#include "mlux/server/transport_errors.h"

namespace mlux::server {

HttpServer::HttpServer(const Limits& limits) : limits_(limits) {
  new_task_queue = [serving = limits.max_connections] { return new ConnectionPool(serving); };
  // httplib still applies these itself: the body limit when it reads a body, the timeouts as socket
  // options on every accepted socket, the keep-alive bounds in each answer's Keep-Alive header.
  set_payload_max_length(limits.max_body_bytes);
  set_read_timeout(limits.request_timeout);
  set_write_timeout(limits.write_timeout);
  set_keep_alive_max_count(std::size_t(limits.keep_alive_requests));
  set_keep_alive_timeout(std::chrono::ceil<std::chrono::seconds>(limits.keep_alive_timeout).count());
}

void HttpServer::deepen_accept_queue() {
  // listen() again on a listening socket only changes its backlog (the kernel caps it at somaxconn).
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, SOMAXCONN);
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  Connection connection(sock,
                        {.request_timeout = limits_.request_timeout, .write_timeout = limits_.write_timeout,
                         .keep_alive_timeout = limits_.keep_alive_timeout, .head_bytes = kMaxHeadBytes},
                        [this] { return svr_sock_ == INVALID_SOCKET; });
  if (ConnectionPool::turning_away()) {
    connection.answer_and_close(raw_answer(too_many_connections(limits_)));
    return true;
  }
  try {
    serve(connection);
  } catch (const std::exception& e) {
    // A pool thread must not die of one connection (the exception would end the process).
    std::fprintf(stderr, "mlux serve: a connection failed: %s\n", e.what());
  }
  return true;  // the Connection closes the socket
}

void HttpServer::serve(Connection& connection) {
  for (int served = 0; served < limits_.keep_alive_requests && connection.next_request(served == 0); ++served) {
    const bool last = served + 1 == limits_.keep_alive_requests || svr_sock_ == INVALID_SOCKET;
    bool client_closes = false;
    const bool answered = process_request(connection, last, client_closes, nullptr);
    if (!answered && connection.read_limit() != ReadLimit::none && !connection.wrote()) {
      // httplib gives up without an answer when the request line itself never arrives whole.
      httplib::Request none;
      connection.answer_and_close(raw_answer(transport_error(none, 408, limits_)));
      return;
    }
    if (!answered || client_closes) return;
  }
  if (connection.closing()) connection.close_gently();
}

}  // namespace mlux::server

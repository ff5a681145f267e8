#include "mlux/server/server.h"

#include <httplib.h>

#include <csignal>

#include "mlux/server/connection.h"
#include "mlux/server/handlers.h"
#include "mlux/server/http_server.h"
#include "mlux/server/model_manager.h"
#include "mlux/server/routes.h"
#include "mlux/server/transport_errors.h"

namespace mlux::server {
namespace {

bool is_local_name(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

/// The name part of a Host header ("127.0.0.1:5050" → "127.0.0.1", "[::1]:80" → "[::1]").
std::string host_name(const std::string& header) {
  if (!header.empty() && header.front() == '[') return header.substr(0, header.find(']') + 1);
  return header.substr(0, header.find(':'));
}

/// Methods whose body httplib reads; any other request's body would be read as the next request.
bool body_is_read(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE" || method == "PRI";
}

/// Makes the answer being written the connection's last (Connection::close_after_answer).
void close_after(httplib::Response& res) {
  if (auto* connection = Connection::current()) connection->close_after_answer();
  res.set_header("Connection", "close");
}

/// Answers `error` before the request's body is read, so the connection must close after it.
httplib::Server::HandlerResponse refuse(httplib::Response& res, const HttpError& error) {
  close_after(res);
  send_json(res, error.body(), error.status());
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

bool is_loopback_host(const std::string& host) { return is_local_name(host); }

struct Server::Impl {
  explicit Impl(ServerOptions o) : options(std::move(o)), models(options.model), ctx{models, options.limits, {}}, http(options.limits) {}

  ServerOptions options;
  ModelManager models;
  Context ctx;
  HttpServer http;
  bool bound = false;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-stream must not kill the server
  auto& http = impl_->http;
  const bool loopback = is_loopback_host(impl_->options.host);
  const Limits& limits = impl_->options.limits;
  http.set_pre_routing_handler([loopback, &limits](const httplib::Request& req, httplib::Response& res) {
    // Bound to loopback, only this machine's names are accepted: a page elsewhere cannot reach the
    // server through a DNS name rebound to 127.0.0.1.
    if (loopback && !is_local_name(host_name(req.get_header_value("Host"))))
      return refuse(res, HttpError(403, "forbidden: this server only answers requests addressed to localhost or 127.0.0.1"));
    if (auto error = framing_error(req, limits)) return refuse(res, *error);
    auto* connection = Connection::current();
    if (!connection) return httplib::Server::HandlerResponse::Unhandled;
    connection->allow_body(limits.max_body_bytes);
    const auto length = req.get_header_value("Content-Length");
    if (!body_is_read(req.method) && !length.empty() && length != "0") close_after(res);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_error_handler([&limits](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a route's own error answer
    const auto error = transport_error(req, res.status, limits);
    // Past a 404 the request was read whole; past any other status httplib chose, what follows on
    // the connection is the rest of a request it gave up on, not a new one.
    if (error.status() != 404) close_after(res);
    send_json(res, error.body(), error.status());
  });
  auto& ctx = impl_->ctx;
  add_model_routes(http, ctx);
  add_lens_routes(http, ctx);
  add_patching_routes(http, ctx);
  add_steering_routes(http, ctx);
  add_ablation_routes(http, ctx);
  add_generate_routes(http, ctx);
  add_asset_routes(http);  // last: it matches every other GET path
}

Server::~Server() { stop(); }

int Server::bind() {
  const auto& o = impl_->options;
  const int port = o.port == 0 ? impl_->http.bind_to_any_port(o.host) : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0)
    fail("serve: cannot listen on ", o.host, ":", o.port, " (in use, or not an address of this machine). Pick another --port "
         "(0 takes any free one) or --host");
  impl_->http.deepen_accept_queue();
  impl_->bound = true;
  return port;
}

void Server::run() {
  if (!impl_->bound) fail("serve: bind() before run()");
  impl_->http.listen_after_bind();
}

void Server::stop() {
  if (impl_->http.is_running()) impl_->http.stop();
}

const ServerOptions& Server::options() const { return impl_->options; }
ModelManager& Server::models() { return impl_->models; }

}  // namespace mlux::server

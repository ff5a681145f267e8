#include "mlux/server/server.h"

#include <httplib.h>

#include <csignal>

#include "mlux/server/handlers.h"
#include "mlux/server/model_manager.h"
#include "mlux/server/routes.h"

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

}  // namespace

bool is_loopback_host(const std::string& host) { return is_local_name(host); }

struct Server::Impl {
  explicit Impl(ServerOptions o) : options(std::move(o)), models(options.model), ctx{models, options.limits, {}} {}

  ServerOptions options;
  ModelManager models;
  Context ctx;
  httplib::Server http;
  bool bound = false;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-stream must not kill the server
  auto& http = impl_->http;
  const bool loopback = is_loopback_host(impl_->options.host);
  http.set_payload_max_length(impl_->options.limits.max_body_bytes);
  http.set_pre_routing_handler([loopback](const httplib::Request& req, httplib::Response& res) {
    // Bound to loopback, only this machine's names are accepted: a page elsewhere cannot reach the
    // server through a DNS name rebound to 127.0.0.1.
    if (!loopback || is_local_name(host_name(req.get_header_value("Host")))) return httplib::Server::HandlerResponse::Unhandled;
    send_json(res, {{"error", "forbidden: this server only answers requests addressed to localhost or 127.0.0.1"}}, 403);
    return httplib::Server::HandlerResponse::Handled;
  });
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404)
      send_json(res, {{"error", "not found: " + req.method + " " + req.path + ". See docs/server-api.md for the endpoints"}}, 404);
    else if (res.status == 413)
      send_json(res, {{"error", "the request body is too large; send a smaller request"}}, 413);
    else
      send_json(res, {{"error", "HTTP " + std::to_string(res.status)}}, res.status);
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

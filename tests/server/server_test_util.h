// A real explorer server on a free loopback port, in this process, and a client for it: the API
// tests talk HTTP to it exactly as the pages do.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "mlux/server/model_manager.h"
#include "mlux/server/server.h"

namespace mlux::test {

class LiveServer {
 public:
  explicit LiveServer(server::Limits limits = quick_limits()) : server_({.model = "", .port = 0, .limits = limits}) {
    port_ = server_.bind();
    thread_ = std::thread([this] { server_.run(); });
    for (int i = 0; i < 500; ++i) {  // until it answers
      if (client().Get("/api/health")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~LiveServer() {
    server_.stop();
    thread_.join();
  }
  static server::Limits quick_limits() {
    server::Limits l;
    l.busy_wait = std::chrono::milliseconds(50);
    return l;
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120, 0);
    return c;
  }
  int port() const { return port_; }
  server::Server& server() { return server_; }

  /// POST with a JSON body; returns status and the parsed body (null when not JSON).
  std::pair<int, nlohmann::json> post_raw(const std::string& path, const std::string& body) const {
    auto r = client().Post(path.c_str(), body, "application/json");
    if (!r) return {-1, nullptr};
    return {r->status, nlohmann::json::parse(r->body, nullptr, false)};
  }
  std::pair<int, nlohmann::json> post(const std::string& path, const nlohmann::json& body) const { return post_raw(path, body.dump()); }
  std::pair<int, nlohmann::json> get(const std::string& path) const {
    auto r = client().Get(path.c_str());
    if (!r) return {-1, nullptr};
    return {r->status, nlohmann::json::parse(r->body, nullptr, false)};
  }

  /// POST to an event-stream endpoint; returns the status and every event (or the JSON error body
  /// as the one element when the answer is not a stream).
  std::pair<int, std::vector<nlohmann::json>> stream(const std::string& path, const nlohmann::json& body) const {
    auto r = client().Post(path.c_str(), body.dump(), "application/json");
    if (!r) return {-1, {}};
    return {r->status, events_of(r->body)};
  }

  static std::vector<nlohmann::json> events_of(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::size_t at = 0;
    while (true) {
      const auto start = text.find("data: ", at);
      if (start == std::string::npos) break;
      const auto end = text.find("\n\n", start);
      out.push_back(nlohmann::json::parse(text.substr(start + 6, end - start - 6), nullptr, false));
      if (end == std::string::npos) break;
      at = end + 2;
    }
    if (out.empty()) out.push_back(nlohmann::json::parse(text, nullptr, false));
    return out;
  }

 private:
  server::Server server_;
  int port_ = 0;
  std::thread thread_;
};

/// A test suite sharing one server (the model loads once per suite), made with `make_limits()`.
template <server::Limits (*make_limits)()>
class SharedServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer(make_limits()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static LiveServer& s() { return *server_; }

 private:
  inline static LiveServer* server_ = nullptr;
};

using SharedServerTest = SharedServer<&LiveServer::quick_limits>;

/// The events of `events` whose "type" is `type`.
inline std::vector<nlohmann::json> of_type(const std::vector<nlohmann::json>& events, const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const auto& e : events)
    if (e.is_object() && e.value("type", "") == type) out.push_back(e);
  return out;
}

}  // namespace mlux::test

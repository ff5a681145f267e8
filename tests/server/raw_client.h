// A client on a bare loopback socket, for what httplib's client will not send: bytes that are not
// HTTP, requests trickled byte by byte, chunked or compressed bodies, connections left half-sent.
// Every wait has a bound, so a server that never answers fails a test instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>

namespace mlux::test {

/// One HTTP answer as it arrived: status -1 when none came (the server closed, or the wait ran out).
struct RawAnswer {
  int status = -1;
  std::string head, body;
  nlohmann::json json;  // the body parsed (discarded when it is not JSON)
};

class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(std::uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  /// Sends all of `bytes`; false when the server has closed the connection.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(std::size_t(n));
    }
    return true;
  }
  /// Sends `bytes` in pieces of `piece` bytes with `pause` between them (a slow client).
  bool trickle(std::string_view bytes, std::size_t piece, std::chrono::milliseconds pause) {
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      if (!send(bytes.substr(at, piece))) return false;
      std::this_thread::sleep_for(pause);
    }
    return true;
  }

  /// Reads one answer (head, then a Content-Length body) within `limit`.
  RawAnswer read_answer(std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    RawAnswer a;
    std::string got;
    std::size_t head_end;
    while ((head_end = got.find("\r\n\r\n")) == std::string::npos)
      if (!read_some(got, until)) return a;
    a.head = got.substr(0, head_end);
    if (a.head.rfind("HTTP/1.1 ", 0) == 0) a.status = std::atoi(a.head.c_str() + 9);
    std::size_t length = 0;
    if (const auto at = lower(a.head).find("\r\ncontent-length: "); at != std::string::npos)
      length = std::size_t(std::atoll(a.head.c_str() + at + 18));
    a.body = got.substr(head_end + 4);
    while (a.body.size() < length && read_some(a.body, until)) {
    }
    a.json = nlohmann::json::parse(a.body, nullptr, false);
    return a;
  }

  /// Reads until `got` holds `count` copies of `needle` (true), the server closes or `limit` passes.
  bool read_until(std::string& got, std::string_view needle, int count, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    auto seen = [&] {
      int n = 0;
      for (auto at = got.find(needle); at != std::string::npos && n < count; at = got.find(needle, at + 1)) ++n;
      return n >= count;
    };
    while (!seen())
      if (!read_some(got, until)) return false;
    return true;
  }

  /// Whether the server closed the connection within `limit` (reading and dropping what it sends).
  bool closed_by_server(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::string sink;
    while (read_some(sink, until)) sink.clear();
    return eof_;
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  static std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  bool read_some(std::string& out, std::chrono::steady_clock::time_point until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (left <= 0 || ::poll(&p, 1, int(left)) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    out.append(buf, std::size_t(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  bool eof_ = false;
};

}  // namespace mlux::test

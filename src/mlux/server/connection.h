// Connection: one client socket as httplib reads and writes it (an httplib::Stream), with the
// bounds httplib 0.11.4's own socket stream lacks. Its read timeout is per recv(), so a client
// that sends one byte every few seconds holds a thread forever, and nothing bounds the bytes of a
// request head (only each header line). Here each request (line, headers, body) must arrive before
// one deadline, and its head within a byte budget, which allow_body() then sets to the body limit;
// a read past either fails, and the failure is remembered so the error answer can say which limit
// it was (408 or 431). Writes wait at most the write timeout for room, and fail once
// the client has hung up, which is how event streams notice a closed tab.
//
// HttpServer (http_server.h) makes one per accepted socket, on the pool thread serving it, and
// publishes it as Connection::current() for the route handlers of that thread.
#pragma once

#include <httplib.h>

#include <array>
#include <chrono>
#include <functional>
#include <string>

namespace mlux::server {

struct ConnectionTimes {
  std::chrono::milliseconds request_timeout;     // for the whole of one request to arrive
  std::chrono::milliseconds write_timeout;       // for the client to take some of the answer
  std::chrono::milliseconds keep_alive_timeout;  // for the next request to start
  std::size_t head_bytes;                        // most bytes of one request's line and headers
};

/// Why the last read failed, when it was a limit and not the client hanging up.
enum class ReadLimit { none, timeout, too_large };

class Connection : public httplib::Stream {
 public:
  /// `stopping` says when the server is shutting down (idle connections then close at once).
  Connection(int fd, ConnectionTimes times, std::function<bool()> stopping);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Waits for the first byte of the next request (at most the request timeout for a connection's
  /// first request, the keep-alive timeout after), then starts its deadline and byte budget. False
  /// when the client went quiet, hung up, or the server stops.
  bool next_request(bool first);
  /// The current request's head was read whole; its body may take at most `bytes`.
  void allow_body(std::size_t bytes) { budget_ = bytes; }
  /// Whether any of the current request's answer was sent.
  bool wrote() const { return wrote_; }
  /// The current answer is the last on this connection: its request's body was not read, so the
  /// bytes that follow are not a request.
  void close_after_answer() { closing_ = true; }
  bool closing() const { return closing_; }
  ReadLimit read_limit() const { return read_limit_; }
  const ConnectionTimes& times() const { return times_; }

  /// Answers `response` (a whole HTTP response) without reading the request, then closes gently.
  void answer_and_close(const std::string& response);
  /// Closes so that an answer already sent is not lost: stops sending, reads what the client still
  /// sends (briefly), then closes. Closing with unread bytes would reset the connection instead.
  void close_gently();

  /// The connection this thread serves, or nullptr outside HttpServer's connection threads.
  static Connection* current();

  // httplib::Stream
  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return fd_; }

 private:
  using Clock = std::chrono::steady_clock;
  /// Waits until `fd_` has `events` (POLLIN or POLLOUT) or `until` passes.
  bool wait_for(short events, Clock::time_point until) const;
  /// Whether the client is still there (it has not closed its end).
  bool client_open() const;

  int fd_;
  ConnectionTimes times_;
  std::function<bool()> stopping_;
  Connection* previous_;  // Connection::current() before this one (none, on a pool thread)
  Clock::time_point opened_;
  Clock::time_point deadline_{};
  std::size_t budget_ = 0;
  ReadLimit read_limit_ = ReadLimit::none;
  bool wrote_ = false;
  bool closing_ = false;
  bool closed_ = false;
  std::array<char, 4096> buffer_{};  // httplib reads request lines one byte at a time
  std::size_t buffered_begin_ = 0, buffered_end_ = 0;
};

}  // namespace mlux::server

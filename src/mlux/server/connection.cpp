#include "mlux/server/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mlux::server {
namespace {

thread_local Connection* g_current = nullptr;

// A request answered before it was read (413, 429...) is still arriving when we close; reading it
// until the client closes too lets the close be a FIN the client sees after our answer, not a reset
// that may destroy the answer in the client's buffers. A client busy sending a large body on a
// loaded machine may pause for a while, so the wait is per pause, and bounded in all (time and
// bytes), so a client that keeps sending cannot hold the thread.
constexpr auto kDrainPause = std::chrono::seconds(2);
constexpr auto kDrainTime = std::chrono::seconds(5);
constexpr std::size_t kDrainBytes = 4 << 20;

void address_text(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    port = ntohs(a.sin6_port);
  }
  ip = text;
}

}  // namespace

Connection::Connection(int fd, ConnectionTimes times, std::function<bool()> stopping)
    : fd_(fd), times_(times), stopping_(std::move(stopping)), previous_(g_current), opened_(Clock::now()) {
  g_current = this;
}

Connection::~Connection() {
  g_current = previous_;
  if (closed_) return;
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
}

Connection* Connection::current() { return g_current; }

bool Connection::wait_for(short events, Clock::time_point until) const {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
    pollfd p{.fd = fd_, .events = events, .revents = 0};
    const int n = ::poll(&p, 1, int(std::max<decltype(left)>(left, 0)));
    if (n > 0) return true;  // ready, or hung up / failed: the next recv or send says which
    if (n == 0 || errno != EINTR) return false;
  }
}

bool Connection::client_open() const {
  char byte;
  const ssize_t n = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
}

bool Connection::next_request(bool first) {
  read_limit_ = ReadLimit::none;
  wrote_ = false;
  if (closing_) return false;
  // A connection's first request is due within the request timeout of the connection opening (a
  // client that connects and trickles counts from the start); later ones may idle a while first.
  const auto idle_until = first ? opened_ + times_.request_timeout : Clock::now() + times_.keep_alive_timeout;
  while (buffered_begin_ == buffered_end_) {
    // In slices, so that stop() does not wait for every idle connection's keep-alive timeout.
    if (stopping_()) return false;
    if (wait_for(POLLIN, std::min(idle_until, Clock::now() + std::chrono::milliseconds(100)))) break;
    if (Clock::now() >= idle_until) return false;
  }
  deadline_ = (first ? opened_ : Clock::now()) + times_.request_timeout;
  budget_ = times_.head_bytes;
  return true;
}

bool Connection::is_readable() const { return buffered_begin_ < buffered_end_ || wait_for(POLLIN, deadline_); }

ssize_t Connection::read(char* ptr, size_t size) {
  if (budget_ == 0) {
    read_limit_ = ReadLimit::too_large;
    return -1;
  }
  if (buffered_begin_ == buffered_end_) {
    if (!wait_for(POLLIN, deadline_)) {
      read_limit_ = ReadLimit::timeout;
      return -1;
    }
    ssize_t n;
    do n = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return n;  // 0: the client hung up
    buffered_begin_ = 0;
    buffered_end_ = std::size_t(n);
  }
  const std::size_t n = std::min({size, buffered_end_ - buffered_begin_, budget_});
  std::memcpy(ptr, buffer_.data() + buffered_begin_, n);
  buffered_begin_ += n;
  budget_ -= n;
  return ssize_t(n);
}

bool Connection::is_writable() const { return wait_for(POLLOUT, Clock::now() + times_.write_timeout) && client_open(); }

ssize_t Connection::write(const char* ptr, size_t size) {
  const auto until = Clock::now() + times_.write_timeout;
  for (;;) {
    if (!wait_for(POLLOUT, until) || !client_open()) return -1;
    const ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    wrote_ = wrote_ || n > 0;
    if (n >= 0) return n;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
  }
}

void Connection::answer_and_close(const std::string& response) {
  std::size_t sent = 0;
  while (sent < response.size()) {
    const ssize_t n = write(response.data() + sent, response.size() - sent);
    if (n <= 0) break;
    sent += std::size_t(n);
  }
  close_gently();
}

void Connection::close_gently() {
  if (closed_) return;
  ::shutdown(fd_, SHUT_WR);
  const auto until = Clock::now() + kDrainTime;
  std::size_t drained = 0;
  char sink[4096];
  while (drained < kDrainBytes && wait_for(POLLIN, std::min(until, Clock::now() + kDrainPause))) {
    const ssize_t n = ::recv(fd_, sink, sizeof sink, 0);
    if (n <= 0) break;
    drained += std::size_t(n);
  }
  ::close(fd_);
  closed_ = true;
}

void Connection::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_text(addr, ip, port);
}

void Connection::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_text(addr, ip, port);
}

}  // namespace mlux::server

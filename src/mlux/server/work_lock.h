// WorkLock: the server runs one model job at a time (generation, sweeps, lens, loading), because
// they share one model and the machine's cores. A request that finds it taken waits in line, for a
// while, then gets HTTP 409 {"error": "busy: <what> is running...", "busy": "<what>", "limit": flag}.
// The line is bounded too: past its length a request gets the 409 at once, so waiting requests
// cannot take every connection thread (each waits on one).
#pragma once

#include <chrono>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

namespace mlux::server {

struct WorkWait {
  std::chrono::milliseconds wait{0};                     // how long to wait for the lock
  int max_waiting = std::numeric_limits<int>::max();     // requests that may wait at once
};

class WorkLock {
 public:
  /// Held while alive; releases the lock when the last copy goes.
  using Guard = std::shared_ptr<void>;

  /// Takes the lock for `what` ("generation"), waiting as `how` allows; throws HttpError 409 when
  /// another job still holds it, or when the line of waiting requests is full.
  Guard acquire(const std::string& what, WorkWait how);
  Guard acquire(const std::string& what, std::chrono::milliseconds wait) { return acquire(what, WorkWait{.wait = wait}); }
  /// What holds the lock now ("" when free).
  std::string holder() const;
  /// How many requests wait for it now.
  int waiting() const;

 private:
  void release();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  int waiting_ = 0;
  std::string holder_;
};

}  // namespace mlux::server

// WorkLock: the server runs one model job at a time (generation, sweeps, lens, loading), because
// they share one model and the machine's cores. A request that finds it taken waits a little,
// then gets HTTP 409 {"error": "busy: <what> is running...", "busy": "<what>"}.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace mlux::server {

class WorkLock {
 public:
  /// Held while alive; releases the lock when the last copy goes.
  using Guard = std::shared_ptr<void>;

  /// Takes the lock for `what` ("generation"), waiting at most `wait`; throws HttpError 409 when
  /// another job still holds it.
  Guard acquire(const std::string& what, std::chrono::milliseconds wait);
  /// What holds the lock now ("" when free).
  std::string holder() const;

 private:
  void release();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  std::string holder_;
};

}  // namespace mlux::server

// ModelWorker: the one thread that runs the server's model work. OpenMP keeps a thread team per
// calling thread, so model calls from httplib's many connection threads would each start a team,
// and their spinning threads starve one another on a small machine (a 0.3 s patching run took
// 20–40 s on 2 cores). Every model job therefore runs here, one at a time; the connection thread
// waits for it (and, for a stream, the job writes the events).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace mlux::server {

class ModelWorker {
 public:
  ModelWorker();
  ~ModelWorker();
  ModelWorker(const ModelWorker&) = delete;
  ModelWorker& operator=(const ModelWorker&) = delete;

  /// Runs `job` on the worker thread and waits for it; rethrows what it throws.
  void run(std::function<void()> job);
  /// The same, returning the job's value.
  template <typename F>
  auto call(F&& f) -> decltype(f()) {
    std::optional<decltype(f())> out;
    run([&] { out.emplace(f()); });
    return std::move(*out);
  }

 private:
  void loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mlux::server

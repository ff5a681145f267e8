// ConnectionPool: the threads that serve accepted connections (httplib's TaskQueue). httplib's own
// ThreadPool has a fixed number of threads and an unbounded queue: once every thread is held (by
// event streams, requests waiting for the model, idle keep-alive connections or slow clients), new
// connections wait in that queue with no answer at all, /api/health included. Here a connection
// that arrives when all `serving` threads are taken is not queued: one more thread, which only
// turns connections away, runs it with turning_away() true, and HttpServer answers it 429 at once
// (http_server.h). The turning-away thread spends at most a moment on each (Connection's drain).
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mlux::server {

class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(int serving);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  /// Runs what is queued, then joins every thread (httplib calls it when the server stops).
  void shutdown() override;

  /// True while this thread runs a connection that came when every serving thread was taken.
  static bool turning_away();

 private:
  struct Queue {
    std::deque<std::function<void()>> tasks;
    std::condition_variable ready;
  };
  void serve(Queue& queue, bool turn_away);

  const int serving_;
  int taken_ = 0;  // serving threads that have a connection, or one queued for them
  bool stopping_ = false;
  std::mutex mu_;
  Queue served_, turned_away_;
  std::vector<std::thread> threads_;
};

}  // namespace mlux::server

#include "mlux/server/connection_pool.h"

namespace mlux::server {
namespace {
thread_local bool g_turning_away = false;
}  // namespace

ConnectionPool::ConnectionPool(int serving) : serving_(serving) {
  for (int i = 0; i < serving_; ++i) threads_.emplace_back([this] { serve(served_, false); });
  threads_.emplace_back([this] { serve(turned_away_, true); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

bool ConnectionPool::turning_away() { return g_turning_away; }

void ConnectionPool::enqueue(std::function<void()> fn) {
  Queue* queue;
  {
    std::lock_guard lock(mu_);
    // Counted when queued, not when a thread picks it up, so a burst cannot queue more connections
    // for the serving threads than there are threads.
    queue = taken_ < serving_ ? &served_ : &turned_away_;
    if (queue == &served_) ++taken_;
    queue->tasks.push_back(std::move(fn));
  }
  queue->ready.notify_one();
}

void ConnectionPool::serve(Queue& queue, bool turn_away) {
  g_turning_away = turn_away;
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      queue.ready.wait(lock, [&] { return stopping_ || !queue.tasks.empty(); });
      if (queue.tasks.empty()) return;  // stopping, and nothing left: every accepted socket was closed
      task = std::move(queue.tasks.front());
      queue.tasks.pop_front();
    }
    task();  // HttpServer's connection handler; it never throws
    if (turn_away) continue;
    std::lock_guard lock(mu_);
    --taken_;
  }
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  served_.ready.notify_all();
  turned_away_.ready.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace mlux::server

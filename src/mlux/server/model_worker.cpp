#include "mlux/server/model_worker.h"

namespace mlux::server {

ModelWorker::ModelWorker() : thread_([this] { loop(); }) {}

ModelWorker::~ModelWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ModelWorker::run(std::function<void()> job) {
  std::packaged_task<void()> task(std::move(job));
  auto done = task.get_future();
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(task));
  }
  cv_.notify_one();
  done.get();
}

void ModelWorker::loop() {
  for (;;) {
    std::packaged_task<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      task = std::move(jobs_.front());
      jobs_.pop_front();
    }
    task();
  }
}

}  // namespace mlux::server

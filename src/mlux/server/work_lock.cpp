#include "mlux/server/work_lock.h"

#include "mlux/server/http_error.h"

namespace mlux::server {

WorkLock::Guard WorkLock::acquire(const std::string& what, std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, wait, [&] { return !held_; }))
    throw HttpError(409, "busy: " + holder_ + " is running. Wait for it to finish (or cancel it) and try again",
                    {{"busy", holder_}});
  held_ = true;
  holder_ = what;
  return Guard(static_cast<void*>(this), [](void* self) { static_cast<WorkLock*>(self)->release(); });
}

void WorkLock::release() {
  {
    std::lock_guard lock(mu_);
    held_ = false;
    holder_.clear();
  }
  cv_.notify_one();
}

std::string WorkLock::holder() const {
  std::lock_guard lock(mu_);
  return holder_;
}

}  // namespace mlux::server

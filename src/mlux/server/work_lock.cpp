#include "mlux/server/work_lock.h"

#include "mlux/server/http_error.h"

namespace mlux::server {

WorkLock::Guard WorkLock::acquire(const std::string& what, WorkWait how) {
  std::unique_lock lock(mu_);
  if (held_ && waiting_ >= how.max_waiting)
    throw HttpError(409, str("busy: ", holder_, " is running and ", waiting_, " more requests are waiting for the model; ",
                             limit_text(how.max_waiting, "--max-waiting-jobs"), ". Try again when it finishes"),
                    {{"busy", holder_}, {"limit", "--max-waiting-jobs"}});
  ++waiting_;
  const bool free = cv_.wait_for(lock, how.wait, [&] { return !held_; });
  --waiting_;
  if (!free)
    throw HttpError(409, str("busy: ", holder_, " is running (waited ", how.wait.count(), " ms for it, --busy-wait-ms). ",
                             "Wait for it to finish (or cancel it) and try again"),
                    {{"busy", holder_}, {"limit", "--busy-wait-ms"}});
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

int WorkLock::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

}  // namespace mlux::server

// FileLock: an exclusive flock(2) on a lock file, held for the object's lifetime, so two processes
// never write the same blob. huggingface_hub's `filelock` takes the same kind of lock on the same
// path (.locks/models--org--name/<etag>.lock), so mlux and Python tools exclude each other too.
// The kernel drops the lock when the process dies, so a crash never leaves a stale lock.
#pragma once

#include <filesystem>
#include <functional>

namespace mlux::io::hub {

class FileLock {
 public:
  /// Blocks until the lock is ours; calls `on_wait` once first if another process holds it.
  explicit FileLock(const std::filesystem::path& path, const std::function<void()>& on_wait = {});
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mlux::io::hub

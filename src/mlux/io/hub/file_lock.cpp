#include "mlux/io/hub/file_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "mlux/error.h"
#include "mlux/io/hub/repo_cache.h"

namespace mlux::io::hub {

FileLock::FileLock(const std::filesystem::path& path, const std::function<void()>& on_wait) {
  create_directories_or_fail(path.parent_path());
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    fail("hub cache: cannot open lock file '", path.string(), "' (", std::strerror(errno),
         "). Check the cache directory's permissions.");
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  if (on_wait) on_wait();
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd_);
    fail("hub cache: cannot lock '", path.string(), "' (", std::strerror(err), ").");
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace mlux::io::hub

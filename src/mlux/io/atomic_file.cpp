#include "mlux/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "mlux/error.h"
#include "mlux/io/mapped_file.h"

namespace mlux::io {

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  // Unique per process and per call, so concurrent writers of one path never share a temporary.
  static std::atomic<unsigned> counter{0};
  tmp_ = str(path_.string(), ".tmp-", ::getpid(), "-", counter++);
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    fail("write: cannot create '", tmp_.string(), "' (for '", path_.string(), "'): ", std::strerror(errno),
         ". Check that the directory exists and is writable.");
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFile::write(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write: writing '", path_.string(), "' failed: ", std::strerror(errno), " (disk full?)");
    p += n;
    size -= std::size_t(n);
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) fail("write: cannot flush '", path_.string(), "' to disk: ", std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    fail("write: cannot rename '", tmp_.string(), "' to '", path_.string(), "': ", std::strerror(err));
  }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile out(path);
  out.write(bytes);
  out.commit();
}

void copy_file_atomic(const std::filesystem::path& from, const std::filesystem::path& to) {
  const auto source = MappedFile::open(from);
  AtomicFile out(to);
  out.write(source->data(), source->size());
  out.commit();
}

}  // namespace mlux::io

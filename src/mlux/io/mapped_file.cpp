#include "mlux/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "mlux/error.h"

namespace mlux::io {
namespace {

constexpr std::size_t kHugePage = std::size_t(2) << 20;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// MemAvailable from /proc/meminfo in bytes; 0 when it cannot be read (then files are mapped).
std::size_t available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  unsigned long long kib = 0;
  while (std::getline(in, line))  // "MemAvailable:   12345678 kB"; some lines have no unit
    if (std::sscanf(line.c_str(), "MemAvailable: %llu kB", &kib) == 1) return std::size_t(kib) * 1024;
  return 0;
}

// Closes the descriptor however open() leaves.
struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

}  // namespace

std::optional<FileAccess> parse_file_access(std::string_view name) {
  if (name == "auto") return FileAccess::automatic;
  if (name == "read") return FileAccess::read;
  if (name == "mapped") return FileAccess::mapped;
  return std::nullopt;
}

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& path, FileAccess access) {
  const Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail("open: cannot open '", path.string(), "': ", std::strerror(errno));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) fail("open: cannot stat '", path.string(), "': ", std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail("open: '", path.string(), "' is a directory, not a file");
  std::shared_ptr<MappedFile> f(new MappedFile());
  f->path_ = path;
  f->size_ = std::size_t(st.st_size);
  if (f->size_ == 0) return f;
  if (access == FileAccess::automatic) access = f->size_ <= available_memory() / 2 ? FileAccess::read : FileAccess::mapped;

  if (access == FileAccess::mapped) {
    void* p = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (p == MAP_FAILED) fail("open: cannot map '", path.string(), "' (", f->size_, " bytes): ", std::strerror(errno));
    f->region_ = p;
    f->region_size_ = f->size_;
    f->mapped_ = true;
    f->data_ = static_cast<const std::byte*>(p);
    return f;
  }

  // Read: private memory starting on a 2 MiB boundary, so the kernel can back all of it with
  // huge pages (MADV_HUGEPAGE is a request; without transparent huge pages it is plain memory).
  f->region_size_ = round_up(f->size_, kHugePage) + kHugePage;
  void* region = ::mmap(nullptr, f->region_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED)
    fail("open: cannot allocate ", f->size_, " bytes to read '", path.string(), "' into memory: ", std::strerror(errno),
         ". Load the weights mapped instead (`--weights mapped`).");
  f->region_ = region;
  auto* start = reinterpret_cast<std::byte*>(round_up(reinterpret_cast<std::uintptr_t>(region), kHugePage));
  ::madvise(start, round_up(f->size_, kHugePage), MADV_HUGEPAGE);
  for (std::size_t done = 0; done < f->size_;) {
    const ssize_t n = ::pread(file.fd, start + done, f->size_ - done, off_t(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("open: cannot read '", path.string(), "' at byte ", done, ": ", std::strerror(errno));
    if (n == 0)
      fail("open: '", path.string(), "' ended after ", done, " of its ", f->size_, " bytes; was it changed while loading?");
    done += std::size_t(n);
  }
  ::mprotect(region, f->region_size_, PROT_READ);  // weights are read-only, as when mapped
  f->data_ = start;
  return f;
}

std::shared_ptr<const MappedFile> MappedFile::from_memory(std::string bytes, std::filesystem::path name) {
  std::shared_ptr<MappedFile> f(new MappedFile());
  f->path_ = std::move(name);
  f->owned_ = std::move(bytes);
  f->data_ = reinterpret_cast<const std::byte*>(f->owned_.data());
  f->size_ = f->owned_.size();
  return f;
}

MappedFile::~MappedFile() {
  if (region_ != nullptr) ::munmap(region_, region_size_);
}

}  // namespace mlux::io

// MappedFile: a whole file mapped read-only into memory. Tensors borrowed from it keep it alive
// through a shared_ptr, so weights are never copied and pages load on first touch.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace mlux::io {

class MappedFile {
 public:
  /// Maps `path`; throws Error naming the path and the system's reason on failure.
  static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path);
  /// Bytes already in memory, under `name` for messages (for fuzzing and tests: parsers read
  /// them exactly as they read a mapped file).
  static std::shared_ptr<const MappedFile> from_memory(std::string bytes, std::filesystem::path name);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  MappedFile() = default;
  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;  // data_ is an mmap (else it points into owned_)
  std::string owned_;
};

}  // namespace mlux::io

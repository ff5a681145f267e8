// MappedFile: a whole file's bytes in memory, read-only. Tensors borrowed from it keep it alive
// through a shared_ptr. Two ways in (FileAccess):
//  - mapped: mmap; pages load on first touch and stay shared with the page cache.
//  - read: read once into private memory asked to be backed by 2 MiB pages. Streaming every
//    weight once per token runs faster there than through the page cache's 4 KiB pages
//    (measured: 4-bit decode on one core about 1.15×; docs/benchmarks.md), for the same RSS.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mlux::io {

enum class FileAccess {
  automatic,  // read when the file takes at most half of the memory available now, else mapped
  read,
  mapped,
};

/// "auto", "read", "mapped" (for flags and messages); nullopt for anything else.
std::optional<FileAccess> parse_file_access(std::string_view name);

class MappedFile {
 public:
  /// Maps or reads `path`; throws Error naming the path and the system's reason on failure.
  static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path,
                                                FileAccess access = FileAccess::mapped);
  /// Bytes already in memory, under `name` for messages (for fuzzing and tests: parsers read
  /// them exactly as they read a mapped file).
  static std::shared_ptr<const MappedFile> from_memory(std::string bytes, std::filesystem::path name);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }
  /// How the bytes got here: mapped, or read (also from_memory and empty files).
  FileAccess access() const { return mapped_ ? FileAccess::mapped : FileAccess::read; }

 private:
  MappedFile() = default;
  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  void* region_ = nullptr;     // the mmap behind data_ (mapped file or read-into memory), else null
  std::size_t region_size_ = 0;
  bool mapped_ = false;        // region_ maps the file
  std::string owned_;          // from_memory's bytes
};

}  // namespace mlux::io

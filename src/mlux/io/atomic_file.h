// AtomicFile: writes a file under a temporary name beside it and renames it into place on
// commit(), so readers (and a later run after a crash or Ctrl-C) see the old file or the whole new
// one, never a half-written one under the real name. The data is flushed to disk (fsync) before
// the rename. Destroyed without commit() (an exception while writing), it removes the temporary.
//
//   io::AtomicFile out(path);
//   out.write(header);
//   out.write(bytes, n);
//   out.commit();
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace mlux::io {

class AtomicFile {
 public:
  /// Creates the temporary (path + ".tmp-<pid>-<n>"); throws Error when it cannot.
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends bytes; throws Error naming the file when the disk refuses them.
  void write(const void* data, std::size_t size);
  void write(std::string_view text) { write(text.data(), text.size()); }
  /// Flushes, fsyncs and renames over the real name; throws Error on failure.
  void commit();

 private:
  std::filesystem::path path_, tmp_;
  int fd_ = -1;
};

/// Writes a whole file atomically (one AtomicFile).
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

/// Copies `from` to `to` atomically (overwriting `to`); throws Error naming the file that failed.
void copy_file_atomic(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace mlux::io

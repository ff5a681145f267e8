// safetensors: reading (one file or a sharded checkpoint, memory-mapped, zero-copy) and writing.
//
// Layout: u64 little-endian header length N, N bytes of JSON, then the data buffer. Each header
// entry gives dtype, shape and [begin, end) offsets relative to the buffer; "__metadata__" is a
// string→string map. Every field is checked against the file before any byte is trusted.
// MLX writes tensors at unaligned offsets: tensors returned here may be unaligned (see Tensor).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/io/mapped_file.h"
#include "mlux/tensor/tensor.h"

namespace mlux::io {

struct TensorEntry {
  std::string name;
  std::string dtype_name;        // as written ("BF16", "F64", ...)
  std::optional<DType> dtype;    // nullopt for dtypes mlux does not read
  Shape shape;
  std::uint64_t begin = 0;       // offsets into the data buffer
  std::uint64_t end = 0;
};

class SafetensorsFile {
 public:
  /// Maps (or reads, see FileAccess) and validates a file; throws Error naming the file and the
  /// offending entry.
  static std::shared_ptr<const SafetensorsFile> open(const std::filesystem::path& path,
                                                     FileAccess access = FileAccess::mapped);
  /// Validates bytes already mapped or in memory (MappedFile::from_memory).
  static std::shared_ptr<const SafetensorsFile> open(std::shared_ptr<const MappedFile> file);

  const std::filesystem::path& path() const { return file_->path(); }
  FileAccess access() const { return file_->access(); }
  /// Entries in header order.
  const std::vector<TensorEntry>& entries() const { return entries_; }
  const TensorEntry* find(std::string_view name) const;
  /// A zero-copy view of one tensor; throws if absent or of a dtype mlux does not read.
  Tensor tensor(std::string_view name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::shared_ptr<const MappedFile> file_;
  std::uint64_t data_start_ = 0;
  std::vector<TensorEntry> entries_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

/// All tensors of a checkpoint directory: the shards named by model.safetensors.index.json, else
/// model.safetensors, else every model*.safetensors (never consolidated.safetensors).
class Checkpoint {
 public:
  /// `access`: how each shard reaches memory (automatic decides per shard, as it opens).
  static Checkpoint open(const std::filesystem::path& dir, FileAccess access = FileAccess::mapped);

  std::vector<std::string> names() const;
  bool contains(std::string_view name) const { return where_.count(std::string(name)) != 0; }
  const TensorEntry& entry(std::string_view name) const;
  Tensor tensor(std::string_view name) const;
  /// "__metadata__" of the first shard (format "pt" for transformers, "mlx" for mlx-lm).
  const std::map<std::string, std::string>& metadata() const;
  std::size_t shard_count() const { return shards_.size(); }
  /// Shards read into memory (the others are mapped).
  std::size_t shards_read() const;
  std::uint64_t total_bytes() const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::vector<std::shared_ptr<const SafetensorsFile>> shards_;
  std::map<std::string, std::size_t, std::less<>> where_;  // tensor name → shard
};

/// Writes tensors (any layout; written contiguous, in the given order) and string metadata.
/// The header is space-padded so the data buffer starts 8-byte aligned. Written to a temporary
/// name and renamed, so an interrupted write never leaves a half file under `path`.
void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace mlux::io

// Storage: the bytes behind one or more Tensors, shared by reference count. Either a block from
// the caching allocator (64-byte aligned, reused across eager ops so a decode step allocates
// nothing fresh) or a window into memory someone else owns (a memory-mapped checkpoint), kept
// alive by `keep_alive`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace mlux {

class Storage {
 public:
  /// A fresh (uninitialised) block of at least `bytes` bytes from the caching allocator.
  static std::shared_ptr<Storage> allocate(std::size_t bytes);
  /// Borrowed memory: `data` stays valid while `keep_alive` lives. Never written through by ops.
  static std::shared_ptr<Storage> borrow(const void* data, std::size_t bytes, std::shared_ptr<const void> keep_alive);

  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool borrowed() const { return keep_alive_ != nullptr; }

 private:
  Storage() = default;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;         // usable bytes
  std::size_t block_size_ = 0;   // allocator size class (0 for borrowed memory)
  std::shared_ptr<const void> keep_alive_;
};

/// Counters of the caching allocator, for tests (allocation-free decode) and `mlux bench`.
struct AllocatorStats {
  std::uint64_t fresh_allocations = 0;  // blocks obtained from the system
  std::uint64_t reused = 0;             // blocks served from the cache
  std::size_t cached_bytes = 0;         // bytes held in the cache, free for reuse
  std::size_t live_bytes = 0;           // bytes held by live Storage
};
AllocatorStats allocator_stats();
/// Returns every cached free block to the system.
void allocator_release_cache();

}  // namespace mlux

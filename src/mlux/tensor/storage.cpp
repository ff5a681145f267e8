// The caching allocator behind Storage: blocks are rounded up to size classes (four per power of
// two, so waste stays under 25%) and freed blocks wait in a per-class list for the next request of
// that class. The cache is capped; past the cap, freed blocks go back to the system.
#include "mlux/tensor/storage.h"

#include <bit>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace mlux {
namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kCacheCap = std::size_t(2) << 30;  // free bytes kept for reuse

std::size_t size_class(std::size_t bytes) {
  if (bytes <= 256) return 256;
  const std::size_t p = std::bit_floor(bytes);          // 2^k ≤ bytes
  const std::size_t quarter = p / 4;
  return (bytes + quarter - 1) / quarter * quarter;     // p, 1.25p, 1.5p, 1.75p or 2p
}

struct Cache {
  std::mutex mu;
  std::unordered_map<std::size_t, std::vector<void*>> free_blocks;
  AllocatorStats stats;
};

Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: Storage may outlive static destructors
  return *c;
}

void* take_block(std::size_t block) {
  Cache& c = cache();
  {
    std::lock_guard lock(c.mu);
    auto it = c.free_blocks.find(block);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.stats.cached_bytes -= block;
      c.stats.live_bytes += block;
      ++c.stats.reused;
      return p;
    }
    ++c.stats.fresh_allocations;
    c.stats.live_bytes += block;
  }
  void* p = std::aligned_alloc(kAlignment, block);
  if (!p) throw std::bad_alloc();
  return p;
}

void give_block(void* p, std::size_t block) {
  Cache& c = cache();
  {
    std::lock_guard lock(c.mu);
    c.stats.live_bytes -= block;
    if (c.stats.cached_bytes + block <= kCacheCap) {
      c.free_blocks[block].push_back(p);
      c.stats.cached_bytes += block;
      return;
    }
  }
  std::free(p);
}

}  // namespace

std::shared_ptr<Storage> Storage::allocate(std::size_t bytes) {
  std::shared_ptr<Storage> s(new Storage());
  s->block_size_ = size_class(bytes);
  s->data_ = static_cast<std::byte*>(take_block(s->block_size_));
  s->size_ = bytes;
  return s;
}

std::shared_ptr<Storage> Storage::borrow(const void* data, std::size_t bytes, std::shared_ptr<const void> keep_alive) {
  std::shared_ptr<Storage> s(new Storage());
  s->data_ = static_cast<std::byte*>(const_cast<void*>(data));
  s->size_ = bytes;
  s->keep_alive_ = keep_alive ? std::move(keep_alive) : std::make_shared<int>(0);
  return s;
}

Storage::~Storage() {
  if (block_size_ != 0) give_block(data_, block_size_);
}

AllocatorStats allocator_stats() {
  std::lock_guard lock(cache().mu);
  return cache().stats;
}

void allocator_release_cache() {
  Cache& c = cache();
  std::lock_guard lock(c.mu);
  for (auto& [block, list] : c.free_blocks) {
    for (void* p : list) std::free(p);
    list.clear();
  }
  c.stats.cached_bytes = 0;
}

}  // namespace mlux

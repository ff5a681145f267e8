// WordCache (see word_cache.h).
#include "mlux/tokenizer/word_cache.h"

#include <mutex>

namespace mlux::tokenizer {

bool WordCache::lookup(std::string_view word, std::vector<std::int32_t>& out) const {
  if (word.size() > kMaxWordBytes) return false;
  std::shared_lock lock(mutex_);
  auto it = entries_.find(word);
  if (it == entries_.end()) return false;
  out.insert(out.end(), it->second.begin(), it->second.end());
  return true;
}

void WordCache::insert(std::string_view word, const std::int32_t* ids, std::size_t count) {
  if (word.size() > kMaxWordBytes) return;
  std::unique_lock lock(mutex_);
  if (entries_.size() >= capacity_) return;
  entries_.try_emplace(std::string(word), ids, ids + count);
}

}  // namespace mlux::tokenizer

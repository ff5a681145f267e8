// WordCache: remembers the ids BPE produced for recent words, since text repeats its words.
// Shared by every thread that encodes with one tokenizer: lookups take a shared lock, inserts
// an exclusive one. Bounded: once full it stops adding (as HF's BPE cache does), so memory stays
// fixed on long-running servers.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mlux/tokenizer/vocab.h"

namespace mlux::tokenizer {

class WordCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 50'000;
  static constexpr std::size_t kMaxWordBytes = 256;  // longer words are rare; not worth keeping

  explicit WordCache(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  WordCache(const WordCache&) = delete;
  WordCache& operator=(const WordCache&) = delete;

  /// Appends the cached ids of word to out and returns true, or returns false.
  bool lookup(std::string_view word, std::vector<std::int32_t>& out) const;
  void insert(std::string_view word, const std::int32_t* ids, std::size_t count);

 private:
  std::size_t capacity_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::vector<std::int32_t>, StringHash, std::equal_to<>> entries_;
};

}  // namespace mlux::tokenizer

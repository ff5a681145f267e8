// MergeTable: the BPE merge rules, (left id, right id) -> (rank, merged id), in an
// open-addressing hash table, because looking merges up is the BPE inner loop.
// load_merges reads tokenizer.json model.merges in both of its spellings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlux::tokenizer {

class JsonView;
class Vocab;

struct Merge {
  std::int32_t rank;    // position in model.merges: lower merges first
  std::int32_t merged;  // id of the concatenated token
};

class MergeTable {
 public:
  explicit MergeTable(std::size_t expected = 0);

  /// Adds or replaces the rule for (left, right); a later rule for the same pair wins, as in HF.
  void insert(std::int32_t left, std::int32_t right, Merge merge);

  const Merge* find(std::int32_t left, std::int32_t right) const {
    const std::uint64_t key = pack(left, right);
    for (std::size_t i = slot_of(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return &s.merge;
      if (s.key == kEmpty) return nullptr;
    }
  }

  std::size_t size() const { return size_; }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  struct Slot {
    std::uint64_t key = kEmpty;
    Merge merge{};
  };
  static std::uint64_t pack(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }
  std::size_t slot_of(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 20) & mask_;  // Fibonacci hashing
  }
  void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

/// The merge rules from model.merges, given as token pairs in file order (rank = position).
/// Throws Error naming model.merges[i] (under `model`) when a token a rule names, or their
/// concatenation, is not in the vocabulary.
MergeTable build_merge_table(const std::vector<std::pair<std::string, std::string>>& merges, const Vocab& vocab,
                             const JsonView& model);

}  // namespace mlux::tokenizer

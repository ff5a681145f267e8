// MergeTable storage and load_merges (see merge_table.h).
#include "mlux/tokenizer/merge_table.h"

#include <string>
#include <string_view>

#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/vocab.h"

namespace mlux::tokenizer {

MergeTable::MergeTable(std::size_t expected) {
  std::size_t capacity = 16;
  while (capacity * 7 < expected * 10) capacity *= 2;  // load factor <= 0.7
  slots_.resize(capacity);
  mask_ = capacity - 1;
}

void MergeTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  size_ = 0;
  for (const Slot& s : old)
    if (s.key != kEmpty) insert(static_cast<std::int32_t>(s.key >> 32), static_cast<std::int32_t>(s.key & 0xFFFFFFFFu), s.merge);
}

void MergeTable::insert(std::int32_t left, std::int32_t right, Merge merge) {
  if ((size_ + 1) * 10 > slots_.size() * 7) grow();
  const std::uint64_t key = pack(left, right);
  for (std::size_t i = slot_of(key);; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.key == key) {
      s.merge = merge;
      return;
    }
    if (s.key == kEmpty) {
      s = {key, merge};
      ++size_;
      return;
    }
  }
}

MergeTable build_merge_table(const std::vector<std::pair<std::string, std::string>>& merges, const Vocab& vocab,
                             const JsonView& model) {
  MergeTable table(merges.size());
  std::string joined;
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const auto& left = merges[i].first;  // (not a structured binding: Clang 14 cannot capture one)
    const auto& right = merges[i].second;
    auto id_of = [&](std::string_view token) {
      auto id = vocab.find(token);
      if (!id)
        mlux::fail(model.file(), ": model.merges[", i, "]: the merge (\"", left, "\", \"", right, "\") names token '", token,
                   "', which is not in model.vocab. The merges and the vocabulary do not belong together; re-export the tokenizer.");
      return *id;
    };
    const std::int32_t left_id = id_of(left), right_id = id_of(right);
    joined.assign(left).append(right);
    table.insert(left_id, right_id, Merge{static_cast<std::int32_t>(i), id_of(joined)});
  }
  return table;
}

}  // namespace mlux::tokenizer

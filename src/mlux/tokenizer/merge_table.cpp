// MergeTable storage and load_merges (see merge_table.h).
#include "mlux/tokenizer/merge_table.h"

#include <string>
#include <string_view>

#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/vocab.h"

namespace mlux::tokenizer {

MergeTable::MergeTable(std::size_t expected) {
  std::size_t capacity = 16;
  while (capacity < expected * 2) capacity *= 2;  // load factor <= 1/2
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
  if ((size_ + 1) * 2 > slots_.size()) grow();
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

namespace {

std::int32_t id_in_vocab(const Vocab& vocab, std::string_view token, const JsonView& entry) {
  auto id = vocab.find(token);
  if (!id) entry.fail("the merge names token '", token, "', which is not in model.vocab. The merges and the vocabulary do not belong together; re-export the tokenizer.");
  return *id;
}

}  // namespace

MergeTable load_merges(const JsonView& merges, const Vocab& vocab) {
  if (!merges.is_array()) merges.fail("expected an array of merges, got ", merges.excerpt(), ".");
  MergeTable table(merges.size());
  std::string joined;
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const JsonView entry = merges.at(i);
    std::string_view left, right;
    if (entry.is_string()) {
      const std::string& line = entry.string_ref();
      if (line.starts_with("#version")) continue;
      const std::size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
        entry.fail("a merge string must be two tokens separated by one space, got \"", line, "\".");
      left = std::string_view(line).substr(0, space);
      right = std::string_view(line).substr(space + 1);
    } else if (entry.is_array() && entry.size() == 2 && entry.at(0).is_string() && entry.at(1).is_string()) {
      left = entry.at(0).string_ref();
      right = entry.at(1).string_ref();
    } else {
      entry.fail("a merge must be a string \"a b\" or a pair [\"a\", \"b\"], got ", entry.excerpt(), ".");
    }
    joined.assign(left).append(right);
    const Merge merge{static_cast<std::int32_t>(i), id_in_vocab(vocab, joined, entry)};
    table.insert(id_in_vocab(vocab, left, entry), id_in_vocab(vocab, right, entry), merge);
  }
  return table;
}

}  // namespace mlux::tokenizer

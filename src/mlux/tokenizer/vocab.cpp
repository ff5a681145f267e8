// Vocab construction (see vocab.h).
#include "mlux/tokenizer/vocab.h"

#include <algorithm>

namespace mlux::tokenizer {

Vocab::Vocab(std::vector<std::pair<std::string, std::int32_t>> entries) {
  std::int32_t max_id = -1;
  for (const auto& [token, id] : entries) max_id = std::max(max_id, id);
  tokens_.resize(static_cast<std::size_t>(max_id + 1));
  present_.assign(tokens_.size(), false);
  std::size_t capacity = 16;
  while (capacity < entries.size() * 2) capacity *= 2;  // load factor <= 1/2
  slots_.resize(capacity);
  mask_ = capacity - 1;
  for (auto& [token, id] : entries) {
    // A token already present under another id moves to this one (the later entry wins).
    if (auto old = find(token); old && *old != id) {
      present_[static_cast<std::size_t>(*old)] = false;
      for (Slot& s : slots_)
        if (s.id == *old) s.id = id;
      tokens_[static_cast<std::size_t>(id)] = std::move(token);
      present_[static_cast<std::size_t>(id)] = true;
      continue;
    }
    if (present_[static_cast<std::size_t>(id)]) continue;  // two tokens, one id: keep the first
    tokens_[static_cast<std::size_t>(id)] = std::move(token);
    present_[static_cast<std::size_t>(id)] = true;
    insert(id);
  }
}

void Vocab::insert(std::int32_t id) {
  const std::string& token = tokens_[static_cast<std::size_t>(id)];
  const std::size_t h = StringHash{}(token);
  for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.id >= 0) continue;
    s.tag = static_cast<std::uint32_t>(h >> 32);
    s.id = id;
    if (token.size() <= kInline) {
      s.length = static_cast<std::uint8_t>(token.size());
      std::memcpy(s.bytes, token.data(), token.size());
    } else {
      s.length = kInline + 1;  // "long": compared against tokens_
    }
    ++size_;
    return;
  }
}

}  // namespace mlux::tokenizer

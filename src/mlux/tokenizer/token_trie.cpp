// TokenTrie (see token_trie.h).
#include "mlux/tokenizer/token_trie.h"

#include <algorithm>

namespace mlux::tokenizer {

std::int32_t TokenTrie::child(std::int32_t node, unsigned char byte) const {
  const auto& children = nodes_[static_cast<std::size_t>(node)].children;
  auto it = std::lower_bound(children.begin(), children.end(), byte,
                             [](const auto& c, unsigned char b) { return c.first < b; });
  return it != children.end() && it->first == byte ? it->second : -1;
}

void TokenTrie::insert(std::string_view key, std::int32_t value) {
  if (key.empty()) return;
  starts_[static_cast<unsigned char>(key[0])] = true;
  std::int32_t node = 0;
  for (char ch : key) {
    const auto byte = static_cast<unsigned char>(ch);
    std::int32_t next = child(node, byte);
    if (next < 0) {
      next = static_cast<std::int32_t>(nodes_.size());
      nodes_.emplace_back();
      auto& children = nodes_[static_cast<std::size_t>(node)].children;
      auto it = std::lower_bound(children.begin(), children.end(), byte,
                                 [](const auto& c, unsigned char b) { return c.first < b; });
      children.insert(it, {byte, next});
    }
    node = next;
  }
  auto& slot = nodes_[static_cast<std::size_t>(node)].value;
  if (slot < 0) slot = value;
}

TokenTrie::Found TokenTrie::longest_at(std::string_view text, std::size_t pos) const {
  Found best{0, -1};
  if (!starts_[static_cast<unsigned char>(text[pos])]) return best;
  std::int32_t node = 0;
  for (std::size_t i = pos; i < text.size(); ++i) {
    node = child(node, static_cast<unsigned char>(text[i]));
    if (node < 0) break;
    const std::int32_t value = nodes_[static_cast<std::size_t>(node)].value;
    if (value >= 0) best = {i + 1 - pos, value};
  }
  return best;
}

}  // namespace mlux::tokenizer

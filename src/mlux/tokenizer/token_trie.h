// TokenTrie: finds, at a position of a text, the longest of a set of strings that starts there
// (a byte trie). With a left-to-right scan this gives leftmost-longest matching, the
// Aho-Corasick MatchKind::LeftmostLongest HF uses for added tokens.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace mlux::tokenizer {

class TokenTrie {
 public:
  /// Adds a non-empty string; the value is returned on a match. A repeated string keeps the
  /// first value.
  void insert(std::string_view key, std::int32_t value);

  struct Found {
    std::size_t length;
    std::int32_t value;
  };
  /// The longest inserted string that starts at text[pos]; length 0 when none does.
  Found longest_at(std::string_view text, std::size_t pos) const;

  bool empty() const { return nodes_.size() <= 1; }

 private:
  struct Node {
    std::vector<std::pair<unsigned char, std::int32_t>> children;  // sorted by byte
    std::int32_t value = -1;
  };
  std::int32_t child(std::int32_t node, unsigned char byte) const;

  std::vector<Node> nodes_{Node{}};
  std::array<bool, 256> starts_{};  // bytes some key starts with: a quick reject
};

}  // namespace mlux::tokenizer

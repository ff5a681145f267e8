// Vocab: the model's token <-> id table (tokenizer.json model.vocab). Lookups by string_view
// probe an open-addressing table whose slots hold a hash tag, the id and, for tokens of up to
// 15 bytes (most of them), the token itself, so a lookup usually touches one cache line:
// loading a tokenizer performs millions of lookups (three per merge rule). Ids may have holes;
// token() returns nullptr for an id no token has.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlux::tokenizer {

/// Hash for unordered containers keyed by std::string that accept string_view lookups.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class Vocab {
 public:
  /// Builds the table from (token, id) pairs; for a repeated token the later id wins.
  explicit Vocab(std::vector<std::pair<std::string, std::int32_t>> entries);
  Vocab() = default;

  std::optional<std::int32_t> find(std::string_view token) const {
    if (slots_.empty()) return std::nullopt;
    const std::size_t h = StringHash{}(token);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id < 0) return std::nullopt;
      if (s.tag == tag && s.holds(token, tokens_)) return s.id;
    }
  }
  /// The token with this id, or nullptr.
  const std::string* token(std::int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size() || !present_[static_cast<std::size_t>(id)]) return nullptr;
    return &tokens_[static_cast<std::size_t>(id)];
  }
  /// One past the largest id.
  std::int32_t id_bound() const { return static_cast<std::int32_t>(tokens_.size()); }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::size_t kInline = 15;
  struct Slot {
    std::uint32_t tag = 0;  // high bits of the hash: most mismatches fail without a string compare
    std::int32_t id = -1;   // -1: empty
    std::uint8_t length = 0;
    char bytes[kInline] = {};  // the token, when it is at most kInline bytes

    bool holds(std::string_view token, const std::vector<std::string>& tokens) const {
      if (token.size() <= kInline) return token.size() == length && std::memcmp(bytes, token.data(), length) == 0;
      return tokens[static_cast<std::size_t>(id)] == token;
    }
  };
  void insert(std::int32_t id);

  std::vector<std::string> tokens_;  // by id
  std::vector<bool> present_;        // by id
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace mlux::tokenizer

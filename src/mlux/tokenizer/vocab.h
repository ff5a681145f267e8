// Vocab: the model's token <-> id table (tokenizer.json model.vocab). Lookups take string_view
// without allocating. Ids may have holes; token() returns nullptr for an id no token has.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlux::tokenizer {

/// Hash for unordered containers keyed by std::string that accept string_view lookups.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class Vocab {
 public:
  /// Builds the table from (token, id) pairs; a later duplicate token keeps the later id.
  explicit Vocab(std::vector<std::pair<std::string, std::int32_t>> entries);
  Vocab() = default;

  std::optional<std::int32_t> find(std::string_view token) const {
    auto it = ids_.find(token);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  /// The token with this id, or nullptr.
  const std::string* token(std::int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size() || !present_[static_cast<std::size_t>(id)]) return nullptr;
    return &tokens_[static_cast<std::size_t>(id)];
  }
  /// One past the largest id.
  std::int32_t id_bound() const { return static_cast<std::int32_t>(tokens_.size()); }
  std::size_t size() const { return ids_.size(); }

 private:
  std::vector<std::string> tokens_;  // by id
  std::vector<bool> present_;        // by id
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> ids_;
};

}  // namespace mlux::tokenizer

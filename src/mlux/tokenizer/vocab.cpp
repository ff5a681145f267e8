// Vocab construction (see vocab.h).
#include "mlux/tokenizer/vocab.h"

#include <algorithm>

namespace mlux::tokenizer {

Vocab::Vocab(std::vector<std::pair<std::string, std::int32_t>> entries) {
  std::int32_t max_id = -1;
  for (const auto& [token, id] : entries) max_id = std::max(max_id, id);
  tokens_.resize(static_cast<std::size_t>(max_id + 1));
  present_.assign(tokens_.size(), false);
  ids_.reserve(entries.size());
  for (auto& [token, id] : entries) {
    ids_.insert_or_assign(token, id);
    tokens_[static_cast<std::size_t>(id)] = std::move(token);
    present_[static_cast<std::size_t>(id)] = true;
  }
}

}  // namespace mlux::tokenizer

// parse_tokenizer_json: reads tokenizer.json text into a JSON tree, except for the two big
// tables, model.vocab and model.merges (hundreds of thousands of entries), which go straight
// into ModelTables instead: building them as JSON nodes first would double the load time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlux::tokenizer {

struct ModelTables {
  bool has_vocab = false;
  bool has_merges = false;
  std::vector<std::pair<std::string, nlohmann::json>> vocab;  // token, id as written
  /// Each merge as its two tokens. A legacy "a b" string is split at its single space.
  std::vector<std::pair<std::string, std::string>> merges;
  /// The first malformed merge: its index and a message (reported when the model is built).
  std::optional<std::pair<std::size_t, std::string>> merge_error;
};

/// Parses tokenizer.json text; `file` names it in errors (with line and column of a syntax
/// error). The returned tree has empty model.vocab / model.merges; their entries are in tables.
nlohmann::json parse_tokenizer_json(std::string_view text, const std::string& file, ModelTables& tables);

}  // namespace mlux::tokenizer

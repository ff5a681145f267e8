// TokenizerConfig: what mlux reads from the files that sit beside tokenizer.json in a model
// directory: tokenizer_config.json (special-token strings, clean_up_tokenization_spaces,
// chat_template), special_tokens_map.json (overrides the special-token strings, as in
// transformers), chat_template.jinja (overrides chat_template), and the extra end-of-sequence
// ids of generation_config.json and config.json. Every file is optional.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlux::tokenizer {

/// Special-token strings as the model's config names them (nullopt when not set).
struct SpecialTokens {
  std::optional<std::string> bos_token;
  std::optional<std::string> eos_token;
  std::optional<std::string> unk_token;
  std::optional<std::string> pad_token;
};

struct TokenizerConfig {
  SpecialTokens special_tokens;
  std::optional<bool> add_bos_token;  // read for reference; mlux follows tokenizer.json (docs/tokenizer.md)
  std::optional<bool> add_eos_token;
  bool clean_up_tokenization_spaces = false;
  std::optional<std::string> chat_template;
  std::vector<std::int32_t> extra_eos_ids;  // generation_config.json / config.json eos_token_id
};

/// Reads the optional files in dir; throws Error naming the file and field when one is present
/// but malformed.
TokenizerConfig read_tokenizer_config(const std::filesystem::path& dir);

}  // namespace mlux::tokenizer

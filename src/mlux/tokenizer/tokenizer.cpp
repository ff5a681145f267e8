// Tokenizer: loading entry points and the encode/decode API (see tokenizer.h). The pipeline
// stages live in their own files; this file strings them together.
#include "mlux/tokenizer/tokenizer.h"

#include "mlux/error.h"
#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/tokenizer_impl.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

// transformers' PreTrainedTokenizerBase.clean_up_tokenization, the same replacements in order.
std::string clean_up_tokenization(std::string text) {
  static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
      {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) {
    std::string out;
    out.reserve(text.size());
    std::size_t previous = 0;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, previous)) {
      out.append(text, previous, at - previous).append(to);
      previous = at + from.size();
    }
    out.append(text, previous);
    text = std::move(out);
  }
  return text;
}

[[noreturn]] void fail_unknown_id(std::string_view step, std::int32_t id, std::int32_t vocab_size) {
  fail(step, ": token id ", id, " is not in this tokenizer's vocabulary (ids 0 to ", vocab_size - 1,
       "). Check that the ids come from the same model as the tokenizer.");
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace

Tokenizer Tokenizer::from_dir(const std::filesystem::path& dir) {
  const auto file = dir / "tokenizer.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    fail("tokenizer: no tokenizer.json in '", dir.string(), "'. mlux reads Hugging Face tokenizer.json files; ",
         "point at a model directory that has one (or pass the file itself).");
  return from_file(file);
}

Tokenizer Tokenizer::from_file(const std::filesystem::path& tokenizer_json) {
  const std::string text = read_text_file(tokenizer_json.string(), "tokenizer.json");
  return Tokenizer(build_tokenizer(text, tokenizer_json.string(), read_tokenizer_config(tokenizer_json.parent_path())));
}

Tokenizer Tokenizer::from_json(std::string_view tokenizer_json, std::string_view name) {
  return Tokenizer(build_tokenizer(tokenizer_json, std::string(name), TokenizerConfig{}));
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, EncodeOptions options) const {
  std::string repaired;
  if (!utf8::is_valid(text)) {
    repaired = utf8::repair(text);
    text = repaired;
  }
  const Impl& t = *impl_;
  Pieces pieces;
  t.added.extract_and_normalize(text, t.normalizer.get(), pieces);
  if (t.pre_tokenizer) t.pre_tokenizer->pre_tokenize(pieces);
  std::vector<std::int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  for (const Piece& p : pieces) {
    if (p.is_token()) ids.push_back(p.token_id);
    else t.model->tokenize(p.text, ids);
  }
  if (t.post_processor) t.post_processor->process(ids, options.add_special_tokens);
  return ids;
}

std::string Tokenizer::decode(std::span<const std::int32_t> ids, DecodeOptions options) const {
  const Impl& t = *impl_;
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (std::int32_t id : ids) {
    const std::string* piece = t.piece(id);
    if (piece == nullptr) fail_unknown_id("decode", id, t.vocab_size);
    if (options.skip_special_tokens && is_special(id)) continue;
    tokens.push_back(*piece);
  }
  std::string text;
  if (t.decoder) {
    t.decoder->decode_chain(tokens, DecodeContext{});
    text = join(tokens, "");
  } else {
    text = join(tokens, " ");
  }
  return options.clean_up_tokenization_spaces ? clean_up_tokenization(std::move(text)) : text;
}

std::string Tokenizer::decode_one(std::int32_t id) const {
  const Impl& t = *impl_;
  std::vector<std::string> tokens{id_to_piece(id)};
  if (t.added.find(id) != nullptr || !t.decoder) return tokens[0];
  t.decoder->decode_chain(tokens, DecodeContext{.at_text_start = false});
  return join(tokens, "");
}

const std::string& Tokenizer::id_to_piece(std::int32_t id) const {
  const std::string* piece = impl_->piece(id);
  if (piece == nullptr) fail_unknown_id("id_to_piece", id, impl_->vocab_size);
  return *piece;
}

std::optional<std::int32_t> Tokenizer::token_to_id(std::string_view piece) const {
  if (auto id = impl_->added.find(piece)) return id;
  return impl_->model->vocab().find(piece);
}

std::int32_t Tokenizer::vocab_size() const { return impl_->vocab_size; }

bool Tokenizer::is_special(std::int32_t id) const {
  return id >= 0 && id < impl_->vocab_size && impl_->special_by_id[static_cast<std::size_t>(id)];
}

std::optional<std::int32_t> Tokenizer::bos_id() const { return impl_->bos_id; }

const std::set<std::int32_t>& Tokenizer::eos_ids() const { return impl_->eos_ids; }

std::vector<std::int32_t> Tokenizer::with_bos(std::span<const std::int32_t> ids) const {
  std::vector<std::int32_t> out;
  out.reserve(ids.size() + 1);
  if (impl_->bos_id && (ids.empty() || ids.front() != *impl_->bos_id)) out.push_back(*impl_->bos_id);
  out.insert(out.end(), ids.begin(), ids.end());
  return out;
}

const SpecialTokens& Tokenizer::special_tokens() const { return impl_->config.special_tokens; }

const std::optional<std::string>& Tokenizer::chat_template() const { return impl_->config.chat_template; }

bool Tokenizer::clean_up_tokenization_spaces() const { return impl_->config.clean_up_tokenization_spaces; }

}  // namespace mlux::tokenizer

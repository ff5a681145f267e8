// AddedVocabulary: reading added_tokens and cutting them out of the input (see
// added_vocabulary.h). The matching rules follow HF added_vocabulary.rs find_matches.
#include "mlux/tokenizer/added_vocabulary.h"

#include <algorithm>

#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/normalizers.h"
#include "mlux/tokenizer/unicode.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

AddedToken read_added_token(const JsonView& j) {
  AddedToken t;
  t.id = j["id"].token_id();
  t.content = j["content"].string();
  t.single_word = j.bool_or("single_word", false);
  t.lstrip = j.bool_or("lstrip", false);
  t.rstrip = j.bool_or("rstrip", false);
  t.normalized = j.bool_or("normalized", true);  // HF's AddedToken default
  t.special = j.bool_or("special", false);
  return t;
}

// The character that ends text[0, end), or 0 at the start.
char32_t char_before(std::string_view text, std::size_t end) {
  if (end == 0) return 0;
  std::size_t lead = end - 1;
  while (lead > 0 && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
  return utf8::decode(text, lead);
}

// Where the run of whitespace that ends at `end` begins.
std::size_t whitespace_run_start(std::string_view text, std::size_t end) {
  while (end > 0 && unicode::is_whitespace(char_before(text, end))) {
    --end;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  return end;
}

// Where the run of whitespace that starts at `begin` ends.
std::size_t whitespace_run_end(std::string_view text, std::size_t begin) {
  for (std::size_t pos = begin; pos < text.size();) {
    if (!unicode::is_whitespace(utf8::decode(text, pos))) return begin;
    begin = pos;
  }
  return begin;
}

bool word_char_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return false;
  return unicode::is_word_char(utf8::decode(text, pos));
}

}  // namespace

// HF AddedVocabulary::add_tokens: the id is the token's existing one (added or model vocab),
// else one past the largest added id, or the model's vocabulary size if that is larger.
void AddedVocabulary::add(AddedToken token, const Vocab& model_vocab, const Normalizer* normalizer) {
  if (token.content.empty()) return;  // HF ignores empty tokens
  token.piece = token.content;
  if (token.normalized && normalizer != nullptr) normalizer->normalize(token.piece);
  const auto vocab_size = static_cast<std::int32_t>(model_vocab.size());
  if (auto existing = find(std::string_view(token.content))) {
    token.id = *existing;
  } else if (auto in_model = model_vocab.find(token.content)) {
    token.id = *in_model;
  } else {
    token.id = largest_id_ >= vocab_size || vocab_size == 0 ? largest_id_ + 1 : vocab_size;
  }
  largest_id_ = std::max(largest_id_, token.id);
  id_by_content_[token.content] = token.id;
  if (auto it = index_by_id_.find(token.id); it != index_by_id_.end()) {
    tokens_[it->second] = std::move(token);  // a later token with the same id replaces the earlier
    return;
  }
  index_by_id_[token.id] = tokens_.size();
  tokens_.push_back(std::move(token));
}

AddedVocabulary AddedVocabulary::from_json(const JsonView& added_tokens, const Vocab& model_vocab, const Normalizer* normalizer) {
  if (!added_tokens.is_array()) added_tokens.fail("expected an array of added tokens, got ", added_tokens.excerpt(), ".");
  AddedVocabulary v;
  for (std::size_t i = 0; i < added_tokens.size(); ++i) v.add(read_added_token(added_tokens.at(i)), model_vocab, normalizer);
  // HF builds its matchers from the special tokens first, then the others.
  for (bool special : {true, false}) {
    for (const AddedToken& t : v.tokens_) {
      if (t.special != special) continue;
      if (t.normalized) v.normalized_trie_.insert(t.piece, t.id);
      else v.raw_trie_.insert(t.content, t.id);
    }
  }
  return v;
}

const AddedToken* AddedVocabulary::find(std::int32_t id) const {
  auto it = index_by_id_.find(id);
  return it == index_by_id_.end() ? nullptr : &tokens_[it->second];
}

std::optional<std::int32_t> AddedVocabulary::find(std::string_view content) const {
  auto it = id_by_content_.find(content);
  if (it == id_by_content_.end()) return std::nullopt;
  return it->second;
}

void AddedVocabulary::find_matches(std::string_view text, const TokenTrie& trie, std::vector<Match>& out) const {
  std::size_t previous_end = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const TokenTrie::Found found = trie.longest_at(text, pos);
    if (found.length == 0) {
      ++pos;
      continue;
    }
    Span span{pos, pos + found.length};
    pos = span.end;  // like Aho-Corasick, the scan resumes after the match even if it is rejected
    const AddedToken& token = *find(found.value);
    if (token.single_word && (word_char_at(text, span.end) || unicode::is_word_char(char_before(text, span.begin))))
      continue;
    if (token.lstrip) span.begin = std::max(whitespace_run_start(text, span.begin), previous_end);
    if (token.rstrip) span.end = whitespace_run_end(text, span.end);
    out.push_back({span, token.id});
    previous_end = span.end;
  }
}

void AddedVocabulary::split(const Piece& piece, const TokenTrie& trie, Pieces& out) const {
  std::vector<Match> matches;
  find_matches(piece.text, trie, matches);
  std::size_t previous = 0;
  auto text_piece = [&](std::size_t begin, std::size_t end) {
    out.push_back({piece.text.substr(begin, end - begin), -1, piece.at_input_start && begin == 0});
  };
  for (const Match& m : matches) {
    if (previous < m.span.begin) text_piece(previous, m.span.begin);
    out.push_back({piece.text.substr(m.span.begin, m.span.end - m.span.begin), m.id, false});
    previous = m.span.end;
  }
  if (previous < piece.text.size()) text_piece(previous, piece.text.size());
}

void AddedVocabulary::extract_and_normalize(std::string_view input, const Normalizer* normalizer, Pieces& out) const {
  out.clear();
  if (input.empty()) return;
  Piece whole{std::string(input), -1, true};
  if (raw_trie_.empty()) out.push_back(std::move(whole));
  else split(whole, raw_trie_, out);
  if (normalizer == nullptr && normalized_trie_.empty()) return;
  split_pieces(out, [&](const Piece& piece, Pieces& result) {
    Piece normalized = piece;
    if (normalizer != nullptr) normalizer->normalize(normalized.text);
    if (normalized_trie_.empty()) result.push_back(std::move(normalized));
    else split(normalized, normalized_trie_, result);
  });
}

}  // namespace mlux::tokenizer

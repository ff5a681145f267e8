// BpeModel: loading (vocab, merges, options) and the per-word algorithm (see bpe.h).
#include "mlux/tokenizer/bpe.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <utility>

#include "mlux/error.h"
#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

std::vector<std::pair<std::string, std::int32_t>> read_vocab(ModelTables& tables, const JsonView& model) {
  if (!tables.has_vocab) model.fail("required field 'vocab' is missing; a BPE model needs {token: id}.");
  std::vector<std::pair<std::string, std::int32_t>> entries;
  entries.reserve(tables.vocab.size());
  for (auto& [token, id] : tables.vocab) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() > INT32_MAX)
      mlux::fail(model.file(), ": model.vocab: token '", token, "' has id ", id.dump(), "; ids must be integers from 0 to 2^31-1.");
    entries.emplace_back(std::move(token), id.get<std::int32_t>());
  }
  tables.vocab.clear();
  return entries;
}

BpeOptions read_options(const JsonView& model) {
  BpeOptions o;
  o.unk_token = model.optional_string("unk_token");
  o.continuing_subword_prefix = model.string_or("continuing_subword_prefix", "");
  o.end_of_word_suffix = model.string_or("end_of_word_suffix", "");
  o.fuse_unk = model.bool_or("fuse_unk", false);
  o.byte_fallback = model.bool_or("byte_fallback", false);
  o.ignore_merges = model.bool_or("ignore_merges", false);
  return o;
}

// A merge that may apply: the pair starting at symbol `pos` merges into `merged`.
struct Candidate {
  std::int32_t rank;
  std::int32_t pos;
  std::int32_t merged;
  bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

constexpr std::string_view kMarker = "\xE2\x96\x81";  // U+2581 '▁', SentencePiece's space

// Adds every character that directly precedes a '▁' inside token.
void note_chars_before_marker(std::string_view token, std::unordered_set<char32_t>& out) {
  for (std::size_t at = token.find(kMarker, 1); at != std::string_view::npos; at = token.find(kMarker, at + 1)) {
    std::size_t lead = at - 1;
    while (lead > 0 && (static_cast<unsigned char>(token[lead]) & 0xC0) == 0x80) --lead;
    out.insert(utf8::decode(token, lead));
  }
}

}  // namespace

std::unique_ptr<BpeModel> BpeModel::from_json(const JsonView& model, ModelTables tables) {
  const std::string type = model.find("type") ? model.type() : "BPE";
  if (type != "BPE")
    model["type"].fail("model type '", type, "' is not supported. mlux supports BPE models ",
                       "(GPT-2, Llama 3, Qwen, Gemma, Mistral); Unigram, WordPiece and WordLevel are not implemented.");
  if (tables.merge_error)
    mlux::fail(model.file(), ": model.merges[", tables.merge_error->first, "]: ", tables.merge_error->second);
  Vocab vocab(read_vocab(tables, model));
  MergeTable merges = build_merge_table(tables.merges, vocab, model);
  return std::make_unique<BpeModel>(std::move(vocab), std::move(merges), read_options(model));
}

BpeModel::BpeModel(Vocab vocab, MergeTable merges, BpeOptions options)
    : vocab_(std::move(vocab)), merges_(std::move(merges)), options_(std::move(options)) {
  if (options_.unk_token) unk_id_ = vocab_.find(*options_.unk_token);
  char name[8];
  for (int b = 0; b < 256; ++b) {
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    byte_ids_[static_cast<std::size_t>(b)] = vocab_.find(name).value_or(-1);
  }
  bmp_char_ids_.assign(0x10000, -1);
  cut_before_marker_ = vocab_.find(kMarker).has_value();
  for (std::int32_t id = 0; id < vocab_.id_bound(); ++id) {
    const std::string* token = vocab_.token(id);
    if (token == nullptr || token->empty()) continue;
    if (cut_before_marker_) note_chars_before_marker(*token, glued_to_marker_);
    if (token->size() > 3) continue;
    std::size_t pos = 0;
    const char32_t c = utf8::decode(*token, pos);
    if (pos == token->size() && c < 0x10000 && vocab_.find(*token) == id) bmp_char_ids_[c] = id;
  }
}

std::int32_t BpeModel::unk_id(std::string_view word) const {
  if (!unk_id_)
    fail("BPE: cannot encode '", word, "': it has a character that is not in the vocabulary, and unk_token '",
         options_.unk_token.value_or(""), "' is not in model.vocab either. The tokenizer.json is inconsistent.");
  return *unk_id_;
}

std::optional<std::int32_t> BpeModel::char_id(std::string_view word, std::size_t begin, std::size_t end) const {
  const bool prefixed = begin > 0 && !options_.continuing_subword_prefix.empty();
  const bool suffixed = end == word.size() && !options_.end_of_word_suffix.empty();
  if (!prefixed && !suffixed) {
    if (end - begin <= 3) {  // below U+10000: the table holds every one-character token
      std::size_t pos = begin;
      const std::int32_t id = bmp_char_ids_[utf8::decode(word, pos)];
      return id >= 0 ? std::optional<std::int32_t>(id) : std::nullopt;
    }
    return vocab_.find(word.substr(begin, end - begin));
  }
  std::string s = prefixed ? options_.continuing_subword_prefix : std::string();
  s.append(word.substr(begin, end - begin));
  if (suffixed) s += options_.end_of_word_suffix;
  return vocab_.find(s);
}

// Mirrors HF merge_word: a pending unknown is flushed before the next known character (and at
// the end); byte-fallback tokens do not flush it.
void BpeModel::initial_symbols(std::string_view word, std::vector<Symbol>& symbols) const {
  std::optional<std::int32_t> pending_unk;
  auto push = [&](std::int32_t id) {
    symbols.push_back({id, static_cast<std::int32_t>(symbols.size()) - 1, -1, true});
  };
  for (std::size_t begin = 0; begin < word.size();) {
    const std::size_t end = begin + utf8::length_from_lead(static_cast<unsigned char>(word[begin]));
    if (auto id = char_id(word, begin, end)) {
      if (pending_unk) push(*std::exchange(pending_unk, std::nullopt));
      push(*id);
    } else if (options_.byte_fallback &&
               std::all_of(word.begin() + static_cast<std::ptrdiff_t>(begin), word.begin() + static_cast<std::ptrdiff_t>(end),
                           [&](char b) { return byte_ids_[static_cast<unsigned char>(b)] >= 0; })) {
      for (std::size_t i = begin; i < end; ++i) push(byte_ids_[static_cast<unsigned char>(word[i])]);
    } else if (options_.unk_token) {
      if (pending_unk && !options_.fuse_unk) push(*pending_unk);
      pending_unk = unk_id(word);
    }
    begin = end;
  }
  if (pending_unk) push(*pending_unk);
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i) symbols[i].next = static_cast<std::int32_t>(i + 1);
}

// HF Word::merge_all without dropout: a min-heap of candidate merges ordered by (rank,
// position); stale candidates (a side already merged away) are skipped when popped.
void BpeModel::merge_all(std::vector<Symbol>& symbols) const {
  thread_local std::vector<Candidate> heap;  // reused across words: no allocation per word
  heap.clear();
  const auto later = std::greater<>{};
  auto consider = [&](std::int32_t pos) {
    const Symbol& s = symbols[static_cast<std::size_t>(pos)];
    if (s.next < 0) return;
    if (const Merge* m = merges_.find(s.id, symbols[static_cast<std::size_t>(s.next)].id)) {
      heap.push_back({m->rank, pos, m->merged});
      std::push_heap(heap.begin(), heap.end(), later);
    }
  };
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i) consider(static_cast<std::int32_t>(i));

  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const Candidate top = heap.back();
    heap.pop_back();
    Symbol& left = symbols[static_cast<std::size_t>(top.pos)];
    if (!left.live || left.next < 0) continue;
    Symbol& right = symbols[static_cast<std::size_t>(left.next)];
    const Merge* m = merges_.find(left.id, right.id);
    if (m == nullptr || m->merged != top.merged) continue;  // stale
    left.id = top.merged;
    right.live = false;
    left.next = right.next;
    if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.pos;
    if (left.prev >= 0) consider(left.prev);
    consider(top.pos);
  }
}

void BpeModel::tokenize(std::string_view word, std::vector<std::int32_t>& ids) const {
  if (!cut_before_marker_ || word.size() <= WordCache::kMaxWordBytes) return tokenize_piece(word, ids);
  std::size_t begin = 0;
  for (std::size_t at = word.find(kMarker, 1); at != std::string_view::npos; at = word.find(kMarker, at + 1)) {
    std::size_t lead = at - 1;
    while (lead > 0 && (static_cast<unsigned char>(word[lead]) & 0xC0) == 0x80) --lead;
    if (glued_to_marker_.contains(utf8::decode(word, lead))) continue;
    tokenize_piece(word.substr(begin, at - begin), ids);
    begin = at;
  }
  tokenize_piece(word.substr(begin), ids);
}

void BpeModel::tokenize_piece(std::string_view word, std::vector<std::int32_t>& ids) const {
  if (word.empty()) return;
  if (options_.ignore_merges) {
    if (auto id = vocab_.find(word)) {
      ids.push_back(*id);
      return;
    }
  }
  if (cache_.lookup(word, ids)) return;
  thread_local std::vector<Symbol> symbols;
  symbols.clear();
  initial_symbols(word, symbols);
  merge_all(symbols);
  const std::size_t first = ids.size();
  for (const Symbol& s : symbols)
    if (s.live) ids.push_back(s.id);
  cache_.insert(word, ids.data() + first, ids.size() - first);
}

}  // namespace mlux::tokenizer

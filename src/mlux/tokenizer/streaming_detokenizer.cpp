// StreamingDetokenizer (see streaming_detokenizer.h).
#include "mlux/tokenizer/streaming_detokenizer.h"

#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

// Every supported decoder only appends after the context's text, so this is the context's
// length; for a decoder that rewrote it, emitting from the first difference loses no text.
std::size_t shared_prefix_length(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  while (n > 0 && n < a.size() && (static_cast<unsigned char>(a[n]) & 0xC0) == 0x80) --n;  // whole characters
  return n;
}

// "<0xHH>", the SentencePiece byte-fallback spelling of one byte.
bool is_byte_token(std::string_view piece) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  return piece.size() == 6 && piece.starts_with("<0x") && piece[5] == '>' && hex(piece[3]) && hex(piece[4]);
}

}  // namespace

StreamingDetokenizer::StreamingDetokenizer(Tokenizer tokenizer, DecodeOptions options)
    : tokenizer_(std::move(tokenizer)), options_(options) {
  options_.clean_up_tokenization_spaces = false;
}

std::string StreamingDetokenizer::decode(const std::vector<std::int32_t>& ids) const {
  return tokenizer_.decode(ids, options_);
}

std::string StreamingDetokenizer::push(std::int32_t id) {
  window_.push_back(id);
  // A run of byte-fallback tokens decodes as a whole: one more invalid byte turns the whole run,
  // even a character already complete, into U+FFFDs. So the run is held until it ends. A skipped
  // special token adds no text and does not end the run (decode drops it before the decoder).
  if (is_byte_token(tokenizer_.id_to_piece(id))) return {};
  if (options_.skip_special_tokens && tokenizer_.is_special(id)) return {};
  std::string text = decode(window_);
  // Hold back while nothing new appeared, or while the text ends in U+FFFD, which is what an
  // unfinished character decodes to.
  if (text.size() <= context_text_.size() || text.ends_with(utf8::kReplacementUtf8)) return {};
  std::string fresh = text.substr(shared_prefix_length(text, context_text_));

  // The pending ids become the context. A context that decodes to nothing (a skipped special
  // token, a lone SentencePiece space the decoder strips at a text start) would make the next
  // id look like the start of a text, so then the older context is kept as well.
  std::vector<std::int32_t> pending(window_.begin() + static_cast<std::ptrdiff_t>(context_size_), window_.end());
  std::string pending_text = decode(pending);
  if (!pending_text.empty()) {
    window_ = std::move(pending);
    context_text_ = std::move(pending_text);
  } else {
    context_text_ = std::move(text);
  }
  context_size_ = window_.size();
  return fresh;
}

std::string StreamingDetokenizer::finish() {
  std::string text = decode(window_);
  std::string rest = text.size() > context_text_.size() ? text.substr(shared_prefix_length(text, context_text_))
                                                       : std::string();
  window_.clear();
  context_size_ = 0;
  context_text_.clear();
  return rest;
}

}  // namespace mlux::tokenizer

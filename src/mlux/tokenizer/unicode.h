// Character classes and Unicode transforms, each defined the way Hugging Face `tokenizers`
// (Rust) defines it, on top of utf8proc's tables. Where Rust's definition has a name, the
// function says which one it mirrors.
#pragma once

#include <string>
#include <string_view>

namespace mlux::tokenizer::unicode {

/// The White_Space property (Rust `char::is_whitespace`).
bool is_whitespace(char32_t c);

/// ASCII punctuation or a Unicode P* category (HF `pre_tokenizers::punctuation::is_punc`).
bool is_punctuation(char32_t c);

/// Nd, Nl or No (Rust `char::is_numeric`).
bool is_numeric(char32_t c);

/// A "word" character as the Rust `regex` crate's `\w` sees it: alphabetic, mark, decimal digit,
/// connector punctuation or a join control. Used by added tokens' `single_word`.
bool is_word_char(char32_t c);

/// A mark (Mn, Mc, Me): what `StripAccents` removes.
bool is_mark(char32_t c);

/// Appends the full lowercase mapping of c (Rust `char::to_lowercase`: U+0130 becomes two chars).
void append_lowercase(std::string& out, char32_t c);

enum class NormalizationForm { nfc, nfd, nfkc, nfkd };

/// text (valid UTF-8) in the given normalization form.
std::string normalize(std::string_view text, NormalizationForm form);

}  // namespace mlux::tokenizer::unicode

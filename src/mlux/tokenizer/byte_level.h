// The GPT-2 byte-to-character table that byte-level BPE vocabularies are written in: each of
// the 256 byte values stands for one printable character. Bytes 33-126, 161-172 and 174-255
// stand for the character with the same code; the other 68 bytes take U+0100, U+0101, ... in
// increasing byte order (so ' ' is 'Ġ' U+0120 and '\n' is 'Ċ' U+010A).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mlux::tokenizer::byte_level {

/// The character that stands for byte b.
char32_t char_for_byte(std::uint8_t b);

/// UTF-8 of char_for_byte(b).
std::string_view utf8_for_byte(std::uint8_t b);

/// The byte that character c stands for, or -1 when c is not in the table.
int byte_for_char(char32_t c);

/// Appends the byte-level spelling of text (each byte becomes its character).
void append_encoded(std::string& out, std::string_view text);

/// Appends the bytes a byte-level token spells, when every character of the token is in the
/// table; returns false (appending nothing) otherwise.
bool append_decoded(std::string& bytes, std::string_view token);

}  // namespace mlux::tokenizer::byte_level

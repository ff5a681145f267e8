// The byte-level table (see byte_level.h), built once.
#include "mlux/tokenizer/byte_level.h"

#include <array>

#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer::byte_level {
namespace {

constexpr char32_t kTableEnd = 0x144;  // every character in the table is below U+0144

struct Table {
  std::array<char32_t, 256> char_of_byte{};
  std::array<std::string, 256> utf8_of_byte{};
  std::array<int, kTableEnd> byte_of_char{};

  Table() {
    byte_of_char.fill(-1);
    char32_t next_extra = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
      const char32_t c = printable ? static_cast<char32_t>(b) : next_extra++;
      char_of_byte[b] = c;
      utf8_of_byte[b] = utf8::encode(c);
      byte_of_char[c] = b;
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

char32_t char_for_byte(std::uint8_t b) { return table().char_of_byte[b]; }

std::string_view utf8_for_byte(std::uint8_t b) { return table().utf8_of_byte[b]; }

int byte_for_char(char32_t c) { return c < kTableEnd ? table().byte_of_char[c] : -1; }

void append_encoded(std::string& out, std::string_view text) {
  const Table& t = table();
  for (unsigned char b : text) out += t.utf8_of_byte[b];
}

bool append_decoded(std::string& bytes, std::string_view token) {
  const std::size_t mark = bytes.size();
  for (std::size_t pos = 0; pos < token.size();) {
    const int b = byte_for_char(utf8::decode(token, pos));
    if (b < 0) {
      bytes.resize(mark);
      return false;
    }
    bytes += static_cast<char>(b);
  }
  return true;
}

}  // namespace mlux::tokenizer::byte_level

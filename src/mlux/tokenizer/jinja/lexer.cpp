// The template lexer (see lexer.h). It follows Jinja2's lexer rule by rule: text runs to the next
// "{{", "{%" or "{#"; inside a tag, whitespace separates tokens and the closing delimiter only
// counts outside brackets, so `{{ {'a': {'b': 1}} }}` works.
#include "mlux/tokenizer/jinja/lexer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>

#include "mlux/tokenizer/jinja/unicode.h"
#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {
namespace {

enum class TagKind { variable, block, comment };

// Longest operators first, so "**" wins over "*".
constexpr std::array<std::string_view, 29> kOperators = {
    "//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(",
    ")",  "{",  "}",  ">",  "<",  "=",  ".", ":", "|", ",", ";", "!", "@", "^"};

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Normalizes newlines to "\n" and drops one trailing newline, as Jinja2 does before lexing.
std::string normalize_source(std::string_view source, bool keep_trailing_newline) {
  std::string out;
  out.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out += source[i];
    }
  }
  if (!keep_trailing_newline && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class Lexer {
 public:
  Lexer(std::string source, const std::string& name, LexerOptions options)
      : src_(std::move(source)), name_(name), options_(options) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
  }

  std::vector<Token> run() {
    while (pos_ < src_.size()) lex_text_and_tag();
    push(TokenType::end, "", src_.size());
    return std::move(tokens_);
  }

 private:
  std::string src_;
  const std::string& name_;
  LexerOptions options_;
  std::vector<std::size_t> line_starts_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  bool line_starting_ = true;  // the last thing consumed ended with a newline
  mutable SourceLocation cached_{0, 1};
  mutable std::size_t cached_offset_ = 0;

  // Tokens are located in increasing order, so the column is counted on from the last one.
  SourceLocation location(std::size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
    int line = static_cast<int>(it - line_starts_.begin()) + 1;
    if (line != cached_.line || offset < cached_offset_) {
      cached_ = {line, 1};
      cached_offset_ = *it;
    }
    cached_.column += static_cast<int>(unicode::length(std::string_view(src_).substr(cached_offset_, offset - cached_offset_)));
    cached_offset_ = offset;
    return cached_;
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& detail) const { fail_syntax(name_, location(offset), detail); }

  Token& push(TokenType type, std::string text, std::size_t offset) {
    tokens_.push_back(Token{type, std::move(text), location(offset)});
    return tokens_.back();
  }

  bool starts_with(std::size_t at, std::string_view s) const { return src_.compare(at, s.size(), s) == 0; }

  // Offset of the next "{{", "{%" or "{#" at or after `from`, or npos.
  std::size_t find_tag(std::size_t from) const {
    for (std::size_t i = src_.find('{', from); i != std::string::npos; i = src_.find('{', i + 1))
      if (i + 1 < src_.size() && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#')) return i;
    return std::string::npos;
  }

  // Jinja2's rules for the text before a tag: "-" strips all whitespace; otherwise, for block
  // and comment tags, lstrip_blocks strips spaces/tabs back to the start of the line.
  std::string_view strip_text_before_tag(std::string_view text, char sign, TagKind kind) const {
    if (sign == '-') return unicode::rstrip(text);
    if (sign == '+' || !options_.lstrip_blocks || kind == TagKind::variable) return text;
    std::size_t line_start = text.rfind('\n');
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    if (line_start == 0 && !line_starting_) return text;
    bool only_blanks = text.find_first_not_of(" \t", line_start) == std::string_view::npos;
    return only_blanks ? text.substr(0, line_start) : text;
  }

  void lex_text_and_tag() {
    std::size_t tag = find_tag(pos_);
    if (tag == std::string::npos) {
      push(TokenType::text, src_.substr(pos_), pos_);
      pos_ = src_.size();
      return;
    }
    TagKind kind = src_[tag + 1] == '{' ? TagKind::variable : src_[tag + 1] == '%' ? TagKind::block : TagKind::comment;
    char sign = tag + 2 < src_.size() && (src_[tag + 2] == '-' || src_[tag + 2] == '+') ? src_[tag + 2] : '\0';
    std::string_view text = strip_text_before_tag(std::string_view(src_).substr(pos_, tag - pos_), sign, kind);
    if (!text.empty()) push(TokenType::text, std::string(text), pos_);
    std::size_t inner = tag + 2 + (sign ? 1 : 0);
    if (kind == TagKind::comment) {
      lex_comment(tag, inner);
    } else if (kind == TagKind::block && is_raw_begin(inner)) {
      lex_raw(tag);
    } else {
      lex_tag(tag, inner, kind);
    }
  }

  // After a closing delimiter: "-" eats all following whitespace, "+" nothing, and a plain block
  // or comment end eats one newline when trim_blocks is on.
  void finish_tag(std::size_t after_delimiter, char sign, bool trims_newline) {
    std::size_t p = after_delimiter;
    if (sign == '-') {
      std::string_view rest = unicode::lstrip(std::string_view(src_).substr(p));
      p = src_.size() - rest.size();
    } else if (sign != '+' && trims_newline && options_.trim_blocks && p < src_.size() && src_[p] == '\n') {
      ++p;
    }
    line_starting_ = p > 0 && src_[p - 1] == '\n';
    pos_ = p;
  }

  void lex_comment(std::size_t tag, std::size_t inner) {
    std::size_t close = src_.find("#}", inner);
    if (close == std::string::npos)
      fail(tag, "the comment '{#' is never closed: add '#}' where it should end");
    char sign = close > inner && (src_[close - 1] == '-' || src_[close - 1] == '+') ? src_[close - 1] : '\0';
    finish_tag(close + 2, sign, true);
  }

  // "{%" [-+] ws "raw" ws ("%}" | "-%}")
  bool is_raw_begin(std::size_t inner) const {
    std::size_t p = inner;
    while (p < src_.size() && unicode::is_space(static_cast<unsigned char>(src_[p]))) ++p;
    if (!starts_with(p, "raw") || (p + 3 < src_.size() && is_name_char(src_[p + 3]))) return false;
    p += 3;
    while (p < src_.size() && unicode::is_space(static_cast<unsigned char>(src_[p]))) ++p;
    return starts_with(p, "%}") || starts_with(p, "-%}");
  }

  void lex_raw(std::size_t tag) {
    std::size_t open_end = src_.find("%}", tag) + 2;
    finish_tag(open_end, src_[open_end - 3] == '-' ? '-' : '\0', false);
    for (std::size_t at = find_tag(pos_); at != std::string::npos; at = find_tag(at + 1)) {
      if (src_[at + 1] != '%') continue;
      char sign = at + 2 < src_.size() && (src_[at + 2] == '-' || src_[at + 2] == '+') ? src_[at + 2] : '\0';
      std::size_t p = at + 2 + (sign ? 1 : 0);
      while (p < src_.size() && unicode::is_space(static_cast<unsigned char>(src_[p]))) ++p;
      if (!starts_with(p, "endraw")) continue;
      p += 6;
      while (p < src_.size() && unicode::is_space(static_cast<unsigned char>(src_[p]))) ++p;
      char end_sign = src_[p] == '-' || src_[p] == '+' ? src_[p] : '\0';
      if (!starts_with(p + (end_sign ? 1 : 0), "%}")) continue;
      std::string_view body = strip_text_before_tag(std::string_view(src_).substr(pos_, at - pos_), sign, TagKind::block);
      if (!body.empty()) push(TokenType::text, std::string(body), pos_);
      finish_tag(p + (end_sign ? 1 : 0) + 2, end_sign, true);
      return;
    }
    fail(tag, "'{% raw %}' is never closed: add '{% endraw %}'");
  }

  // Returns the length of the closing delimiter at p (with its sign), or 0.
  std::size_t closing_delimiter(std::size_t p, TagKind kind, char& sign) const {
    std::string_view close = kind == TagKind::variable ? "}}" : "%}";
    sign = '\0';
    if (starts_with(p, close)) return 2;
    bool plus_allowed = kind == TagKind::block;
    if (p < src_.size() && (src_[p] == '-' || (plus_allowed && src_[p] == '+')) && starts_with(p + 1, close)) {
      sign = src_[p];
      return 3;
    }
    return 0;
  }

  void lex_tag(std::size_t tag, std::size_t inner, TagKind kind) {
    push(kind == TagKind::variable ? TokenType::variable_begin : TokenType::block_begin,
         kind == TagKind::variable ? "{{" : "{%", tag);
    std::vector<std::pair<char, std::size_t>> brackets;  // open bracket and its offset
    std::size_t p = inner;
    for (;;) {
      while (p < src_.size() && unicode::is_space(static_cast<unsigned char>(src_[p]))) ++p;
      if (p >= src_.size()) {
        std::string opener = kind == TagKind::variable ? "'{{'" : "'{%'";
        std::string closer = kind == TagKind::variable ? "'}}'" : "'%}'";
        if (!brackets.empty())
          fail(brackets.back().second, str("'", brackets.back().first, "' is never closed before the end of the template"));
        fail(tag, str("the tag ", opener, " is never closed: add ", closer));
      }
      char sign = '\0';
      if (brackets.empty()) {
        if (std::size_t len = closing_delimiter(p, kind, sign)) {
          push(kind == TagKind::variable ? TokenType::variable_end : TokenType::block_end,
               kind == TagKind::variable ? "}}" : "%}", p);
          finish_tag(p + len, sign, kind == TagKind::block);
          return;
        }
      }
      p = lex_token(p, brackets);
    }
  }

  // Lexes one token inside a tag at p; returns the offset after it.
  std::size_t lex_token(std::size_t p, std::vector<std::pair<char, std::size_t>>& brackets) {
    char c = src_[p];
    if (is_digit(c)) return lex_number(p);
    if (is_name_start(c)) {
      std::size_t end = p;
      while (end < src_.size() && is_name_char(src_[end])) ++end;
      push(TokenType::name, src_.substr(p, end - p), p);
      return end;
    }
    if (c == '\'' || c == '"') return lex_string(p);
    for (std::string_view op : kOperators) {
      if (!starts_with(p, op)) continue;
      if (op == "!" || op == "@" || op == "^" || op == ";")
        fail(p, str("unexpected character '", op, "' inside a tag"));
      track_bracket(op[0], p, brackets);
      push(TokenType::op, std::string(op), p);
      return p + op.size();
    }
    std::string ch;
    unicode::append(ch, unicode::decode(std::string_view(src_).substr(p, 4))[0]);
    fail(p, str("unexpected character '", ch, "' inside a tag"));
  }

  void track_bracket(char c, std::size_t p, std::vector<std::pair<char, std::size_t>>& brackets) {
    if (c == '(' || c == '[' || c == '{') {
      brackets.emplace_back(c, p);
      return;
    }
    if (c != ')' && c != ']' && c != '}') return;
    char expected_open = c == ')' ? '(' : c == ']' ? '[' : '{';
    if (brackets.empty()) fail(p, str("unexpected '", c, "': there is no open bracket to close"));
    if (brackets.back().first != expected_open) {
      char want = brackets.back().first == '(' ? ')' : brackets.back().first == '[' ? ']' : '}';
      fail(p, str("unexpected '", c, "': expected '", want, "' to close the '", brackets.back().first, "' at ",
                  location(brackets.back().second).line, ":", location(brackets.back().second).column));
    }
    brackets.pop_back();
  }

  std::size_t skip_digits(std::size_t p) const {
    while (p < src_.size() && (is_digit(src_[p]) || (src_[p] == '_' && p + 1 < src_.size() && is_digit(src_[p + 1])))) ++p;
    return p;
  }

  std::size_t lex_number(std::size_t p) {
    std::size_t end = skip_digits(p);
    bool after_dot = p > 0 && src_[p - 1] == '.';  // `items.0.name`: an index, never a float
    bool is_float = false;
    if (!after_dot && end + 1 < src_.size() && src_[end] == '.' && is_digit(src_[end + 1])) {
      end = skip_digits(end + 1);
      is_float = true;
    }
    if (!after_dot && end < src_.size() && (src_[end] == 'e' || src_[end] == 'E')) {
      std::size_t q = end + 1;
      if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) ++q;
      if (q < src_.size() && is_digit(src_[q])) {
        end = skip_digits(q);
        is_float = true;
      }
    }
    std::string text = src_.substr(p, end - p);
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    Token& token = push(is_float ? TokenType::floating : TokenType::integer, text, p);
    if (is_float) {
      token.float_value = std::strtod(text.c_str(), nullptr);
    } else {
      errno = 0;
      token.int_value = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE) fail(p, str("the integer ", text, " does not fit in 64 bits"));
    }
    return end;
  }

  std::size_t lex_string(std::size_t p) {
    char quote = src_[p];
    std::size_t q = p + 1;
    while (q < src_.size() && src_[q] != quote) q += src_[q] == '\\' ? 2 : 1;
    if (q >= src_.size()) fail(p, str("the string starting here is never closed: add its closing ", quote));
    push(TokenType::string, unescape(std::string_view(src_).substr(p + 1, q - p - 1), p), p);
    return q + 1;
  }

  // Python's escape sequences in string literals; unknown escapes keep their backslash.
  std::string unescape(std::string_view s, std::size_t offset) const {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 >= s.size()) {
        out += s[i];
        continue;
      }
      char e = s[++i];
      switch (e) {
        case '\n': break;  // line continuation
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': case 'u': case 'U': i = unescape_hex(s, i, e, out, offset); break;
        default:
          if (e >= '0' && e <= '7') {
            char32_t cp = 0;
            std::size_t k = i;
            for (; k < s.size() && k < i + 3 && s[k] >= '0' && s[k] <= '7'; ++k) cp = cp * 8 + (s[k] - '0');
            unicode::append(out, cp);
            i = k - 1;
          } else {
            out += '\\';
            out += e;
          }
      }
    }
    return out;
  }

  std::size_t unescape_hex(std::string_view s, std::size_t i, char e, std::string& out, std::size_t offset) const {
    std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
    std::string_view hex = s.substr(i + 1, digits);
    if (hex.size() != digits || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
      fail(offset, str("truncated \\", e, " escape in a string literal: it needs ", digits, " hex digits"));
    unsigned long cp = std::strtoul(std::string(hex).c_str(), nullptr, 16);
    if (cp > 0x10FFFF) fail(offset, str("the escape \\", e, hex, " is not a Unicode code point"));
    unicode::append(out, static_cast<char32_t>(cp));
    return i + digits;
  }
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const std::string& template_name, LexerOptions options) {
  return Lexer(normalize_source(source, options.keep_trailing_newline), template_name, options).run();
}

std::string describe(const Token& token) {
  switch (token.type) {
    case TokenType::end: return "the end of the template";
    case TokenType::text: return "template text";
    case TokenType::name: return "'" + token.text + "'";
    case TokenType::string:
      return "the string " + (token.text.size() > 40 ? string_repr(token.text.substr(0, 40)) + "..." : string_repr(token.text));
    case TokenType::integer:
    case TokenType::floating: return "the number " + token.text;
    default: return "'" + token.text + "'";
  }
}

}  // namespace mlux::tokenizer::jinja

// Turns template source into tokens, with Jinja2's whitespace rules: `{%-`/`-%}` strip whitespace,
// `{%+`/`+%}` opt out of lstrip_blocks/trim_blocks, trim_blocks drops the first newline after a
// block or comment tag, lstrip_blocks strips spaces and tabs before a block or comment tag that
// starts a line, and a single trailing newline of the template is dropped. Comments vanish here;
// `{% raw %}` bodies come out as text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/tokenizer/jinja/error.h"

namespace mlux::tokenizer::jinja {

enum class TokenType {
  text,            // template text outside tags
  variable_begin,  // {{
  variable_end,    // }}
  block_begin,     // {%
  block_end,       // %}
  name,            // identifiers, including keywords (if, for, and, true...)
  string,          // a string literal, unescaped
  integer,
  floating,
  op,              // an operator or punctuation: + - * / // % ** ~ == != < <= > >= = . : | , ( ) [ ] { }
  end,             // end of the template
};

struct Token {
  TokenType type = TokenType::end;
  std::string text;  // the text, name, unescaped string, or operator
  SourceLocation where;
  std::int64_t int_value = 0;
  double float_value = 0.0;
};

struct LexerOptions {
  bool trim_blocks = true;             // transformers' setting
  bool lstrip_blocks = true;           // transformers' setting
  bool keep_trailing_newline = false;  // Jinja2's default
};

/// Throws TemplateError (syntax) naming line and column for unclosed tags, comments, strings or
/// raw blocks and for characters that can't start a token.
[[nodiscard]] std::vector<Token> tokenize(std::string_view source, const std::string& template_name, LexerOptions options = {});

/// How a token reads in an error message: "'%}'", "name 'foo'", "end of template".
[[nodiscard]] std::string describe(const Token& token);

}  // namespace mlux::tokenizer::jinja

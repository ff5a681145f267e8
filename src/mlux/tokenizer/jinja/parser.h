// Builds the syntax tree (ast.h) from tokens, following Jinja2's grammar and operator precedence
// (lowest first): `x if c else y`, or, and, not, comparisons/in/not in, + -, ~, * / // %, **,
// unary - +, then postfix .attr [item] [a:b:c] (call), | filter, is test.
#pragma once

#include <string>
#include <vector>

#include "mlux/tokenizer/jinja/ast.h"
#include "mlux/tokenizer/jinja/lexer.h"

namespace mlux::tokenizer::jinja {

/// Throws TemplateError (syntax) with line, column and the token found for malformed templates:
/// unclosed or mismatched blocks, unknown tags, filters or tests, unexpected tokens.
[[nodiscard]] Body parse(const std::vector<Token>& tokens, const std::string& template_name);

}  // namespace mlux::tokenizer::jinja

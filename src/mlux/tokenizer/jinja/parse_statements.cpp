// Statement parsing: text, {{ output }}, and the block tags (if, for, set, macro, filter, with,
// break, continue, generation). Expressions are in parse_expressions.cpp.
#include <algorithm>

#include "mlux/tokenizer/jinja/filters.h"
#include "mlux/tokenizer/jinja/parser.h"
#include "mlux/tokenizer/jinja/parser_impl.h"
#include "mlux/tokenizer/jinja/suggest.h"

namespace mlux::tokenizer::jinja {
namespace {

// Tags Jinja2 knows that a standalone chat template can't use, with the reason.
struct UnsupportedTag {
  std::string_view tag;
  std::string_view why;
};
constexpr UnsupportedTag kUnsupportedTags[] = {
    {"include", "templates are rendered standalone, with no loader for other files"},
    {"import", "templates are rendered standalone, with no loader for other files"},
    {"from", "templates are rendered standalone, with no loader for other files"},
    {"extends", "templates are rendered standalone, with no loader for other files"},
    {"block", "template inheritance needs other files; templates are rendered standalone"},
    {"call", "{% call %} blocks are not implemented (no known chat template uses them); call the macro directly"},
    {"do", "transformers does not enable Jinja2's 'do' extension, so chat templates can't use it either"},
    {"autoescape", "chat templates render without HTML escaping"},
    {"trans", "the i18n extension is not enabled for chat templates"},
};

constexpr std::string_view kKnownTags[] = {"if", "elif", "else", "endif", "for", "endfor", "set", "endset",
                                           "macro", "endmacro", "filter", "endfilter", "with", "endwith",
                                           "break", "continue", "generation", "endgeneration", "raw"};

}  // namespace

Body parse(const std::vector<Token>& tokens, const std::string& template_name) {
  return Parser(tokens, template_name).parse_template();
}

Parser::DepthGuard::DepthGuard(Parser& p) : parser_(p) {
  if (++parser_.depth_ > kMaxDepth)
    parser_.fail(parser_.current(), str("the template nests blocks or expressions more than ", kMaxDepth,
                                        " levels deep. Simplify the template"));
}

const Token& Parser::peek(std::size_t ahead) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }

bool Parser::skip_op(std::string_view op) {
  if (!at_op(op)) return false;
  advance();
  return true;
}

bool Parser::skip_name(std::string_view name) {
  if (!at_name(name)) return false;
  advance();
  return true;
}

void Parser::fail(const Token& at, const std::string& detail) const { fail_syntax(name_, at.where, detail); }

void Parser::expect_op(std::string_view op, std::string_view context) {
  if (!skip_op(op)) fail(current(), str("expected '", op, "' ", context, ", found ", describe(current())));
}

void Parser::expect_name(std::string_view name, std::string_view context) {
  if (!skip_name(name)) fail(current(), str("expected '", name, "' ", context, ", found ", describe(current())));
}

std::string Parser::expect_identifier(std::string_view context) {
  if (current().type != TokenType::name) fail(current(), str("expected a name ", context, ", found ", describe(current())));
  return advance().text;
}

void Parser::expect_block_end(std::string_view tag) {
  if (current().type == TokenType::block_end) {
    advance();
    return;
  }
  fail(current(), str("expected '%}' to end the '", tag, "' tag, found ", describe(current())));
}

Body Parser::parse_template() {
  Body body = parse_body({});
  check_unknown_names();
  return body;
}

// Parses statements until a block tag named in end_tags (left unconsumed, positioned on its
// name) or the end of the template (an error inside an open block).
Body Parser::parse_body(std::initializer_list<std::string_view> end_tags) {
  Body body;
  for (;;) {
    const Token& token = current();
    switch (token.type) {
      case TokenType::text:
        body.push_back(std::make_unique<TextStmt>(token.where, token.text));
        advance();
        break;
      case TokenType::variable_begin: {
        advance();
        if (current().type == TokenType::variable_end) fail(current(), "empty '{{ }}': put an expression between the braces");
        ExprPtr expr = parse_tuple();
        if (current().type != TokenType::variable_end)
          fail(current(), str("expected '}}' to end the expression, found ", describe(current())));
        advance();
        body.push_back(std::make_unique<OutputStmt>(token.where, std::move(expr)));
        break;
      }
      case TokenType::block_begin: {
        const Token& tag = peek();
        if (tag.type == TokenType::name &&
            std::find(end_tags.begin(), end_tags.end(), std::string_view(tag.text)) != end_tags.end()) {
          advance();
          return body;
        }
        advance();
        body.push_back(parse_statement());
        break;
      }
      case TokenType::end:
        if (!open_blocks_.empty()) {
          const OpenBlock& open = open_blocks_.back();
          fail(token, str("the '", open.tag, "' block opened at line ", open.where.line, ", column ", open.where.column,
                          " is never closed: add '{% end", open.tag, " %}'"));
        }
        return body;
      default:
        fail(token, str("unexpected ", describe(token)));
    }
  }
}

StmtPtr Parser::parse_statement() {
  DepthGuard guard(*this);
  const Token& tag = current();
  if (tag.type != TokenType::name) fail(tag, str("expected a tag name after '{%', found ", describe(tag)));
  const std::string& t = tag.text;
  SourceLocation where = tag.where;
  if (t == "if") return advance(), parse_if(where);
  if (t == "for") return advance(), parse_for(where);
  if (t == "set") return advance(), parse_set(where);
  if (t == "macro") return advance(), parse_macro(where);
  if (t == "filter") return advance(), parse_filter_block(where);
  if (t == "with") return advance(), parse_with(where);
  if (t == "generation") return advance(), parse_generation(where);
  if (t == "break" || t == "continue") return parse_loop_control(tag);
  fail_unexpected_tag(tag);
  return nullptr;
}

void Parser::fail_unexpected_tag(const Token& tag) const {
  for (const auto& u : kUnsupportedTags)
    if (tag.text == u.tag) fail(tag, str("'{% ", u.tag, " %}' is not supported: ", u.why));
  bool is_known = std::find(std::begin(kKnownTags), std::end(kKnownTags), tag.text) != std::end(kKnownTags);
  if (!is_known) {
    std::vector<std::string_view> known(std::begin(kKnownTags), std::end(kKnownTags));
    fail(tag, str("unknown tag '", tag.text, "'.", did_you_mean(tag.text, known)));
  }
  if (open_blocks_.empty()) fail(tag, str("unexpected '{% ", tag.text, " %}': no block is open here"));
  const OpenBlock& open = open_blocks_.back();
  fail(tag, str("unexpected '{% ", tag.text, " %}': the innermost open block is '", open.tag, "' (line ",
                open.where.line, ", column ", open.where.column, "), which must be closed first with '{% end",
                open.tag, " %}'"));
}

// The bodies of macro, filter, with, set and generation blocks: new frames in Jinja2, so not soft.
Body Parser::parse_block_body(std::string_view tag, SourceLocation where, std::string_view end_tag) {
  SoftScope soft(*this, false);
  open_blocks_.push_back({std::string(tag), where});
  Body body = parse_body({end_tag});
  open_blocks_.pop_back();
  advance();  // the end tag's name
  expect_block_end(end_tag);
  return body;
}

StmtPtr Parser::parse_if(SourceLocation where) {
  SoftScope soft(*this, true);
  auto stmt = std::make_unique<IfStmt>(where);
  open_blocks_.push_back({"if", where});
  std::string_view tag = "if";
  for (;;) {
    ExprPtr condition = parse_tuple(false);
    expect_block_end(tag);
    Body body = parse_body({"elif", "else", "endif"});
    stmt->branches.emplace_back(std::move(condition), std::move(body));
    std::string next = advance().text;
    if (next == "elif") {
      tag = "elif";
      continue;
    }
    if (next == "else") {
      expect_block_end("else");
      stmt->otherwise = parse_body({"endif"});
      advance();
    }
    break;
  }
  open_blocks_.pop_back();
  expect_block_end("endif");
  return stmt;
}

StmtPtr Parser::parse_for(SourceLocation where) {
  auto stmt = std::make_unique<ForStmt>(where);
  stmt->target = parse_target(false);
  expect_name("in", "after the loop variable of 'for'");
  stmt->iterable = parse_tuple(false, false, {"recursive"});
  SoftScope body_scope(*this, false);  // Jinja2 compiles the loop body in a new, hard frame
  if (skip_name("if")) stmt->filter = parse_expression();
  if (at_name("recursive")) fail(current(), "recursive loops ('for ... recursive') are not supported");
  expect_block_end("for");
  open_blocks_.push_back({"for", where});
  ++loop_depth_;
  stmt->body = parse_body({"endfor", "else"});
  --loop_depth_;
  if (advance().text == "else") {
    expect_block_end("else");
    stmt->otherwise = parse_body({"endfor"});
    advance();
  }
  open_blocks_.pop_back();
  expect_block_end("endfor");
  return stmt;
}

StmtPtr Parser::parse_set(SourceLocation where) {
  Target target = parse_target(true);
  if (skip_op("=")) {
    auto stmt = std::make_unique<SetStmt>(where);
    stmt->target = std::move(target);
    stmt->value = parse_tuple();
    expect_block_end("set");
    return stmt;
  }
  if (target.kind == Target::Kind::tuple) fail(current(), "a '{% set %}' block can only assign one name, not a tuple");
  auto stmt = std::make_unique<SetBlockStmt>(where);
  stmt->target = std::move(target);
  parse_filtered_block(*stmt, true, "set", where);
  return stmt;
}

StmtPtr Parser::parse_macro(SourceLocation where) {
  auto stmt = std::make_unique<MacroStmt>(where);
  SoftScope soft(*this, false);
  stmt->name = expect_identifier("after 'macro'");
  expect_op("(", "after the macro name");
  while (!at_op(")")) {
    if (!stmt->params.empty()) expect_op(",", "between macro parameters");
    if (at_op(")")) break;
    std::string param = expect_identifier("for a macro parameter");
    ExprPtr default_value;
    if (skip_op("=")) default_value = parse_expression();
    else if (!stmt->params.empty() && stmt->params.back().second)
      fail(current(), str("macro parameter '", param, "' has no default but follows one that has"));
    stmt->params.emplace_back(std::move(param), std::move(default_value));
  }
  advance();
  expect_block_end("macro");
  int saved_loop_depth = loop_depth_;  // a macro body is its own function: break can't leave it
  loop_depth_ = 0;
  stmt->body = parse_block_body("macro", where, "endmacro");
  loop_depth_ = saved_loop_depth;
  return stmt;
}

StmtPtr Parser::parse_filter_block(SourceLocation where) {
  auto stmt = std::make_unique<FilterBlockStmt>(where);
  parse_filtered_block(*stmt, false, "filter", where);
  return stmt;
}

StmtPtr Parser::parse_with(SourceLocation where) {
  auto stmt = std::make_unique<WithStmt>(where);
  while (current().type != TokenType::block_end) {
    if (!stmt->assignments.empty()) expect_op(",", "between 'with' assignments");
    Target target = parse_target(false);
    expect_op("=", "in a 'with' assignment");
    stmt->assignments.emplace_back(std::move(target), parse_expression());
  }
  expect_block_end("with");
  stmt->body = parse_block_body("with", where, "endwith");
  return stmt;
}

StmtPtr Parser::parse_generation(SourceLocation where) {
  auto stmt = std::make_unique<GenerationStmt>(where);
  expect_block_end("generation");
  stmt->body = parse_block_body("generation", where, "endgeneration");
  return stmt;
}

StmtPtr Parser::parse_loop_control(const Token& tag) {
  if (loop_depth_ == 0) fail(tag, str("'{% ", tag.text, " %}' outside a loop: it can only appear inside '{% for %}'"));
  auto kind = tag.text == "break" ? Stmt::Kind::break_ : Stmt::Kind::continue_;
  auto stmt = std::make_unique<LoopControlStmt>(tag.where, kind);
  std::string name = advance().text;
  expect_block_end(name);
  return stmt;
}

// name | name.attr (set only) | a, b | (a, b)
Target Parser::parse_target(bool allow_attribute) {
  Target target;
  target.where = current().where;
  bool parenthesized = skip_op("(");
  target.names.push_back(expect_identifier("to assign to"));
  if (!parenthesized && allow_attribute && skip_op(".")) {
    target.kind = Target::Kind::attribute;
    target.attribute = expect_identifier("after '.' in an assignment");
    return target;
  }
  while (skip_op(",")) {
    target.kind = Target::Kind::tuple;
    if (current().type != TokenType::name) break;
    target.names.push_back(advance().text);
  }
  if (parenthesized) {
    target.kind = Target::Kind::tuple;
    expect_op(")", "to close the names being assigned");
  }
  return target;
}

std::vector<FilterCall> Parser::parse_filter_chain(bool leading_pipe) {
  std::vector<FilterCall> filters;
  bool need_pipe = leading_pipe;
  while (!need_pipe || skip_op("|")) {
    need_pipe = true;
    const Token& name = current();
    FilterCall call{expect_identifier("for a filter"), nullptr, {}, name.where};
    call.function = lookup_filter(name);
    if (at_op("(")) call.args = parse_call_args();
    filters.push_back(std::move(call));
  }
  return filters;
}

}  // namespace mlux::tokenizer::jinja

// The parser's class, shared by parse_statements.cpp and parse_expressions.cpp (see parser.h).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/tokenizer/jinja/ast.h"
#include "mlux/tokenizer/jinja/lexer.h"

namespace mlux::tokenizer::jinja {

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const std::string& template_name) : tokens_(tokens), name_(template_name) {}
  Body parse_template();

 private:
  // A block tag waiting for its end tag, for "never closed" messages.
  struct OpenBlock {
    std::string tag;
    SourceLocation where;
  };
  // Bounds recursion so that deeply nested input fails cleanly instead of exhausting the stack.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p);
    ~DepthGuard() { --parser_.depth_; }
   private:
    Parser& parser_;
  };
  static constexpr int kMaxDepth = 200;

  const std::vector<Token>& tokens_;
  const std::string& name_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;  // for break/continue
  std::vector<OpenBlock> open_blocks_;
  // Jinja2 reports an unknown filter or test at load time, except inside an if block or an
  // inline if-expression ("soft" code, which may never run), where it fails only if reached.
  // Unknown names are collected with their softness and checked when the parse is done.
  struct UnknownName {
    const char* what;  // "filter" or "test"
    const Token* token;
    bool soft;
  };
  bool soft_ = false;
  std::vector<UnknownName> unknown_names_;
  // Sets soft_ for the lifetime of the guard.
  class SoftScope {
   public:
    SoftScope(Parser& p, bool soft) : parser_(p), saved_(p.soft_) { p.soft_ = soft; }
    ~SoftScope() { parser_.soft_ = saved_; }
   private:
    Parser& parser_;
    bool saved_;
  };
  void check_unknown_names() const;

  // ---- token stream (parse_statements.cpp)
  const Token& current() const { return tokens_[pos_]; }
  const Token& peek(std::size_t ahead = 1) const;
  const Token& advance() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool at_op(std::string_view op) const { return current().type == TokenType::op && current().text == op; }
  bool at_name(std::string_view name) const { return current().type == TokenType::name && current().text == name; }
  bool skip_op(std::string_view op);
  bool skip_name(std::string_view name);
  void expect_op(std::string_view op, std::string_view context);
  void expect_name(std::string_view name, std::string_view context);
  std::string expect_identifier(std::string_view context);
  void expect_block_end(std::string_view tag);
  [[noreturn]] void fail(const Token& at, const std::string& detail) const;

  // ---- statements (parse_statements.cpp)
  Body parse_body(std::initializer_list<std::string_view> end_tags);
  StmtPtr parse_statement();
  void fail_unexpected_tag(const Token& tag) const;
  StmtPtr parse_if(SourceLocation where);
  StmtPtr parse_for(SourceLocation where);
  StmtPtr parse_set(SourceLocation where);
  StmtPtr parse_macro(SourceLocation where);
  StmtPtr parse_filter_block(SourceLocation where);
  StmtPtr parse_with(SourceLocation where);
  StmtPtr parse_generation(SourceLocation where);
  StmtPtr parse_loop_control(const Token& tag);
  // Parses the body of a block opened by `tag`, then its closing `end_tag` and '%}'.
  Body parse_block_body(std::string_view tag, SourceLocation where, std::string_view end_tag);
  // The `filters %}body{% endtag %}` shared by `{% set x | f %}` and `{% filter f %}`.
  template <typename BlockStmt>
  void parse_filtered_block(BlockStmt& stmt, bool leading_pipe, std::string_view tag, SourceLocation where) {
    {
      SoftScope soft(*this, false);  // Jinja2 compiles these filters in the block's own frame
      stmt.filters = parse_filter_chain(leading_pipe);
    }
    expect_block_end(tag);
    stmt.body = parse_block_body(tag, where, "end" + std::string(tag));
  }
  Target parse_target(bool allow_attribute);
  std::vector<FilterCall> parse_filter_chain(bool leading_pipe);

  // ---- expressions (parse_expressions.cpp)
  ExprPtr parse_tuple(bool with_condexpr = true, bool explicit_parens = false,
                      std::initializer_list<std::string_view> extra_end_names = {});
  bool at_tuple_end(std::initializer_list<std::string_view> extra_end_names) const;
  ExprPtr parse_expression(bool with_condexpr = true);
  ExprPtr parse_condexpr();
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter = true);
  ExprPtr parse_primary();
  ExprPtr parse_list();
  ExprPtr parse_dict();
  ExprPtr parse_postfix(ExprPtr node);
  ExprPtr parse_subscript(ExprPtr node);
  ExprPtr parse_filter_expr(ExprPtr node);
  ExprPtr parse_filter(ExprPtr node);
  ExprPtr parse_test(ExprPtr node);
  Arguments parse_call_args();
  FilterFunction lookup_filter(const Token& name_token);
  TestFunction lookup_test(const Token& name_token);
};

}  // namespace mlux::tokenizer::jinja

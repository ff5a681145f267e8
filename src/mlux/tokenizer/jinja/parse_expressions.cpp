// Expression parsing, one function per precedence level, mirroring Jinja2's parser so that
// templates group exactly as they do there (e.g. `a + b is defined` is `a + (b is defined)`, and
// `-x|abs` is `(-x)|abs`).
#include <algorithm>

#include "mlux/tokenizer/jinja/filters.h"
#include "mlux/tokenizer/jinja/parser_impl.h"
#include "mlux/tokenizer/jinja/suggest.h"
#include "mlux/tokenizer/jinja/tests.h"

namespace mlux::tokenizer::jinja {
namespace {

bool is_compare_op(const Token& t, CompareOp& op) {
  if (t.type != TokenType::op) return false;
  static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
      {"==", CompareOp::equal}, {"!=", CompareOp::not_equal}, {"<", CompareOp::less},
      {"<=", CompareOp::less_equal}, {">", CompareOp::greater}, {">=", CompareOp::greater_equal}};
  for (auto [text, o] : kOps)
    if (t.text == text) {
      op = o;
      return true;
    }
  return false;
}

}  // namespace

bool Parser::at_tuple_end(std::initializer_list<std::string_view> extra_end_names) const {
  const Token& t = current();
  if (t.type == TokenType::variable_end || t.type == TokenType::block_end || t.type == TokenType::end) return true;
  if (t.type == TokenType::op && t.text == ")") return true;
  return t.type == TokenType::name && std::find(extra_end_names.begin(), extra_end_names.end(), std::string_view(t.text)) != extra_end_names.end();
}

// `a`, `a, b`, `a,` — a tuple unless it is a single item without a trailing comma.
ExprPtr Parser::parse_tuple(bool with_condexpr, bool explicit_parens, std::initializer_list<std::string_view> extra_end_names) {
  SourceLocation where = current().where;
  std::vector<ExprPtr> items;
  bool saw_comma = false;
  for (;;) {
    if (!items.empty()) {
      if (!skip_op(",")) break;
      saw_comma = true;
    }
    if (at_tuple_end(extra_end_names)) break;
    items.push_back(parse_expression(with_condexpr));
  }
  if (items.size() == 1 && !saw_comma) return std::move(items[0]);
  if (items.empty() && !explicit_parens)
    fail(current(), str("expected an expression, found ", describe(current())));
  auto tuple = std::make_unique<ListExpr>(where, true);
  tuple->items = std::move(items);
  return tuple;
}

ExprPtr Parser::parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }

ExprPtr Parser::parse_condexpr() {
  SourceLocation where = current().where;
  std::size_t first_unknown = unknown_names_.size();
  ExprPtr expr = parse_or();
  while (skip_name("if")) {
    SoftScope soft(*this, true);  // the whole inline if, its first branch included, is soft
    for (std::size_t i = first_unknown; i < unknown_names_.size(); ++i) unknown_names_[i].soft = true;
    ExprPtr condition = parse_or();
    ExprPtr otherwise = skip_name("else") ? parse_condexpr() : nullptr;
    expr = std::make_unique<ConditionalExpr>(where, std::move(expr), std::move(condition), std::move(otherwise));
  }
  return expr;
}

ExprPtr Parser::parse_or() {
  ExprPtr left = parse_and();
  while (at_name("or")) {
    SourceLocation where = advance().where;
    left = std::make_unique<BinaryExpr>(where, BinaryOp::logical_or, std::move(left), parse_and());
  }
  return left;
}

ExprPtr Parser::parse_and() {
  ExprPtr left = parse_not();
  while (at_name("and")) {
    SourceLocation where = advance().where;
    left = std::make_unique<BinaryExpr>(where, BinaryOp::logical_and, std::move(left), parse_not());
  }
  return left;
}

ExprPtr Parser::parse_not() {
  if (at_name("not")) {
    DepthGuard guard(*this);
    SourceLocation where = advance().where;
    return std::make_unique<UnaryExpr>(where, UnaryOp::logical_not, parse_not());
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
  SourceLocation where = current().where;
  ExprPtr first = parse_math1();
  std::unique_ptr<CompareExpr> compare;
  for (;;) {
    CompareOp op;
    SourceLocation op_where = current().where;
    if (is_compare_op(current(), op)) {
      advance();
    } else if (at_name("in")) {
      advance();
      op = CompareOp::in;
    } else if (at_name("not") && peek().type == TokenType::name && peek().text == "in") {
      advance();
      advance();
      op = CompareOp::not_in;
    } else {
      break;
    }
    if (!compare) compare = std::make_unique<CompareExpr>(where, std::move(first));
    compare->rest.push_back({op, parse_math1(), op_where});
  }
  if (compare) return compare;
  return first;
}

ExprPtr Parser::parse_math1() {
  ExprPtr left = parse_concat();
  while (at_op("+") || at_op("-")) {
    const Token& op = advance();
    BinaryOp kind = op.text == "+" ? BinaryOp::add : BinaryOp::subtract;
    left = std::make_unique<BinaryExpr>(op.where, kind, std::move(left), parse_concat());
  }
  return left;
}

ExprPtr Parser::parse_concat() {
  ExprPtr left = parse_math2();
  while (at_op("~")) {
    SourceLocation where = advance().where;
    left = std::make_unique<BinaryExpr>(where, BinaryOp::concat, std::move(left), parse_math2());
  }
  return left;
}

ExprPtr Parser::parse_math2() {
  ExprPtr left = parse_pow();
  for (;;) {
    BinaryOp kind;
    if (at_op("*")) kind = BinaryOp::multiply;
    else if (at_op("/")) kind = BinaryOp::divide;
    else if (at_op("//")) kind = BinaryOp::floor_divide;
    else if (at_op("%")) kind = BinaryOp::modulo;
    else break;
    SourceLocation where = advance().where;
    left = std::make_unique<BinaryExpr>(where, kind, std::move(left), parse_pow());
  }
  return left;
}

ExprPtr Parser::parse_pow() {
  ExprPtr left = parse_unary();
  while (at_op("**")) {
    SourceLocation where = advance().where;
    left = std::make_unique<BinaryExpr>(where, BinaryOp::power, std::move(left), parse_unary());
  }
  return left;
}

ExprPtr Parser::parse_unary(bool with_filter) {
  DepthGuard guard(*this);
  ExprPtr node;
  if (at_op("-") || at_op("+")) {
    const Token& op = advance();
    node = std::make_unique<UnaryExpr>(op.where, op.text == "-" ? UnaryOp::negate : UnaryOp::plus, parse_unary(false));
  } else {
    node = parse_primary();
  }
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr Parser::parse_primary() {
  const Token& token = current();
  switch (token.type) {
    case TokenType::name: {
      advance();
      const std::string& n = token.text;
      if (n == "true" || n == "True") return std::make_unique<LiteralExpr>(token.where, Value(true));
      if (n == "false" || n == "False") return std::make_unique<LiteralExpr>(token.where, Value(false));
      if (n == "none" || n == "None") return std::make_unique<LiteralExpr>(token.where, Value::none());
      return std::make_unique<NameExpr>(token.where, n);
    }
    case TokenType::string: {
      std::string text;
      while (current().type == TokenType::string) text += advance().text;  // 'a' 'b' == 'ab'
      return std::make_unique<LiteralExpr>(token.where, Value(std::move(text)));
    }
    case TokenType::integer: advance(); return std::make_unique<LiteralExpr>(token.where, Value(token.int_value));
    case TokenType::floating: advance(); return std::make_unique<LiteralExpr>(token.where, Value(token.float_value));
    case TokenType::op:
      if (token.text == "(") {
        advance();
        ExprPtr inner = parse_tuple(true, true);
        expect_op(")", "to close the '('");
        return inner;
      }
      if (token.text == "[") return parse_list();
      if (token.text == "{") return parse_dict();
      break;
    default: break;
  }
  fail(token, str("expected an expression, found ", describe(token)));
}

ExprPtr Parser::parse_list() {
  auto list = std::make_unique<ListExpr>(advance().where, false);
  while (!at_op("]")) {
    if (!list->items.empty()) expect_op(",", "between list items");
    if (at_op("]")) break;
    list->items.push_back(parse_expression());
  }
  advance();
  return list;
}

ExprPtr Parser::parse_dict() {
  auto dict = std::make_unique<DictExpr>(advance().where);
  while (!at_op("}")) {
    if (!dict->entries.empty()) expect_op(",", "between dict entries");
    if (at_op("}")) break;
    ExprPtr key = parse_expression();
    expect_op(":", "after a dict key");
    dict->entries.emplace_back(std::move(key), parse_expression());
  }
  advance();
  return dict;
}

ExprPtr Parser::parse_postfix(ExprPtr node) {
  for (;;) {
    if (at_op(".") || at_op("[")) node = parse_subscript(std::move(node));
    else if (at_op("(")) {
      SourceLocation where = node->where;  // errors point at what is called
      auto call = std::make_unique<CallExpr>(where, std::move(node));
      call->args = parse_call_args();
      node = std::move(call);
    } else return node;
  }
}

ExprPtr Parser::parse_subscript(ExprPtr node) {
  const Token& open = advance();
  if (open.text == ".") {
    const Token& attr = advance();
    if (attr.type == TokenType::name) return std::make_unique<AttributeExpr>(open.where, std::move(node), attr.text);
    if (attr.type == TokenType::integer)  // `items.0` is items[0]
      return std::make_unique<ItemExpr>(open.where, std::move(node), std::make_unique<LiteralExpr>(attr.where, Value(attr.int_value)));
    fail(attr, str("expected an attribute name after '.', found ", describe(attr)));
  }
  // [index] or [start:stop:step]
  ExprPtr parts[3];
  int part = 0;
  while (!at_op("]")) {
    if (at_op(":")) {
      if (++part > 2) fail(current(), "a slice has at most three parts: [start:stop:step]");
      advance();
      continue;
    }
    if (parts[part]) fail(current(), str("expected ']' or ':' in a subscript, found ", describe(current())));
    parts[part] = parse_expression();
    if (at_op(",")) fail(current(), "subscripts with several indexes (a[1, 2]) are not supported");
  }
  advance();
  if (part == 0) {
    if (!parts[0]) fail(open, "empty subscript '[]': put an index or a slice between the brackets");
    return std::make_unique<ItemExpr>(open.where, std::move(node), std::move(parts[0]));
  }
  auto slice = std::make_unique<SliceExpr>(open.where, std::move(node));
  slice->start = std::move(parts[0]);
  slice->stop = std::move(parts[1]);
  slice->step = std::move(parts[2]);
  return slice;
}

ExprPtr Parser::parse_filter_expr(ExprPtr node) {
  for (;;) {
    if (at_op("|")) node = parse_filter(std::move(node));
    else if (at_name("is")) node = parse_test(std::move(node));
    else if (at_op("(")) {
      auto call = std::make_unique<CallExpr>(current().where, std::move(node));
      call->args = parse_call_args();
      node = std::move(call);
    } else return node;
  }
}

// nullptr for a name mlux can't resolve; the interpreter then fails if the filter is reached.
FilterFunction Parser::lookup_filter(const Token& name_token) {
  if (FilterFunction f = find_filter(name_token.text)) return f;
  if (!is_unimplemented_jinja2_filter(name_token.text)) unknown_names_.push_back({"filter", &name_token, soft_});
  return nullptr;
}

TestFunction Parser::lookup_test(const Token& name_token) {
  if (TestFunction f = find_test(name_token.text)) return f;
  unknown_names_.push_back({"test", &name_token, soft_});
  return nullptr;
}

void Parser::check_unknown_names() const {
  for (const UnknownName& u : unknown_names_) {
    if (u.soft) continue;
    const std::string& n = u.token->text;
    bool is_filter = std::string_view(u.what) == "filter";
    fail(*u.token, str("unknown ", u.what, " '", n, "'.", did_you_mean(n, is_filter ? filter_names() : test_names()),
                       " docs/chat-templates.md lists the supported ", u.what, "s"));
  }
}

ExprPtr Parser::parse_filter(ExprPtr node) {
  advance();  // '|'
  const Token& name = current();
  if (name.type != TokenType::name) fail(name, str("expected a filter name after '|', found ", describe(name)));
  advance();
  auto filter = std::make_unique<FilterExpr>(name.where, std::move(node), name.text, lookup_filter(name));
  if (at_op("(")) filter->args = parse_call_args();
  return filter;
}

ExprPtr Parser::parse_test(ExprPtr node) {
  advance();  // 'is'
  bool negated = skip_name("not");
  const Token& name = current();
  if (name.type != TokenType::name) fail(name, str("expected a test name after 'is', found ", describe(name)));
  advance();
  auto test = std::make_unique<TestExpr>(name.where, std::move(node), name.text, lookup_test(name), negated);
  const Token& next = current();
  bool starts_argument = next.type == TokenType::name || next.type == TokenType::string || next.type == TokenType::integer ||
                         next.type == TokenType::floating || (next.type == TokenType::op && (next.text == "[" || next.text == "{"));
  if (at_op("(")) {
    test->args = parse_call_args();
  } else if (starts_argument && !at_name("else") && !at_name("or") && !at_name("and")) {
    if (at_name("is")) fail(next, "tests can't be chained ('x is a is b'): combine them with 'and'");
    test->args.positional.push_back(parse_postfix(parse_primary()));  // `x is divisibleby 3`
  }
  return test;
}

Arguments Parser::parse_call_args() {
  expect_op("(", "to start the arguments");
  Arguments args;
  bool first = true;
  while (!at_op(")")) {
    if (!first) expect_op(",", "between arguments");
    first = false;
    if (at_op(")")) break;
    if (at_op("*") || at_op("**")) fail(current(), "'*args' and '**kwargs' in calls are not supported");
    if (current().type == TokenType::name && peek().type == TokenType::op && peek().text == "=") {
      std::string key = advance().text;
      advance();
      args.keywords.emplace_back(std::move(key), parse_expression());
    } else {
      if (!args.keywords.empty()) fail(current(), "a positional argument can't follow keyword arguments");
      args.positional.push_back(parse_expression());
    }
  }
  advance();
  return args;
}

}  // namespace mlux::tokenizer::jinja

// The syntax tree the parser builds and the interpreter walks. Expressions and statements are
// small structs tagged with a Kind (the interpreter switches on it) and the location of the token
// that starts them, for error messages. Filters and tests are resolved to functions when parsing,
// so an unknown name fails at load time, as in Jinja2.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

using FilterFunction = Value (*)(const Value& input, const CallArgs& args);
using TestFunction = bool (*)(const Value& input, const CallArgs& args);

// ---- expressions ----------------------------------------------------------------------------

struct Expr {
  enum class Kind { literal, name, list, dict, attribute, item, slice, call, filter, test, unary, binary, compare, conditional };
  Expr(Kind k, SourceLocation w) : kind(k), where(w) {}
  virtual ~Expr() = default;
  Kind kind;
  SourceLocation where;
};
using ExprPtr = std::unique_ptr<Expr>;

struct Arguments {
  std::vector<ExprPtr> positional;
  std::vector<std::pair<std::string, ExprPtr>> keywords;
};

struct LiteralExpr : Expr {
  LiteralExpr(SourceLocation w, Value v) : Expr(Kind::literal, w), value(std::move(v)) {}
  Value value;
};

struct NameExpr : Expr {
  NameExpr(SourceLocation w, std::string n) : Expr(Kind::name, w), name(std::move(n)) {}
  std::string name;
};

struct ListExpr : Expr {  // [a, b] or (a, b)
  ListExpr(SourceLocation w, bool tuple) : Expr(Kind::list, w), is_tuple(tuple) {}
  std::vector<ExprPtr> items;
  bool is_tuple;
};

struct DictExpr : Expr {  // {k: v}
  explicit DictExpr(SourceLocation w) : Expr(Kind::dict, w) {}
  std::vector<std::pair<ExprPtr, ExprPtr>> entries;
};

struct AttributeExpr : Expr {  // object.name (Jinja2: attribute first, then item)
  AttributeExpr(SourceLocation w, ExprPtr o, std::string n) : Expr(Kind::attribute, w), object(std::move(o)), name(std::move(n)) {}
  ExprPtr object;
  std::string name;
};

struct ItemExpr : Expr {  // object[index] (Jinja2: item first, then attribute)
  ItemExpr(SourceLocation w, ExprPtr o, ExprPtr i) : Expr(Kind::item, w), object(std::move(o)), index(std::move(i)) {}
  ExprPtr object;
  ExprPtr index;
};

struct SliceExpr : Expr {  // object[start:stop:step], each part optional
  SliceExpr(SourceLocation w, ExprPtr o) : Expr(Kind::slice, w), object(std::move(o)) {}
  ExprPtr object, start, stop, step;
};

struct CallExpr : Expr {
  CallExpr(SourceLocation w, ExprPtr c) : Expr(Kind::call, w), callee(std::move(c)) {}
  ExprPtr callee;
  Arguments args;
};

struct FilterExpr : Expr {  // operand | name(args)
  FilterExpr(SourceLocation w, ExprPtr o, std::string n, FilterFunction f)
      : Expr(Kind::filter, w), operand(std::move(o)), name(std::move(n)), function(f) {}
  ExprPtr operand;
  std::string name;
  FilterFunction function;
  Arguments args;
};

struct TestExpr : Expr {  // operand is [not] name(args)
  TestExpr(SourceLocation w, ExprPtr o, std::string n, TestFunction f, bool neg)
      : Expr(Kind::test, w), operand(std::move(o)), name(std::move(n)), function(f), negated(neg) {}
  ExprPtr operand;
  std::string name;
  TestFunction function;
  bool negated;
  Arguments args;
};

enum class UnaryOp { logical_not, negate, plus };
struct UnaryExpr : Expr {
  UnaryExpr(SourceLocation w, UnaryOp o, ExprPtr e) : Expr(Kind::unary, w), op(o), operand(std::move(e)) {}
  UnaryOp op;
  ExprPtr operand;
};

enum class BinaryOp { add, subtract, multiply, divide, floor_divide, modulo, power, concat, logical_and, logical_or };
struct BinaryExpr : Expr {
  BinaryExpr(SourceLocation w, BinaryOp o, ExprPtr l, ExprPtr r) : Expr(Kind::binary, w), op(o), left(std::move(l)), right(std::move(r)) {}
  BinaryOp op;
  ExprPtr left, right;
};

enum class CompareOp { equal, not_equal, less, less_equal, greater, greater_equal, in, not_in };
struct CompareExpr : Expr {  // a < b <= c: chained like Python
  CompareExpr(SourceLocation w, ExprPtr f) : Expr(Kind::compare, w), first(std::move(f)) {}
  ExprPtr first;
  struct Operand {
    CompareOp op;
    ExprPtr expr;
    SourceLocation where;
  };
  std::vector<Operand> rest;
};

struct ConditionalExpr : Expr {  // then if condition else otherwise (otherwise may be absent)
  ConditionalExpr(SourceLocation w, ExprPtr t, ExprPtr c, ExprPtr o)
      : Expr(Kind::conditional, w), then(std::move(t)), condition(std::move(c)), otherwise(std::move(o)) {}
  ExprPtr then, condition, otherwise;
};

// ---- statements -----------------------------------------------------------------------------

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

/// Where `set`, `for` and `with` store values: a name, a tuple of names, or `ns.attr`.
struct Target {
  enum class Kind { name, tuple, attribute };
  Kind kind = Kind::name;
  std::vector<std::string> names;  // one name, the tuple's names, or the namespace variable
  std::string attribute;           // for Kind::attribute
  SourceLocation where;
};

struct FilterCall {  // one `| name(args)` of a filter block or block set
  std::string name;
  FilterFunction function;
  Arguments args;
  SourceLocation where;
};

struct Stmt {
  enum class Kind { text, output, if_, for_, set, set_block, macro, filter_block, with, break_, continue_, generation };
  Stmt(Kind k, SourceLocation w) : kind(k), where(w) {}
  virtual ~Stmt() = default;
  Kind kind;
  SourceLocation where;
};

struct TextStmt : Stmt {
  TextStmt(SourceLocation w, std::string t) : Stmt(Kind::text, w), text(std::move(t)) {}
  std::string text;
};

struct OutputStmt : Stmt {  // {{ expr }}
  OutputStmt(SourceLocation w, ExprPtr e) : Stmt(Kind::output, w), expr(std::move(e)) {}
  ExprPtr expr;
};

struct IfStmt : Stmt {
  explicit IfStmt(SourceLocation w) : Stmt(Kind::if_, w) {}
  std::vector<std::pair<ExprPtr, Body>> branches;  // if, then each elif
  Body otherwise;
};

struct ForStmt : Stmt {
  explicit ForStmt(SourceLocation w) : Stmt(Kind::for_, w) {}
  Target target;
  ExprPtr iterable;
  ExprPtr filter;  // `for x in xs if cond`, may be null
  Body body;
  Body otherwise;  // `{% else %}`: rendered when nothing was iterated
};

struct SetStmt : Stmt {  // {% set target = value %}
  explicit SetStmt(SourceLocation w) : Stmt(Kind::set, w) {}
  Target target;
  ExprPtr value;
};

struct SetBlockStmt : Stmt {  // {% set target | filters %}body{% endset %}
  explicit SetBlockStmt(SourceLocation w) : Stmt(Kind::set_block, w) {}
  Target target;
  std::vector<FilterCall> filters;
  Body body;
};

struct MacroStmt : Stmt {
  explicit MacroStmt(SourceLocation w) : Stmt(Kind::macro, w) {}
  std::string name;
  std::vector<std::pair<std::string, ExprPtr>> params;  // default expression may be null
  Body body;
};

struct FilterBlockStmt : Stmt {  // {% filter upper %}body{% endfilter %}
  explicit FilterBlockStmt(SourceLocation w) : Stmt(Kind::filter_block, w) {}
  std::vector<FilterCall> filters;
  Body body;
};

struct WithStmt : Stmt {  // {% with a = 1 %}body{% endwith %}
  explicit WithStmt(SourceLocation w) : Stmt(Kind::with, w) {}
  std::vector<std::pair<Target, ExprPtr>> assignments;
  Body body;
};

struct LoopControlStmt : Stmt {  // {% break %} / {% continue %}
  LoopControlStmt(SourceLocation w, Kind k) : Stmt(k, w) {}
};

struct GenerationStmt : Stmt {  // transformers' {% generation %}: marks assistant text, renders its body
  explicit GenerationStmt(SourceLocation w) : Stmt(Kind::generation, w) {}
  Body body;
};

}  // namespace mlux::tokenizer::jinja

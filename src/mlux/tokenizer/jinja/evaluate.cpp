// Expression evaluation (see interpreter.h). Each node evaluates its operands, then applies the
// Python/Jinja2 operation from operators.h, filters.h or tests.h; an EvalError from that step is
// reported at the node's location.
#include "mlux/tokenizer/jinja/filters.h"
#include "mlux/tokenizer/jinja/interpreter.h"
#include "mlux/tokenizer/jinja/objects.h"
#include "mlux/tokenizer/jinja/operators.h"

namespace mlux::tokenizer::jinja {
namespace {

// Python dict keys must be hashable: no lists or dicts.
void require_hashable(const Value& key) {
  bool hashable = !key.is_dict() && !(key.is_list() && !key.as_list().is_tuple) && !key.is_undefined();
  if (key.is_list() && key.as_list().is_tuple)
    for (const Value& item : key.items()) require_hashable(item);
  if (!hashable) throw EvalError(str("unhashable type: '", key.type_name(), "'"));
}

}  // namespace

void fail_unresolved_filter(const std::string& name) {
  if (is_unimplemented_jinja2_filter(name))
    throw EvalError(str("the Jinja2 filter '", name, "' is not implemented in mlux (docs/chat-templates.md lists what is)"));
  throw EvalError(str("no filter named '", name, "'"));
}

Value Interpreter::lookup(const std::string& name) const {
  for (const Frame* f = frame_.get(); f; f = f->parent.get()) {
    auto it = f->vars.find(name);
    if (it != f->vars.end()) return it->second;
  }
  if (auto it = context_.find(name); it != context_.end()) return it->second;
  for (const auto& [global, value] : builtin_globals())
    if (global == name) return value;
  return Value::undefined(str("'", name, "' is undefined"));
}

Value Interpreter::eval(const Expr& e) {
  DepthGuard guard(*this, e.where);
  try {
    return eval_node(e);
  } catch (const EvalError& error) {
    fail(e.where, error);
  }
}

CallArgs Interpreter::eval_args(const Arguments& args) {
  CallArgs out;
  out.positional.reserve(args.positional.size());
  for (const ExprPtr& p : args.positional) out.positional.push_back(eval(*p));
  for (const auto& [key, expr] : args.keywords) out.keywords.emplace_back(key, eval(*expr));
  return out;
}

Value Interpreter::eval_compare(const CompareExpr& e) {
  Value left = eval(*e.first);
  for (const auto& operand : e.rest) {
    Value right = eval(*operand.expr);
    bool holds;
    try {
      holds = compare(operand.op, left, right);
    } catch (const EvalError& error) {
      fail(operand.where, error);
    }
    if (!holds) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

Value Interpreter::eval_call(const CallExpr& e) {
  Value callee = eval(*e.callee);
  CallArgs args = eval_args(e.args);
  if (callee.is_undefined()) throw EvalError(callee.undefined_reason());
  if (!callee.is_function()) throw EvalError(str("'", callee.type_name(), "' object is not callable"));
  return callee.as_function().call(args);
}

Value Interpreter::eval_literal_container(const Expr& e) {
  if (e.kind == Expr::Kind::list) {
    const auto& list = static_cast<const ListExpr&>(e);
    std::vector<Value> items;
    items.reserve(list.items.size());
    for (const ExprPtr& item : list.items) items.push_back(eval(*item));
    return list.is_tuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
  }
  Dict dict;
  for (const auto& [key_expr, value_expr] : static_cast<const DictExpr&>(e).entries) {
    Value key = eval(*key_expr);
    require_hashable(key);
    dict.set(std::move(key), eval(*value_expr));
  }
  return Value(std::move(dict));
}

Value Interpreter::eval_node(const Expr& e) {
  using K = Expr::Kind;
  switch (e.kind) {
    case K::literal: return static_cast<const LiteralExpr&>(e).value;
    case K::name: return lookup(static_cast<const NameExpr&>(e).name);
    case K::list:
    case K::dict: return eval_literal_container(e);
    case K::attribute: {
      const auto& a = static_cast<const AttributeExpr&>(e);
      return get_attribute(eval(*a.object), a.name);
    }
    case K::item: {
      const auto& i = static_cast<const ItemExpr&>(e);
      Value object = eval(*i.object);
      return get_item(object, eval(*i.index));
    }
    case K::slice: {
      const auto& s = static_cast<const SliceExpr&>(e);
      Value object = eval(*s.object);
      auto part = [&](const ExprPtr& p) { return p ? eval(*p) : Value::none(); };
      Value start = part(s.start), stop = part(s.stop), step = part(s.step);
      return slice(object, start, stop, step);
    }
    case K::call: return eval_call(static_cast<const CallExpr&>(e));
    case K::filter: {
      const auto& f = static_cast<const FilterExpr&>(e);
      Value operand = eval(*f.operand);
      if (!f.function) fail_unresolved_filter(f.name);
      return f.function(operand, eval_args(f.args));
    }
    case K::test: {
      const auto& t = static_cast<const TestExpr&>(e);
      Value operand = eval(*t.operand);
      if (!t.function) throw EvalError(str("no test named '", t.name, "'"));
      return Value(t.function(operand, eval_args(t.args)) != t.negated);
    }
    case K::unary: {
      const auto& u = static_cast<const UnaryExpr&>(e);
      Value operand = eval(*u.operand);
      if (u.op == UnaryOp::logical_not) return Value(!operand.truthy());
      return unary_op(u.op, operand);
    }
    case K::binary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      Value left = eval(*b.left);
      if (b.op == BinaryOp::logical_and) return left.truthy() ? eval(*b.right) : left;
      if (b.op == BinaryOp::logical_or) return left.truthy() ? left : eval(*b.right);
      return binary_op(b.op, left, eval(*b.right));
    }
    case K::compare: return eval_compare(static_cast<const CompareExpr&>(e));
    case K::conditional: {
      const auto& c = static_cast<const ConditionalExpr&>(e);
      if (eval(*c.condition).truthy()) return eval(*c.then);
      if (c.otherwise) return eval(*c.otherwise);
      return Value::undefined("the inline if-expression evaluated to false and has no else branch");
    }
  }
  return Value();
}

}  // namespace mlux::tokenizer::jinja

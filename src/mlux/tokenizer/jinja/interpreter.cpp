// Statement execution: output, if, for, set, macros, filter/with blocks, loop controls (see
// interpreter.h). Errors from value code (EvalError) get the statement's or expression's
// location here.
#include "mlux/tokenizer/jinja/interpreter.h"

#include <algorithm>

#include "mlux/tokenizer/jinja/objects.h"
#include "mlux/tokenizer/jinja/operators.h"

namespace mlux::tokenizer::jinja {

Interpreter::FrameScope::FrameScope(Interpreter& in, std::shared_ptr<Frame> frame, std::string* out)
    : in_(in), saved_frame_(std::move(in.frame_)), saved_out_(in.out_) {
  in_.frame_ = std::move(frame);
  if (out) in_.out_ = out;
}

Interpreter::FrameScope::~FrameScope() {
  in_.frame_ = std::move(saved_frame_);
  in_.out_ = saved_out_;
}

Interpreter::DepthGuard::DepthGuard(Interpreter& in, SourceLocation where) : in_(in) {
  if (++in_.depth_ > kMaxNesting) {
    --in_.depth_;
    in_.fail_limit(where, str("rendering nests deeper than ", kMaxNesting,
                              " levels (runaway recursion?). Simplify the template"));
  }
}

Interpreter::Interpreter(const std::string& template_name, const Context& context, const RenderLimits& limits)
    : name_(template_name), context_(context), limits_(limits), root_(std::make_shared<Frame>()), frame_(root_) {}

std::string Interpreter::render(const Body& body) {
  std::string out;
  out_ = &out;
  exec(body);
  return out;
}

void Interpreter::fail(SourceLocation where, const EvalError& error) const {
  throw TemplateError(error.raised_by_template() ? TemplateErrorKind::raised : TemplateErrorKind::render, name_, where, error.what());
}

void Interpreter::fail_limit(SourceLocation where, const std::string& detail) const {
  throw TemplateError(TemplateErrorKind::limit, name_, where, detail);
}

void Interpreter::emit(std::string_view text, SourceLocation where) {
  if (out_->size() + text.size() > limits_.max_output_bytes)
    fail_limit(where, str("the output would exceed ", limits_.max_output_bytes,
                          " bytes (RenderLimits::max_output_bytes); the template is probably looping"));
  out_->append(text);
}

void Interpreter::count_iteration(SourceLocation where) {
  if (++iterations_ > limits_.max_loop_iterations)
    fail_limit(where, str("the template ran more than ", limits_.max_loop_iterations,
                          " loop iterations (RenderLimits::max_loop_iterations); it is probably looping"));
}

Interpreter::Flow Interpreter::exec(const Body& body) {
  for (const StmtPtr& stmt : body) {
    Flow flow = exec(*stmt);
    if (flow != Flow::normal) return flow;
  }
  return Flow::normal;
}

Interpreter::Flow Interpreter::exec(const Stmt& stmt) {
  DepthGuard guard(*this, stmt.where);
  using K = Stmt::Kind;
  switch (stmt.kind) {
    case K::text: emit(static_cast<const TextStmt&>(stmt).text, stmt.where); break;
    case K::output: emit(to_str(eval(*static_cast<const OutputStmt&>(stmt).expr)), stmt.where); break;
    case K::if_: return exec_if(static_cast<const IfStmt&>(stmt));
    case K::for_: return exec_for(static_cast<const ForStmt&>(stmt));
    case K::set: exec_set(static_cast<const SetStmt&>(stmt)); break;
    case K::set_block: exec_set_block(static_cast<const SetBlockStmt&>(stmt)); break;
    case K::macro: exec_macro(static_cast<const MacroStmt&>(stmt)); break;
    case K::filter_block: {
      const auto& s = static_cast<const FilterBlockStmt&>(stmt);
      emit(to_str(apply_filters(Value(capture(s.body, frame_)), s.filters)), stmt.where);
      break;
    }
    case K::with: exec_with(static_cast<const WithStmt&>(stmt)); break;
    case K::break_: return Flow::break_loop;
    case K::continue_: return Flow::continue_loop;
    case K::generation: return exec(static_cast<const GenerationStmt&>(stmt).body);
  }
  return Flow::normal;
}

Interpreter::Flow Interpreter::exec_if(const IfStmt& s) {
  for (const auto& [condition, body] : s.branches)
    if (eval(*condition).truthy()) return exec(body);
  return exec(s.otherwise);
}

// The items a for loop walks, after its `if` filter (evaluated with the loop variable bound,
// but without `loop`, as in Jinja2).
std::vector<Value> Interpreter::loop_items(const ForStmt& s) {
  Value iterable = eval(*s.iterable);
  std::vector<Value> items;
  try {
    items = iterate(iterable);
  } catch (const EvalError& e) {
    fail(s.iterable->where, e);
  }
  if (!s.filter) return items;
  std::vector<Value> kept;
  for (Value& item : items) {
    count_iteration(s.where);
    auto frame = std::make_shared<Frame>();
    frame->parent = frame_;
    assign(s.target, item, *frame);
    FrameScope scope(*this, frame);
    if (eval(*s.filter).truthy()) kept.push_back(std::move(item));
  }
  return kept;
}

Interpreter::Flow Interpreter::exec_for(const ForStmt& s) {
  auto items = std::make_shared<const std::vector<Value>>(loop_items(s));
  auto loop = std::make_shared<LoopContext>(items);
  Value loop_value{std::shared_ptr<Object>(loop)};
  for (std::size_t i = 0; i < items->size(); ++i) {
    count_iteration(s.where);
    loop->set_index(i);
    auto frame = std::make_shared<Frame>();
    frame->parent = frame_;
    frame->vars["loop"] = loop_value;
    assign(s.target, (*items)[i], *frame);
    FrameScope scope(*this, frame);
    if (exec(s.body) == Flow::break_loop) break;
  }
  if (items->empty() && !s.otherwise.empty()) {
    auto frame = std::make_shared<Frame>();
    frame->parent = frame_;
    FrameScope scope(*this, frame);
    exec(s.otherwise);
  }
  return Flow::normal;
}

void Interpreter::assign(const Target& target, Value value, Frame& frame) {
  switch (target.kind) {
    case Target::Kind::name: frame.vars[target.names[0]] = std::move(value); return;
    case Target::Kind::tuple: {
      std::vector<Value> parts;
      try {
        parts = iterate(value);
      } catch (const EvalError& e) {
        fail(target.where, EvalError(str("cannot unpack non-iterable ", value.type_name(), " object")));
      }
      std::size_t want = target.names.size();
      if (parts.size() != want)
        fail(target.where, EvalError(parts.size() > want ? str("too many values to unpack (expected ", want, ")")
                                                         : str("not enough values to unpack (expected ", want, ", got ", parts.size(), ")")));
      for (std::size_t i = 0; i < want; ++i) frame.vars[target.names[i]] = std::move(parts[i]);
      return;
    }
    case Target::Kind::attribute: {
      Value object = lookup(target.names[0]);
      if (!object.is_object() || !object.as_object().set_attribute(target.attribute, std::move(value)))
        fail(target.where, EvalError(str("cannot assign attribute on non-namespace object ('", target.names[0], "' is ",
                                         object.is_undefined() ? std::string("undefined") : "a " + object.type_name(),
                                         "). Create it with {% set ", target.names[0], " = namespace() %}")));
      return;
    }
  }
}

void Interpreter::exec_set(const SetStmt& s) { assign(s.target, eval(*s.value), *frame_); }

void Interpreter::exec_set_block(const SetBlockStmt& s) {
  Value captured(capture(s.body, frame_));
  assign(s.target, apply_filters(std::move(captured), s.filters), *frame_);
}

std::string Interpreter::capture(const Body& body, std::shared_ptr<Frame> frame) {
  std::string buffer;
  FrameScope scope(*this, std::move(frame), &buffer);
  exec(body);
  return buffer;
}

Value Interpreter::apply_filters(Value value, const std::vector<FilterCall>& filters) {
  for (const FilterCall& f : filters) {
    CallArgs args = eval_args(f.args);
    try {
      if (!f.function) fail_unresolved_filter(f.name);
      value = f.function(value, args);
    } catch (const EvalError& e) {
      fail(f.where, e);
    }
  }
  return value;
}

void Interpreter::exec_with(const WithStmt& s) {
  auto frame = std::make_shared<Frame>();
  frame->parent = frame_;
  for (const auto& [target, expr] : s.assignments) assign(target, eval(*expr), *frame);
  FrameScope scope(*this, frame);
  exec(s.body);
}

void Interpreter::exec_macro(const MacroStmt& s) {
  // The macro holds its defining frame weakly: frames own the macro value, and a strong
  // reference back would keep both alive forever.
  std::weak_ptr<Frame> defined_in = frame_;
  auto f = std::make_shared<Function>();
  f->name = s.name;
  f->kind = Function::Kind::macro;
  f->call = [this, &s, defined_in](const CallArgs& args) { return call_macro(s, defined_in, args); };
  frame_->vars[s.name] = Value(std::shared_ptr<const Function>(std::move(f)));
}

Value Interpreter::call_macro(const MacroStmt& macro, const std::weak_ptr<Frame>& defined_in, const CallArgs& args) {
  if (call_depth_ >= limits_.max_call_depth)
    fail_limit(macro.where, str("macro '", macro.name, "' nested more than ", limits_.max_call_depth,
                                " calls deep (RenderLimits::max_call_depth); is it recursing without end?"));
  auto frame = std::make_shared<Frame>();
  std::shared_ptr<Frame> parent = defined_in.lock();
  frame->parent = parent ? parent : root_;
  std::vector<Value> varargs;
  Dict kwargs;
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    if (i < macro.params.size()) frame->vars[macro.params[i].first] = args.positional[i];
    else varargs.push_back(args.positional[i]);
  }
  for (const auto& [key, value] : args.keywords) {
    const std::string& name = key;  // (Clang 14 cannot capture a structured binding)
    auto it = std::find_if(macro.params.begin(), macro.params.end(), [&](const auto& p) { return p.first == name; });
    if (it == macro.params.end()) {
      kwargs.set(Value(key), value);
    } else if (frame->vars.count(key)) {
      throw EvalError(str("macro '", macro.name, "' got multiple values for argument '", key, "'"));
    } else {
      frame->vars[key] = value;
    }
  }
  frame->vars["varargs"] = Value::tuple(std::move(varargs));
  frame->vars["kwargs"] = Value(std::move(kwargs));
  ++call_depth_;
  struct CallDepth {
    int& depth;
    ~CallDepth() { --depth; }
  } depth_guard{call_depth_};
  FrameScope scope(*this, frame);
  for (const auto& [param, default_expr] : macro.params) {  // defaults see earlier parameters
    if (frame->vars.count(param)) continue;
    frame->vars[param] = default_expr ? eval(*default_expr) : Value::undefined(str("parameter '", param, "' was not provided"));
  }
  return Value(capture(macro.body, frame));
}

}  // namespace mlux::tokenizer::jinja

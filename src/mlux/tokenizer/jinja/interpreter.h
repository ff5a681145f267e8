// Walks the syntax tree and writes the output (statements in interpreter.cpp, expressions in
// evaluate.cpp). Scopes follow Jinja2: each for-loop iteration, macro call and `with` block
// gets a fresh frame whose assignments vanish when it ends; `if` shares its enclosing frame.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "mlux/tokenizer/jinja/ast.h"
#include "mlux/tokenizer/jinja/template.h"

namespace mlux::tokenizer::jinja {

/// Throws EvalError for a filter the parser could not resolve (unknown, or not implemented).
[[noreturn]] void fail_unresolved_filter(const std::string& name);

class Interpreter {
 public:
  Interpreter(const std::string& template_name, const Context& context, const RenderLimits& limits);
  std::string render(const Body& body);

 private:
  struct Frame {
    std::unordered_map<std::string, Value> vars;
    std::shared_ptr<Frame> parent;
  };
  enum class Flow { normal, break_loop, continue_loop };

  // Swaps in a frame (and optionally an output buffer) for the lifetime of the guard.
  class FrameScope {
   public:
    FrameScope(Interpreter& in, std::shared_ptr<Frame> frame, std::string* out = nullptr);
    ~FrameScope();
   private:
    Interpreter& in_;
    std::shared_ptr<Frame> saved_frame_;
    std::string* saved_out_;
  };
  // Counts nesting of statements, expressions and calls, to fail cleanly before the stack does.
  class DepthGuard {
   public:
    DepthGuard(Interpreter& in, SourceLocation where);
    ~DepthGuard() { --in_.depth_; }
   private:
    Interpreter& in_;
  };
  static constexpr int kMaxNesting = 2000;

  const std::string& name_;
  const Context& context_;
  RenderLimits limits_;
  std::shared_ptr<Frame> root_;
  std::shared_ptr<Frame> frame_;
  std::string* out_ = nullptr;
  std::uint64_t iterations_ = 0;
  int call_depth_ = 0;
  int depth_ = 0;

  // ---- statements (interpreter.cpp)
  Flow exec(const Body& body);
  Flow exec(const Stmt& stmt);
  Flow exec_if(const IfStmt& s);
  Flow exec_for(const ForStmt& s);
  std::vector<Value> loop_items(const ForStmt& s);
  void exec_set(const SetStmt& s);
  void exec_set_block(const SetBlockStmt& s);
  void exec_macro(const MacroStmt& s);
  void exec_with(const WithStmt& s);
  void assign(const Target& target, Value value, Frame& frame);
  std::string capture(const Body& body, std::shared_ptr<Frame> frame);
  Value apply_filters(Value value, const std::vector<FilterCall>& filters);
  Value call_macro(const MacroStmt& macro, const std::weak_ptr<Frame>& defined_in, const CallArgs& args);
  void emit(std::string_view text, SourceLocation where);
  void count_iteration(SourceLocation where);

  // ---- expressions (evaluate.cpp)
  Value eval(const Expr& e);
  Value eval_node(const Expr& e);
  Value lookup(const std::string& name) const;
  CallArgs eval_args(const Arguments& args);
  Value eval_compare(const CompareExpr& e);
  Value eval_call(const CallExpr& e);
  Value eval_literal_container(const Expr& e);

  [[noreturn]] void fail(SourceLocation where, const EvalError& error) const;
  [[noreturn]] void fail_limit(SourceLocation where, const std::string& detail) const;
};

}  // namespace mlux::tokenizer::jinja

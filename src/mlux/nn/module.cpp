#include "mlux/nn/module.h"

#include "mlux/error.h"

namespace mlux::nn {

Tensor Module::operator()(const Tensor& x, RunContext& ctx) const {
  try {
    if (!ctx.hooks) return forward(x, ctx);
    return ctx.hooks->run_module(*this, x, ctx, [&](const Tensor& in) { return forward(in, ctx); });
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (msg.find(" (in ") != std::string::npos || path_.empty()) throw;
    throw Error(msg + " (in " + path_ + ")");
  }
}

Tensor Module::point(int id, Tensor value, RunContext& ctx) {
  if (!ctx.hooks) return value;
  return ctx.hooks->run_point(id, value, ctx);
}

void Module::assign_paths(const std::string& prefix, int& next_id) {
  path_ = prefix.empty() ? name_ : (name_.empty() ? prefix : prefix + "." + name_);
  hook_id_ = next_id++;
  for (auto& p : points_) *p.id = next_id++;
  for (Module* c : children_) c->assign_paths(path_, next_id);
}

void visit(const Module& m, const std::function<void(const Module&)>& fn) {
  fn(m);
  for (const Module* c : m.children()) visit(*c, fn);
}

void visit_mut(Module& m, const std::function<void(Module&)>& fn) {
  fn(m);
  for (Module* c : m.children()) visit_mut(*c, fn);
}

}  // namespace mlux::nn

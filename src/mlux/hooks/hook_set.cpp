#include "mlux/hooks/hook_set.h"

#include "mlux/error.h"

namespace mlux::hooks {

HookSet::HookSet(const HookPoints& points) : points_(&points), entries_(points.id_count()) {}

void HookSet::attach(const std::vector<Selection>& sel, const Hook& hook, bool pre) {
  for (const auto& s : sel) {
    const HookPoint& p = points_->at(s.id);
    const bool on_input = pre || s.side == PointSide::input;
    if (on_input && p.kind == PointKind::internal)
      fail("hooks: '", p.path, "' is an internal point with no input to replace; use a post-hook (HookSet::add)");
    Entry& e = entries_[std::size_t(s.id)];
    active_ += !e.any();
    (on_input ? e.pre : e.post).push_back(hook);
  }
}

void HookSet::attach_capture(const std::vector<Selection>& sel, ActivationCache& cache) {
  for (const auto& s : sel) {
    Entry& e = entries_[std::size_t(s.id)];
    active_ += !e.any();
    (s.side == PointSide::input ? e.capture_input : e.capture_output).push_back({&cache, s.name});
  }
}

HookSet& HookSet::add(std::string_view selector, Hook hook) {
  attach(points_->select(selector), hook, false);
  return *this;
}

HookSet& HookSet::add(const PointPredicate& where, Hook hook) {
  attach(points_->select(where), hook, false);
  return *this;
}

HookSet& HookSet::add_pre(std::string_view selector, Hook hook) {
  attach(points_->select(selector), hook, true);
  return *this;
}

HookSet& HookSet::capture(std::string_view selector, ActivationCache& cache) {
  attach_capture(points_->select(selector), cache);
  return *this;
}

HookSet& HookSet::capture(const PointPredicate& where, ActivationCache& cache) {
  attach_capture(points_->select(where), cache);
  return *this;
}

Tensor HookSet::apply(const std::vector<Hook>& hooks, Tensor value, const HookContext& ctx) const {
  for (const Hook& h : hooks) {
    std::optional<Tensor> r = h(value, ctx);
    if (!r) continue;
    if (!r->defined() || r->shape() != value.shape() || r->dtype() != value.dtype())
      fail("hooks: the hook at '", ctx.path, "' returned ",
           r->defined() ? str(dtype_name(r->dtype()), " ", r->shape()) : std::string("an undefined tensor"),
           " but the value there is ", dtype_name(value.dtype()), " ", value.shape(),
           ". A hook must return the shape and dtype it was given (or nothing, to keep the value).");
    value = std::move(*r);
  }
  return value;
}

Tensor HookSet::run_module(const nn::Module& m, const Tensor& input, nn::RunContext& ctx,
                           const std::function<Tensor(const Tensor&)>& forward) const {
  const Entry& e = entries_[std::size_t(m.hook_id())];
  if (!e.any()) return forward(input);
  const HookPoint& p = points_->at(m.hook_id());
  const HookContext in_ctx{p.path, p.layer, ctx.positions, nullptr};
  const Tensor in = e.pre.empty() ? input : apply(e.pre, input, in_ctx);
  for (const auto& c : e.capture_input) c.cache->put(c.name, in);
  Tensor out = forward(in);
  out = apply(e.post, std::move(out), HookContext{p.path, p.layer, ctx.positions, &in});
  for (const auto& c : e.capture_output) c.cache->put(c.name, out);
  return out;
}

Tensor HookSet::run_point(int point_id, const Tensor& value, nn::RunContext& ctx) const {
  const Entry& e = entries_[std::size_t(point_id)];
  if (!e.any()) return value;
  const HookPoint& p = points_->at(point_id);
  Tensor out = apply(e.post, value, HookContext{p.path, p.layer, ctx.positions, nullptr});
  for (const auto& c : e.capture_output) c.cache->put(c.name, out);
  return out;
}

bool HookSet::wants(int point_id) const { return entries_[std::size_t(point_id)].any(); }

}  // namespace mlux::hooks

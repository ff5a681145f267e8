// HookSet: the hooks and captures of one call. Built, passed to a run, dropped: hooks are never
// installed on the model, so runs on one model do not interfere.
//
//   HookSet hooks(points);
//   hooks.add("model.layers.10.mlp", [](const Tensor& out, const HookContext&) { return out * 0.0f; })
//        .capture("model.layers.*", cache);
//
// Several hooks on one point run in registration order, each seeing the previous one's result (the
// original mlux kept only the last and warned). A post-hook gets the point's value and may return a
// replacement (or nothing: keep it); a pre-hook gets a module's main input and may replace it. A
// replacement must have the shape and dtype it replaces. Nested points both fire, inner first.
// Captures record the value after the hooks at that point.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "mlux/hooks/activation_cache.h"
#include "mlux/hooks/hook_points.h"
#include "mlux/nn/module.h"

namespace mlux::hooks {

/// What a hook is told about the call it runs in.
struct HookContext {
  std::string_view path;       // the point's path
  int layer = -1;              // decoder layer index, or -1 outside the layers
  const Tensor& positions;     // [batch, pos] i32: absolute position of every token in this call
  const Tensor* input;         // post-hooks on module points: the module's (possibly replaced) input
};

using Hook = std::function<std::optional<Tensor>(const Tensor& value, const HookContext& ctx)>;
using PointPredicate = std::function<bool(const HookPoint&)>;

class HookSet final : public nn::HookDispatcher {
 public:
  explicit HookSet(const HookPoints& points);

  /// A hook on every point `selector` names. Aliases that name a module's input (hook_resid_pre)
  /// make it a pre-hook there.
  HookSet& add(std::string_view selector, Hook hook);
  HookSet& add(const PointPredicate& where, Hook hook);
  /// A hook on the main input of every module `selector` names.
  HookSet& add_pre(std::string_view selector, Hook hook);
  /// Records the value at every point `selector` names into `cache`, under the selected name.
  HookSet& capture(std::string_view selector, ActivationCache& cache);
  HookSet& capture(const PointPredicate& where, ActivationCache& cache);

  bool empty() const { return active_ == 0; }
  const HookPoints& points() const { return *points_; }

  // nn::HookDispatcher
  Tensor run_module(const nn::Module& m, const Tensor& input, nn::RunContext& ctx,
                    const std::function<Tensor(const Tensor&)>& forward) const override;
  Tensor run_point(int point_id, const Tensor& value, nn::RunContext& ctx) const override;
  bool wants(int point_id) const override;

 private:
  struct Capture {
    ActivationCache* cache;
    std::string name;
  };
  struct Entry {
    std::vector<Hook> pre, post;
    std::vector<Capture> capture_input, capture_output;
    bool any() const { return !pre.empty() || !post.empty() || !capture_input.empty() || !capture_output.empty(); }
  };
  void attach(const std::vector<Selection>& sel, const Hook& hook, bool pre);
  void attach_capture(const std::vector<Selection>& sel, ActivationCache& cache);
  Tensor apply(const std::vector<Hook>& hooks, Tensor value, const HookContext& ctx) const;

  const HookPoints* points_;
  std::vector<Entry> entries_;  // by point id
  int active_ = 0;
};

}  // namespace mlux::hooks

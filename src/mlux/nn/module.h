// Module: a node of the model tree, named by its path from the root exactly as mlx-lm names it
// (`model.layers.3.self_attn.o_proj`), so hook names from the original mlux work unchanged.
//
// Every call goes through one gate, operator(): with no hooks it is one branch and a virtual
// call; with hooks the dispatcher runs pre-hooks, forward, captures and post-hooks. Errors that
// cross the gate gain "(in <path>)", so ops never need to know their caller.
//
// To add a module: derive, implement forward(), declare children with add_child() (order =
// mlx-lm's attribute order, which is the order of available_hooks()), and declare parameters
// with add_param() so the loader can bind and check them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mlux/nn/run_context.h"
#include "mlux/tensor/tensor.h"

namespace mlux::nn {

class Module;

/// What the hook machinery (mlux/hooks) implements; nn only calls it.
class HookDispatcher {
 public:
  virtual ~HookDispatcher() = default;
  /// Runs `forward` for module `m` with the pre/post hooks and captures registered for it.
  virtual Tensor run_module(const Module& m, const Tensor& input, RunContext& ctx,
                            const std::function<Tensor(const Tensor&)>& forward) const = 0;
  /// An internal point (`...self_attn.hook_q`): may capture or replace the value.
  virtual Tensor run_point(int point_id, const Tensor& value, RunContext& ctx) const = 0;
  /// Whether any hook or capture is registered at an internal point (lets attention materialise
  /// scores and patterns only when asked).
  virtual bool wants(int point_id) const = 0;
};

/// A parameter slot: the loader finds `path + "." + name` in the checkpoint and stores it here.
struct Param {
  std::string name;       // "weight", "bias", "scales", ...
  Tensor* slot;           // where the bound tensor goes
  Shape shape;            // expected shape
  bool required = true;
  bool small = false;     // norms, biases, conv kernels: converted to f32 at load (matrices keep their dtype)
};

class Module {
 public:
  explicit Module(std::string name) : name_(std::move(name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// The gate. `x` is the main input (hidden states, or token ids for embeddings).
  Tensor operator()(const Tensor& x, RunContext& ctx) const;

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  /// Index of this module among all hook points of its model (set by assign_paths).
  int hook_id() const { return hook_id_; }
  const std::vector<Module*>& children() const { return children_; }
  std::vector<Param>& params() { return params_; }
  const std::vector<Param>& params() const { return params_; }
  /// An internal hook point under this module ("hook_q", ...).
  struct Point {
    std::string name;
    int* id;
    std::string shape;  // named dims, e.g. "[batch, pos, head, d_head]"
    std::string when;   // what the value is, for docs/hook-points.md
  };
  const std::vector<Point>& internal_points() const { return points_; }
  /// This module's output shape in named dims (for docs and the hook-shape test).
  const std::string& output_shape() const { return output_shape_; }
  void set_output_shape(std::string shape) { output_shape_ = std::move(shape); }

  /// Sets paths below `prefix` and numbers every module and internal point in pre-order.
  void assign_paths(const std::string& prefix, int& next_id);

 protected:
  virtual Tensor forward(const Tensor& x, RunContext& ctx) const = 0;

  template <typename M>
  M* add_child(std::unique_ptr<M> child) {
    M* raw = child.get();
    children_.push_back(raw);
    owned_.push_back(std::move(child));
    return raw;
  }
  void add_param(std::string name, Tensor* slot, Shape shape, bool required = true, bool small = false) {
    params_.push_back({std::move(name), slot, shape, required, small});
  }
  /// Declares an internal hook point; `*id` is set by assign_paths.
  void add_point(std::string name, int* id, std::string shape, std::string when) {
    points_.push_back({std::move(name), id, std::move(shape), std::move(when)});
  }

  /// Passes `value` through internal point `id` (identity when no hook is registered).
  static Tensor point(int id, Tensor value, RunContext& ctx);

 private:
  std::string name_;
  std::string path_;
  int hook_id_ = -1;
  std::vector<Module*> children_;
  std::vector<std::unique_ptr<Module>> owned_;
  std::vector<Param> params_;
  std::vector<Point> points_;
  std::string output_shape_ = "[batch, pos, d_model]";
};

/// Visits `m` and all descendants in pre-order (parent before children).
void visit(const Module& m, const std::function<void(const Module&)>& fn);
void visit_mut(Module& m, const std::function<void(Module&)>& fn);

}  // namespace mlux::nn

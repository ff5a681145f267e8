// HookPoints: the table of every place a hook can attach in one model, built once from its module
// tree. Module boundaries are mlx-lm's paths (`model.layers.3.mlp`); internal points add a
// `hook_` name under their module (`model.layers.3.self_attn.hook_pattern`); TransformerLens-style
// aliases (`blocks.3.hook_resid_post`, `hook_embed`, ...) name the same points, derived from the
// tree's roles so every family gets them. Selectors are exact paths, aliases or globs (`*` matches
// one path segment, `**` any number).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/nn/module.h"

namespace mlux::models {
class CausalLM;
}

namespace mlux::hooks {

enum class PointKind { module, internal };
/// Which value of a point: what it produces, or (module points) what it receives.
enum class PointSide { output, input };

struct HookPoint {
  std::string path;
  int id = -1;                        // index into every per-point table
  PointKind kind = PointKind::module;
  int layer = -1;                     // decoder layer it belongs to, or -1
  std::string shape;                  // named dims
  std::string when;                   // what the value is
  const nn::Module* module = nullptr; // the module itself (module points) or its owner (internal points)
};

struct Alias {
  std::string name;                   // "blocks.3.hook_resid_pre"
  int id = -1;                        // the point it names
  PointSide side = PointSide::output;
};

/// One point a selector matched, with the name a capture should use.
struct Selection {
  int id = -1;
  PointSide side = PointSide::output;
  std::string name;  // the path, or the alias if the selector used one
};

class HookPoints {
 public:
  explicit HookPoints(const models::CausalLM& model);

  /// Every point, in tree order (parent before children, internal points after their module).
  const std::vector<HookPoint>& all() const { return listed_; }
  const HookPoint& at(int id) const { return points_.at(std::size_t(id)); }
  /// One more than the largest point id (the size of per-point tables).
  std::size_t id_count() const { return points_.size(); }
  const std::vector<Alias>& aliases() const { return aliases_; }
  /// The point with exactly this path or alias name.
  std::optional<Selection> find(std::string_view name) const;
  /// Every point `selector` names (exact path, alias or glob). Throws Error listing close matches
  /// when nothing matches.
  std::vector<Selection> select(std::string_view selector) const;
  /// Every point whose path satisfies `pred`.
  std::vector<Selection> select(const std::function<bool(const HookPoint&)>& pred) const;
  /// Up to `n` known names closest to `name` (edit distance), for error messages.
  std::vector<std::string> closest(std::string_view name, std::size_t n = 5) const;

 private:
  void add_aliases(const models::CausalLM& model);
  std::vector<HookPoint> points_;  // indexed by id; the root (path "") is not listed
  std::vector<HookPoint> listed_;
  std::vector<Alias> aliases_;
};

/// `*` matches one dot-separated segment, `**` any number of segments, other characters literally.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace mlux::hooks

// Hook-point documentation generated from the code (docs/hook-points.md is this output, checked
// by a test so it cannot drift) and the named-dims shapes resolved to numbers (the hook-shape
// contract test compares them with what a forward pass produces).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mlux/hooks/hook_points.h"
#include "mlux/tensor/shape.h"

namespace mlux::hooks {

/// One architecture's hook points with layer indices folded into `{i}`, and its aliases, as markdown.
std::string hook_points_markdown(const std::string& title, const HookPoints& points);

/// "[batch, pos, n_heads·d_head]" → {B, T, H·Dh} with the sizes in `dims` (batch, pos, q_pos,
/// k_pos, head, kv_head, d_head, d_model, d_mlp, vocab, n_heads, n_kv_heads). Supports integer
/// products (·), sums and parentheses. Throws Error for an unknown name.
Shape resolve_dims(const std::string& named, const std::map<std::string, std::int64_t>& dims);

}  // namespace mlux::hooks

// Edited runs: the prompt run again with one activation replaced — at a block output, a sublayer
// output or one attention head, at one layer and position — and the logits at the last position.
// Patching (the value comes from another prompt) and ablation (zero, mean or a resampled value) are
// both lists of edits.
//
// The fast path runs every edit of one layer as one ragged batch: an edit at position p leaves
// positions < p untouched, so each edit re-runs only positions p..T, from layer ℓ on, with the
// clean run's keys and values for the earlier positions; a layer's edits share every matrix
// multiply. It gives the naive path's results (one full forward per edit), which remains for
// models whose convolution layers cannot run ragged (LFM2) and as the reference in tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mlux/error.h"
#include "mlux/hooks/hooked_model.h"

namespace mlux::interp {

enum class Site {
  resid,     // a block's output: the residual stream after layer ℓ
  attn_out,  // the mixer's output (attention, or LFM2's conv)
  mlp_out,   // the MLP's output
  head,      // one attention head's output (hook_z), before the output projection
};
Site site_from(const std::string& name);  // "resid" | "attn" | "attn_out" | "mlp" | "mlp_out" | "head" | "z"
std::string_view site_name(Site s);
/// The hook point of `site` at `layer` ("model.layers.3", "...self_attn.hook_z", ...).
std::string site_path(const hooks::HookedModel& model, Site site, int layer);

struct Edit {
  int layer = 0;
  int position = 0;
  int head = -1;   // Site::head only
  Tensor value;    // [d_model] (or [d_head] for a head): what the activation becomes
};

/// Told (done, total) as edits complete; return false to stop (run_edits then throws Cancelled).
using Progress = std::function<bool(std::size_t done, std::size_t total)>;

struct Cancelled : Error {
  Cancelled() : Error("cancelled") {}
};

struct EditOptions {
  bool fast = true;             // the ragged-batch path (falls back to naive where unsupported)
  std::size_t max_tokens = 4096;  // tokens per ragged batch; larger groups are split
  Progress progress;
};

/// Logits [n_edits, V] at the last prompt position, one row per edit. `prompt` is one prepared row.
Tensor run_edits(const hooks::HookedModel& model, const hooks::TokenBatch& prompt, Site site,
                 const std::vector<Edit>& edits, const EditOptions& options = {});

/// The values at `site` for every layer of one prepared row: layer → [pos, d_model] (or
/// [pos, head, d_head] for heads), from one forward pass.
std::vector<Tensor> site_values(const hooks::HookedModel& model, const hooks::TokenBatch& prompt, Site site,
                                const std::vector<int>& layers);

}  // namespace mlux::interp

// Where a model reference points: the embedded demo model when none is given, a local directory,
// or (through the hub cache) a Hugging Face id. Every surface (CLI, server, HookedModel) resolves
// references here, so they all accept the same things.
#pragma once

#include <filesystem>
#include <string>

namespace mlux::models {

/// The directory of the demo model mlux ships: $MLUX_DEMO_MODEL, else <binary>/../share/mlux/
/// models/demo (installed), else the source tree's models/demo (a build tree).
std::filesystem::path demo_model_dir();

/// A model directory for `ref`: "" → the demo model; an existing directory → itself; otherwise
/// an Error saying what was looked for.
std::filesystem::path locate_model(const std::string& ref);

}  // namespace mlux::models

// Where a model reference points: the embedded demo model when none is given, a local directory,
// or (through the hub cache) a Hugging Face id. Every surface (CLI, server, HookedModel) resolves
// references here, so they all accept the same things.
#pragma once

#include <filesystem>
#include <string>

#include "mlux/io/hub/resolve.h"

namespace mlux::models {

/// The directory of the demo model mlux ships: $MLUX_DEMO_MODEL, else <binary>/../share/mlux/
/// models/demo (installed), else the source tree's models/demo (a build tree), else the copy
/// embedded in the binary, unpacked once into the user's cache (see set_embedded_demo);
/// MLUX_DEMO_EMBEDDED=1 goes straight to the embedded copy.
std::filesystem::path demo_model_dir();

/// Registers the function that unpacks the demo model embedded in the `mlux` binary and returns
/// its directory (the library itself embeds nothing).
void set_embedded_demo(std::filesystem::path (*unpack)());

/// A model directory for `ref`: "" → the demo model; an existing directory → itself; a Hugging
/// Face id ("org/name[@revision]") → its snapshot in the HF cache, downloaded when missing
/// (io::hub::resolve_model; `hub` sets progress, offline, tokenizer-only). Otherwise an Error
/// saying what was looked for.
std::filesystem::path locate_model(const std::string& ref, const io::hub::ResolveOptions& hub = {});

}  // namespace mlux::models

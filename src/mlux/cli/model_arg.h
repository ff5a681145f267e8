// The --model option every model-taking subcommand shares: a model directory or a Hugging Face id
// ("org/name[@revision]"), resolved through io/hub (downloading with progress on stderr).
#pragma once

#include <filesystem>
#include <string>

#include "mlux/io/hub/model_files.h"

namespace mlux::cli {

/// --model's help text.
inline constexpr const char* kModelOptionHelp =
    "Model directory, or Hugging Face id 'org/name[@revision]' (downloaded into the HF cache)";

/// A local directory for what the user typed after --model. `parts` = tokenizer skips the
/// weights for commands that only handle text.
std::filesystem::path resolve_model_arg(const std::string& ref,
                                        io::hub::ModelParts parts = io::hub::ModelParts::everything);

}  // namespace mlux::cli

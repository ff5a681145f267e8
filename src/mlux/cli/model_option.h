// The --model option every model-taking subcommand shares: a model directory, a Hugging Face id
// ("org/name[@revision]", downloaded into the HF cache with progress on stderr), or nothing for
// the embedded demo model (models::locate_model decides what a reference means).
#pragma once

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "mlux/io/hub/model_files.h"

namespace mlux::cli {

/// --model's help text, for commands that declare the option themselves.
inline constexpr const char* kModelOptionHelp =
    "Model directory, or Hugging Face id 'org/name[@revision]' (downloaded into the HF cache)";

/// Adds `--model` to `app`, storing into `ref` (empty = the demo model).
void add_model_option(CLI::App& app, std::string& ref);

/// The local directory for what the user gave after --model ("" = the demo model), downloading
/// with a progress bar on stderr (HookedModel::from_pretrained(ref) does the same). `parts` = tokenizer skips the weights (text-only commands).
std::filesystem::path resolve_model_arg(const std::string& ref,
                                        io::hub::ModelParts parts = io::hub::ModelParts::everything);

}  // namespace mlux::cli

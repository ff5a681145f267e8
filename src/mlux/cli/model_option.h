// The --model option every model-taking subcommand shares: a model directory, or nothing for the
// embedded demo model (models::locate_model decides what a reference means).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace mlux::cli {

/// Adds `--model` to `app`, storing into `ref` (empty = the demo model).
void add_model_option(CLI::App& app, std::string& ref);

}  // namespace mlux::cli

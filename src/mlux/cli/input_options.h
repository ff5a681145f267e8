// Options shared by the interpretability subcommands: a prompt as --prompt TEXT or --ids 1,2,3,
// comma lists of integers, and the small text-table helpers they print with.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "mlux/hooks/hooked_model.h"

namespace mlux::cli {

struct PromptArgs {
  std::string prompt, ids;
};

/// Adds --prompt/-p and --ids (mutually exclusive) under `name` ("" for the main prompt).
void add_prompt_options(CLI::App& app, PromptArgs& args, const std::string& prefix = "");
/// The prompt as a ModelInput; throws Error when neither was given.
hooks::ModelInput prompt_input(const PromptArgs& args, const std::string& what = "--prompt TEXT or --ids 1,2,3");

/// "0,3,7" → {0, 3, 7} (negative values allowed); "" → {}.
std::vector<int> parse_int_list(const std::string& text, const std::string& option);

/// The first token of `text` encoded without special tokens (how " Paris" names a token).
std::int32_t token_of(const hooks::HookedModel& model, const std::string& text);

/// `user` (after an optional `system` message) rendered through the model's chat template, ready
/// for the assistant's reply: what --chat means for generate and steer.
std::string chat_prompt(const hooks::HookedModel& model, const std::string& user, const std::string& system);

/// Cuts or pads `s` to `width` display columns (UTF-8 aware).
std::string fit(const std::string& s, std::size_t width);

}  // namespace mlux::cli

// TokenizerSource: the --model DIR / --tokenizer FILE pair that the tokenize and detokenize
// subcommands share, and loading the tokenizer they name.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "mlux/tokenizer/tokenizer.h"

namespace mlux::cli {

struct TokenizerSource {
  std::string model_dir;
  std::string tokenizer_file;

  /// Declares --model and --tokenizer (exactly one is required) on app.
  void add_options(CLI::App& app);
  mlux::tokenizer::Tokenizer load() const;
};

}  // namespace mlux::cli

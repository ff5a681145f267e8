// TokenizerSource (see tokenizer_source.h).
#include "mlux/cli/tokenizer_source.h"

#include "mlux/cli/model_option.h"
#include "mlux/error.h"

namespace mlux::cli {

void TokenizerSource::add_options(CLI::App& app) {
  auto* model = app.add_option("--model", model_dir, kModelOptionHelp);
  auto* file = app.add_option("--tokenizer", tokenizer_file,
                              "A tokenizer.json file (its tokenizer_config.json is read from beside it)");
  model->excludes(file);
  file->excludes(model);
}

mlux::tokenizer::Tokenizer TokenizerSource::load() const {
  if (!tokenizer_file.empty()) return mlux::tokenizer::Tokenizer::from_file(tokenizer_file);
  if (!model_dir.empty())
    return mlux::tokenizer::Tokenizer::from_dir(resolve_model_arg(model_dir, io::hub::ModelParts::tokenizer));
  throw mlux::Error("no tokenizer given. Pass --model DIR (a model directory) or --tokenizer FILE (a tokenizer.json).");
}

}  // namespace mlux::cli

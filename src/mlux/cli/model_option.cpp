#include "mlux/cli/model_option.h"

namespace mlux::cli {

void add_model_option(CLI::App& app, std::string& ref) {
  app.add_option("--model,-m", ref, "Model directory (config.json + *.safetensors); default: the embedded demo model");
}

}  // namespace mlux::cli

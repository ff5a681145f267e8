#include "mlux/cli/model_option.h"

#include "mlux/models/locate.h"

namespace mlux::cli {

void add_model_option(CLI::App& app, std::string& ref) {
  app.add_option("--model,-m", ref, std::string(kModelOptionHelp) + "; default: the embedded demo model");
}

std::filesystem::path resolve_model_arg(const std::string& ref, io::hub::ModelParts parts) {
  io::hub::ResolveOptions opt;  // progress: the terminal renderer download_progress.cpp registers
  opt.parts = parts;
  return models::locate_model(ref, opt);
}

}  // namespace mlux::cli

#include "mlux/cli/model_option.h"

#include "mlux/cli/download_progress.h"
#include "mlux/models/locate.h"

namespace mlux::cli {

void add_model_option(CLI::App& app, std::string& ref) {
  app.add_option("--model,-m", ref, std::string(kModelOptionHelp) + "; default: the embedded demo model");
}

std::filesystem::path resolve_model_arg(const std::string& ref, io::hub::ModelParts parts) {
  io::hub::ResolveOptions opt;
  opt.fetch.progress = download_progress();
  opt.parts = parts;
  return models::locate_model(ref, opt);
}

}  // namespace mlux::cli

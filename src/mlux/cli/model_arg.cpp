#include "mlux/cli/model_arg.h"

#include "mlux/cli/download_progress.h"
#include "mlux/io/hub/resolve.h"

namespace mlux::cli {

std::filesystem::path resolve_model_arg(const std::string& ref, io::hub::ModelParts parts) {
  io::hub::ResolveOptions opt;
  opt.fetch.progress = download_progress();
  opt.parts = parts;
  return io::hub::resolve_model(ref, opt);
}

}  // namespace mlux::cli

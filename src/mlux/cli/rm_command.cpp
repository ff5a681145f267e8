// `mlux rm ID`: deletes a model, every revision of it, from the Hugging Face cache.
#include <cstdio>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/io/hub/cached_models.h"

namespace mlux::cli {
namespace {

CommandRegistrar reg("rm", "Delete a downloaded model from the Hugging Face cache", [](CLI::App& app) {
  auto id = std::make_shared<std::string>();
  app.add_option("model", *id, "Hugging Face id, 'org/name' (as `mlux models` lists it)")->required();
  return [id] {
    const auto freed = io::hub::remove_cached_model(*id);
    std::printf("removed %s (%s freed)\n", id->c_str(), format_bytes(freed).c_str());
    return 0;
  };
});

}  // namespace
}  // namespace mlux::cli

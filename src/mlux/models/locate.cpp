#include "mlux/models/locate.h"

#include <unistd.h>

#include <cstdlib>

#include "mlux/error.h"

namespace mlux::models {
namespace fs = std::filesystem;

namespace {

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

bool is_model_dir(const fs::path& p) { return fs::is_regular_file(p / "config.json"); }

fs::path (*g_unpack_embedded)() = nullptr;

}  // namespace

void set_embedded_demo(fs::path (*unpack)()) { g_unpack_embedded = unpack; }

fs::path demo_model_dir() {
  if (const char* env = std::getenv("MLUX_DEMO_MODEL"); env && *env) return env;
  // MLUX_DEMO_EMBEDDED=1 skips the directories and uses the copy in the binary (tests, packaging checks).
  if (const char* e = std::getenv("MLUX_DEMO_EMBEDDED"); e && *e == '1' && g_unpack_embedded) return g_unpack_embedded();
  const fs::path installed = executable_dir() / ".." / "share" / "mlux" / "models" / "demo";
  if (is_model_dir(installed)) return fs::weakly_canonical(installed);
  const fs::path source_tree = fs::path(MLUX_SOURCE_DIR) / "models" / "demo";
  if (is_model_dir(source_tree) || !g_unpack_embedded) return source_tree;
  return g_unpack_embedded();
}

fs::path locate_model(const std::string& ref, const io::hub::ResolveOptions& hub) {
  if (ref.empty()) {
    const fs::path demo = demo_model_dir();
    if (!is_model_dir(demo))
      fail("model: the demo model is not at '", demo.string(), "'. Set MLUX_DEMO_MODEL or pass --model DIR.");
    return demo;
  }
  return io::hub::resolve_model(ref, hub);
}

}  // namespace mlux::models

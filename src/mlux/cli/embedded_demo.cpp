// The demo model's files embedded in the `mlux` binary by CMake (build/.../demo_model.S, .incbin),
// unpacked on first use into ${XDG_CACHE_HOME:-~/.cache}/mlux/demo-<hash>/ when no source tree or
// install provides models/demo. Files are written to temporary names and renamed, so an
// interrupted unpack is redone, never half-used.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "mlux/error.h"
#include "mlux/io/atomic_file.h"
#include "mlux/models/locate.h"

#define MLUX_DEMO_FILE(id) extern "C" const char mlux_demo_##id##_begin[], mlux_demo_##id##_end[];
MLUX_DEMO_FILE(config_json)
MLUX_DEMO_FILE(generation_config_json)
MLUX_DEMO_FILE(model_safetensors)
MLUX_DEMO_FILE(tokenizer_json)
MLUX_DEMO_FILE(tokenizer_config_json)

namespace mlux::cli {
namespace {

namespace fs = std::filesystem;

struct EmbeddedFile {
  const char* name;
  const char* begin;
  const char* end;
};

const EmbeddedFile kFiles[] = {
    {"config.json", mlux_demo_config_json_begin, mlux_demo_config_json_end},
    {"generation_config.json", mlux_demo_generation_config_json_begin, mlux_demo_generation_config_json_end},
    {"tokenizer.json", mlux_demo_tokenizer_json_begin, mlux_demo_tokenizer_json_end},
    {"tokenizer_config.json", mlux_demo_tokenizer_config_json_begin, mlux_demo_tokenizer_config_json_end},
    {"model.safetensors", mlux_demo_model_safetensors_begin, mlux_demo_model_safetensors_end},  // last: marks completion
};

fs::path unpack() {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a over every embedded byte: one cache dir per model version
  for (const auto& f : kFiles)
    for (const char* p = f.begin; p != f.end; ++p) h = (h ^ std::uint8_t(*p)) * 1099511628211ull;
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".cache";
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  const fs::path dir = base / "mlux" / (std::string("demo-") + hex);
  if (fs::exists(dir / "model.safetensors")) return dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail("demo model: cannot create '", dir.string(), "' to unpack the embedded model: ", ec.message());
  for (const auto& f : kFiles) io::write_file_atomic(dir / f.name, std::string_view(f.begin, std::size_t(f.end - f.begin)));
  return dir;
}

const bool registered = [] {
  models::set_embedded_demo(unpack);
  return true;
}();

}  // namespace
}  // namespace mlux::cli

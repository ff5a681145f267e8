#include "mlux/models/registry.h"

#include <algorithm>

#include "mlux/error.h"

namespace mlux::models {
namespace {

const std::vector<Family>& families() {
  static const std::vector<Family> table = {llama_family(), gemma_family(), phi3_family(), gpt2_family(), lfm2_family()};
  return table;
}

}  // namespace

const Family& family_for(const std::string& model_type, const std::string& source) {
  for (const auto& f : families())
    if (std::find(f.model_types.begin(), f.model_types.end(), model_type) != f.model_types.end()) return f;
  std::string list;
  for (const auto& t : supported_model_types()) list += (list.empty() ? "" : ", ") + t;
  fail(source, ": model_type '", model_type, "' is not supported. Supported: ", list, ".");
}

std::vector<std::string> supported_model_types() {
  std::vector<std::string> out;
  for (const auto& f : families()) out.insert(out.end(), f.model_types.begin(), f.model_types.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mlux::models

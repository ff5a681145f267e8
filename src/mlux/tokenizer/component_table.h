// How tokenizer.json components are built from their "type": each stage (normalizers,
// pre-tokenizers, decoders, post-processors) keeps one table of {type, builder} rows in its own
// .cpp, and build_component picks the row or reports the supported types. build_steps reads the
// list of a stage's "Sequence".
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/tokenizer/json_view.h"

namespace mlux::tokenizer {

template <typename Component>
struct ComponentEntry {
  std::string_view type;
  std::unique_ptr<Component> (*build)(const JsonView& json);
};

/// Builds the component json["type"] names from table; `stage` ("normalizer") names the stage
/// in the error raised for an unknown type.
template <typename Component>
std::unique_ptr<Component> build_component(const JsonView& json, std::span<const ComponentEntry<Component>> table,
                                           std::string_view stage) {
  const std::string type = json.type();
  for (const auto& entry : table)
    if (entry.type == type) return entry.build(json);
  std::string supported;
  for (const auto& entry : table) supported += (supported.empty() ? "" : ", ") + std::string(entry.type);
  json.fail(stage, " type '", type, "' is not supported. mlux supports ", supported, ".");
}

/// The steps of a Sequence component: each element of the array json[key], built with make.
template <typename Component>
std::vector<std::unique_ptr<Component>> build_steps(const JsonView& json, std::string_view key,
                                                    std::unique_ptr<Component> (*make)(const JsonView&)) {
  const JsonView list = json[key];
  if (!list.is_array()) list.fail("expected a list of components, got ", list.excerpt(), ".");
  std::vector<std::unique_ptr<Component>> steps;
  for (std::size_t i = 0; i < list.size(); ++i) steps.push_back(make(list.at(i)));
  return steps;
}

}  // namespace mlux::tokenizer

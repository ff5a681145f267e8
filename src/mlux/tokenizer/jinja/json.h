// JSON in and out of template values. In: nlohmann::ordered_json (messages, tools, extra context)
// becomes Values with key order kept, as Python's json.loads would give. Out: the `tojson` filter
// transformers installs, which is Python's json.dumps(x, ensure_ascii=False, indent=None,
// separators=None, sort_keys=False) - byte for byte, including ", "/": " separators, float repr
// and the escapes json.dumps chooses.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

[[nodiscard]] Value from_json(const nlohmann::ordered_json& json);

struct JsonDumpOptions {
  std::optional<std::string> indent;  // nullopt: one line; else the per-level indent string
  std::string item_separator = ", ";  // json.dumps default; "," when indenting
  std::string key_separator = ": ";
  bool ensure_ascii = false;          // transformers' default
  bool sort_keys = false;
};

/// Python's json.dumps. Throws EvalError for values JSON can't hold (undefined, macros,
/// namespaces), like json.dumps' "Object of type Undefined is not JSON serializable".
[[nodiscard]] std::string to_json(const Value& value, const JsonDumpOptions& options = {});

}  // namespace mlux::tokenizer::jinja

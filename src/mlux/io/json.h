// Reading JSON files with errors that name the file, line and column, and typed field access
// with errors that name the field ("config.json: 'num_attention_heads' must be an integer").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mlux::io {

using Json = nlohmann::json;

/// Parses a whole file; throws Error with path, line and column on malformed JSON.
Json read_json_file(const std::filesystem::path& path);
/// Parses text; `source` names it in errors (a path, "request body", ...).
Json parse_json(std::string_view text, std::string_view source);

/// Typed optional field access: absent or null → nullopt; present with the wrong type → Error
/// naming `source` (e.g. "config.json") and the key.
std::optional<std::int64_t> get_int(const Json& obj, std::string_view key, std::string_view source);
std::optional<double> get_number(const Json& obj, std::string_view key, std::string_view source);
std::optional<bool> get_bool(const Json& obj, std::string_view key, std::string_view source);
std::optional<std::string> get_string(const Json& obj, std::string_view key, std::string_view source);

}  // namespace mlux::io

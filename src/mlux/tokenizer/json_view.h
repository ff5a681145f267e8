// JsonView: read access to one node of a parsed JSON file that knows where the node is (file
// and JSON path such as `model.merges[12]`), so every complaint about tokenizer files names the
// file, the path and the offending value. Components read their own settings through it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mlux/error.h"

namespace mlux::tokenizer {

class JsonView {
 public:
  JsonView(const nlohmann::json& node, std::string file, std::string path = {})
      : node_(&node), file_(std::move(file)), path_(std::move(path)) {}

  const nlohmann::json& json() const { return *node_; }
  /// "model.merges[12]" ("(top level)" for the root).
  std::string path() const { return path_.empty() ? "(top level)" : path_; }
  const std::string& file() const { return file_; }

  bool is_null() const { return node_->is_null(); }
  bool is_object() const { return node_->is_object(); }
  bool is_array() const { return node_->is_array(); }
  bool is_string() const { return node_->is_string(); }

  /// A member that must be present and not null.
  JsonView operator[](std::string_view key) const;
  /// A member, or nullopt when it is missing or null.
  std::optional<JsonView> find(std::string_view key) const;
  /// An element of an array.
  JsonView at(std::size_t index) const;
  std::size_t size() const { return node_->size(); }

  std::string string() const;
  const std::string& string_ref() const;
  bool boolean() const;
  std::int64_t integer() const;
  /// An integer that must fit a token id (0 .. 2^31-1).
  std::int32_t token_id() const;

  /// Optional members with a default for missing or null.
  std::string string_or(std::string_view key, std::string_view fallback) const;
  bool bool_or(std::string_view key, bool fallback) const;
  std::optional<std::string> optional_string(std::string_view key) const;

  /// The "type" member of a component ("BPE", "Sequence", ...).
  std::string type() const { return (*this)["type"].string(); }

  /// Throws Error: "<file>: <path>: <message>".
  template <typename... Args>
  [[noreturn]] void fail(Args&&... args) const {
    mlux::fail(file_, ": ", path(), ": ", std::forward<Args>(args)...);
  }

  /// The node's JSON text, cut short for messages.
  std::string excerpt() const;

 private:
  std::string child_path(std::string_view key) const;

  const nlohmann::json* node_;
  std::string file_;
  std::string path_;
};

/// Reads a whole file; throws Error naming it (`what` describes it: "tokenizer.json").
std::string read_text_file(const std::string& path, std::string_view what);

/// Reads and parses a JSON file; throws Error naming the file and the line/column of a syntax
/// error. `what` describes the file for messages ("tokenizer.json").
nlohmann::json read_json_file(const std::string& path, std::string_view what);

}  // namespace mlux::tokenizer

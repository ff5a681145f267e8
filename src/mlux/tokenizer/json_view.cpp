// JsonView accessors and read_json_file (see json_view.h).
#include "mlux/tokenizer/json_view.h"

#include <fstream>
#include <limits>
#include <sstream>

namespace mlux::tokenizer {
namespace {

std::string_view kind_of(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_float: return "a fractional number";
    default: return "an integer";
  }
}

}  // namespace

std::string JsonView::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string JsonView::excerpt() const {
  std::string text = node_->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr std::size_t kMax = 80;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

JsonView JsonView::operator[](std::string_view key) const {
  auto found = find(key);
  if (!found) {
    if (!node_->is_object()) fail("expected an object with a '", key, "' field, got ", kind_of(*node_), " ", excerpt(), ".");
    mlux::fail(file_, ": ", child_path(key), ": required field is missing or null. ",
               "The file may be truncated or written by an incompatible tool; re-download or re-save it with Hugging Face tokenizers.");
  }
  return *found;
}

std::optional<JsonView> JsonView::find(std::string_view key) const {
  if (!node_->is_object()) return std::nullopt;
  auto it = node_->find(key);
  if (it == node_->end() || it->is_null()) return std::nullopt;
  return JsonView(*it, file_, child_path(key));
}

JsonView JsonView::at(std::size_t index) const {
  if (!node_->is_array()) fail("expected an array, got ", kind_of(*node_), " ", excerpt(), ".");
  return JsonView((*node_)[index], file_, path_ + "[" + std::to_string(index) + "]");
}

const std::string& JsonView::string_ref() const {
  if (!node_->is_string()) fail("expected a string, got ", kind_of(*node_), " ", excerpt(), ".");
  return node_->get_ref<const std::string&>();
}

std::string JsonView::string() const { return string_ref(); }

bool JsonView::boolean() const {
  if (!node_->is_boolean()) fail("expected true or false, got ", kind_of(*node_), " ", excerpt(), ".");
  return node_->get<bool>();
}

std::int64_t JsonView::integer() const {
  if (!node_->is_number_integer()) fail("expected an integer, got ", kind_of(*node_), " ", excerpt(), ".");
  return node_->is_number_unsigned() && node_->get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()
             ? std::numeric_limits<std::int64_t>::max()
             : node_->get<std::int64_t>();
}

std::int32_t JsonView::token_id() const {
  const std::int64_t v = integer();
  if (v < 0 || v > std::numeric_limits<std::int32_t>::max())
    fail("token id ", v, " is out of range (0 to ", std::numeric_limits<std::int32_t>::max(), ").");
  return static_cast<std::int32_t>(v);
}

std::string JsonView::string_or(std::string_view key, std::string_view fallback) const {
  auto v = find(key);
  return v ? v->string() : std::string(fallback);
}

bool JsonView::bool_or(std::string_view key, bool fallback) const {
  auto v = find(key);
  return v ? v->boolean() : fallback;
}

std::optional<std::string> JsonView::optional_string(std::string_view key) const {
  auto v = find(key);
  if (!v) return std::nullopt;
  return v->string();
}

std::string read_text_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(what, ": cannot open '", path, "'. Check that the file exists and is readable.");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

nlohmann::json read_json_file(const std::string& path, std::string_view what) {
  const std::string text = read_text_file(path, what);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // syntax, or a number past double
    fail(what, ": '", path, "' is not valid JSON (", e.what(), "). The file is probably truncated or corrupted; download it again.");
  }
}

}  // namespace mlux::tokenizer

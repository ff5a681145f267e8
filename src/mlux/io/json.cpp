#include "mlux/io/json.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "mlux/error.h"

namespace mlux::io {
namespace {

// nlohmann reports a byte offset; users want line:column.
std::string line_col(std::string_view text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
  }
  return str("line ", line, ", column ", col);
}

const char* type_word(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer: case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    default: return "null";
  }
}

const Json* field(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Json parse_json(std::string_view text, std::string_view source) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    fail(source, ": malformed JSON at ", line_col(text, e.byte > 0 ? e.byte - 1 : 0), " (", e.what(),
         "). Fix or re-download the file.");
  } catch (const Json::exception& e) {  // a number past double's range
    fail(source, ": malformed JSON (", e.what(), "). Fix or re-download the file.");
  }
}

Json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("read: cannot open '", path.string(), "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_json(ss.str(), path.string());
}

std::optional<std::int64_t> get_int(const Json& obj, std::string_view key, std::string_view source) {
  const Json* v = field(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  // 2.0 is accepted as 2; the range check comes first because casting a double past int64 is undefined.
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::fabs(d) < 9.2e18 && d == std::trunc(d)) return std::int64_t(d);
  }
  fail(source, ": '", key, "' must be an integer, not ", type_word(*v), " (", v->dump(), ")");
}

std::optional<double> get_number(const Json& obj, std::string_view key, std::string_view source) {
  const Json* v = field(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number()) return v->get<double>();
  fail(source, ": '", key, "' must be a number, not ", type_word(*v), " (", v->dump(), ")");
}

std::optional<bool> get_bool(const Json& obj, std::string_view key, std::string_view source) {
  const Json* v = field(obj, key);
  if (!v) return std::nullopt;
  if (v->is_boolean()) return v->get<bool>();
  fail(source, ": '", key, "' must be true or false, not ", type_word(*v), " (", v->dump(), ")");
}

std::optional<std::string> get_string(const Json& obj, std::string_view key, std::string_view source) {
  const Json* v = field(obj, key);
  if (!v) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  fail(source, ": '", key, "' must be a string, not ", type_word(*v), " (", v->dump(), ")");
}

}  // namespace mlux::io

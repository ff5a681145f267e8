// JSON conversion with Python json semantics (see json.h).
#include "mlux/tokenizer/jinja/json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer::jinja {

Value from_json(const nlohmann::ordered_json& json) {
  using T = nlohmann::ordered_json::value_t;
  switch (json.type()) {
    case T::null: return Value::none();
    case T::boolean: return Value(json.get<bool>());
    case T::number_integer: return Value(json.get<std::int64_t>());
    case T::number_unsigned: {
      auto u = json.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
      return Value(static_cast<std::int64_t>(u));
    }
    case T::number_float: return Value(json.get<double>());
    case T::string: return Value(json.get<std::string>());
    case T::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(from_json(item));
      return Value::list(std::move(items));
    }
    case T::object: {
      Dict dict;
      for (const auto& [key, value] : json.items()) dict.set(Value(key), from_json(value));
      return Value(std::move(dict));
    }
    default: return Value::none();  // binary / discarded: not produced by the JSON parser
  }
}

namespace {

void append_json_string(std::string& out, std::string_view s, bool ensure_ascii) {
  out += '"';
  for (char32_t cp : unicode::decode(s)) {
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    char buf[16];
    if (cp < 0x20 || (ensure_ascii && cp >= 0x80) || (cp >= 0xDC80 && cp <= 0xDCFF)) {
      if (cp > 0xFFFF) {  // a surrogate pair, as json.dumps writes with ensure_ascii
        char32_t v = cp - 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      }
      out += buf;
    } else {
      unicode::append(out, cp);
    }
  }
  out += '"';
}

std::string json_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return float_repr(d);
}

// json.dumps turns non-string keys into strings; other key types are an error.
std::string json_key(const Value& key) {
  switch (key.kind()) {
    case Value::Kind::string: return key.as_string();
    case Value::Kind::boolean: return key.as_bool() ? "true" : "false";
    case Value::Kind::none: return "null";
    case Value::Kind::integer: return std::to_string(key.as_int());
    case Value::Kind::floating: return json_float(key.as_float());
    default: throw EvalError(str("keys must be str, int, float, bool or None, not ", key.type_name()));
  }
}

class JsonWriter {
 public:
  explicit JsonWriter(const JsonDumpOptions& o) : options_(o) {}

  void write(const Value& v, int depth) {
    switch (v.kind()) {
      case Value::Kind::none: out += "null"; return;
      case Value::Kind::boolean: out += v.as_bool() ? "true" : "false"; return;
      case Value::Kind::integer: out += std::to_string(v.as_int()); return;
      case Value::Kind::floating: out += json_float(v.as_float()); return;
      case Value::Kind::string: append_json_string(out, v.as_string(), options_.ensure_ascii); return;
      case Value::Kind::list: write_list(v.items(), depth); return;
      case Value::Kind::dict: write_dict(v.as_dict(), depth); return;
      default: throw EvalError(str("Object of type ", v.type_name(), " is not JSON serializable"));
    }
  }

  std::string out;

 private:
  const JsonDumpOptions& options_;

  void newline(int depth) {
    if (!options_.indent) return;
    out += '\n';
    for (int i = 0; i < depth; ++i) out += *options_.indent;
  }

  void write_list(const std::vector<Value>& items, int depth) {
    if (items.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += options_.item_separator;
      newline(depth + 1);
      write(items[i], depth + 1);
    }
    newline(depth);
    out += ']';
  }

  void write_dict(const Dict& dict, int depth) {
    if (dict.empty()) {
      out += "{}";
      return;
    }
    std::vector<std::pair<std::string, const Value*>> entries;
    for (const auto& [k, v] : dict.entries()) entries.emplace_back(json_key(k), &v);
    if (options_.sort_keys)
      std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out += '{';
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i) out += options_.item_separator;
      newline(depth + 1);
      append_json_string(out, entries[i].first, options_.ensure_ascii);
      out += options_.key_separator;
      write(*entries[i].second, depth + 1);
    }
    newline(depth);
    out += '}';
  }
};

}  // namespace

std::string to_json(const Value& value, const JsonDumpOptions& options) {
  JsonWriter writer(options);
  writer.write(value, 0);
  return std::move(writer.out);
}

}  // namespace mlux::tokenizer::jinja

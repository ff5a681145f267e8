#include "mlux/server/json_request.h"

#include <cmath>

#include "mlux/server/http_error.h"

namespace mlux::server {
namespace {

const nlohmann::json kNull;

std::string type_name(const nlohmann::json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  return "null";
}

std::string range_text(double lo, double hi) { return str("between ", lo, " and ", hi); }

}  // namespace

JsonRequest::JsonRequest(const std::string& body, std::initializer_list<const char*> allowed) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    body_ = nlohmann::json::object();
    return;
  }
  body_ = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (body_.is_discarded())
    throw HttpError(400, "the request body is not valid JSON. Send a JSON object, e.g. {\"text\": \"Hello\"}");
  if (!body_.is_object()) throw HttpError(400, "the request body must be a JSON object, not " + type_name(body_));
  for (const auto& [key, value] : body_.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      bad_field(key, "unknown field; this endpoint takes " + (list.empty() ? std::string("no fields") : list));
    }
  }
}

bool JsonRequest::has(const std::string& field) const { return body_.contains(field) && !body_[field].is_null(); }

const nlohmann::json& JsonRequest::raw(const std::string& field) const {
  return body_.contains(field) ? body_[field] : kNull;
}

std::string JsonRequest::text(const std::string& field, std::size_t max_chars, bool allow_empty) const {
  if (!has(field)) bad_field(field, "is required (a string)");
  const auto& v = body_[field];
  if (!v.is_string()) bad_field(field, "must be a string, not " + type_name(v));
  const auto& s = v.get_ref<const std::string&>();
  if (!allow_empty && s.empty()) bad_field(field, "must not be empty");
  if (s.size() > max_chars) bad_field(field, str("is ", s.size(), " bytes long; the limit is ", max_chars, ". Shorten it"));
  return s;
}

std::string JsonRequest::text_or(const std::string& field, const std::string& fallback, std::size_t max_chars) const {
  return has(field) ? text(field, max_chars, true) : fallback;
}

std::string JsonRequest::choice(const std::string& field, const std::string& fallback,
                                std::initializer_list<const char*> choices) const {
  const std::string s = text_or(field, fallback, 64);
  std::string list;
  for (const char* c : choices) {
    if (s == c) return s;
    list += std::string(list.empty() ? "'" : ", '") + c + "'";
  }
  bad_field(field, "must be one of " + list + " (got '" + s + "')");
}

int JsonRequest::integer(const std::string& field, std::optional<int> fallback, int lo, int hi) const {
  if (!has(field)) {
    if (!fallback) bad_field(field, "is required (an integer " + range_text(lo, hi) + ")");
    return *fallback;
  }
  const auto& v = body_[field];
  if (!v.is_number_integer()) bad_field(field, "must be an integer, not " + type_name(v));
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi) bad_field(field, str("must be ", range_text(lo, hi), " (got ", x, ")"));
  return int(x);
}

double JsonRequest::number(const std::string& field, std::optional<double> fallback, double lo, double hi) const {
  if (!has(field)) {
    if (!fallback) bad_field(field, "is required (a number " + range_text(lo, hi) + ")");
    return *fallback;
  }
  const auto& v = body_[field];
  if (!v.is_number()) bad_field(field, "must be a number, not " + type_name(v));
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < lo || x > hi) bad_field(field, str("must be ", range_text(lo, hi), " (got ", x, ")"));
  return x;
}

bool JsonRequest::boolean(const std::string& field, bool fallback) const {
  if (!has(field)) return fallback;
  const auto& v = body_[field];
  if (!v.is_boolean()) bad_field(field, "must be true or false, not " + type_name(v));
  return v.get<bool>();
}

namespace {
const nlohmann::json& list_of(const nlohmann::json& body, const std::string& field, std::size_t max_items) {
  const auto& v = body[field];
  if (!v.is_array()) bad_field(field, "must be a list, not " + type_name(v));
  if (v.size() > max_items) bad_field(field, str("has ", v.size(), " items; the limit is ", max_items));
  return v;
}
}  // namespace

std::vector<int> JsonRequest::integers(const std::string& field, int lo, int hi, std::size_t max_items) const {
  std::vector<int> out;
  if (!has(field)) return out;
  for (const auto& item : list_of(body_, field, max_items)) {
    if (!item.is_number_integer()) bad_field(field, "must hold integers, not " + type_name(item));
    const auto x = item.get<std::int64_t>();
    if (x < lo || x > hi) bad_field(field, str("items must be ", range_text(lo, hi), " (got ", x, ")"));
    out.push_back(int(x));
  }
  return out;
}

std::vector<double> JsonRequest::numbers(const std::string& field, double lo, double hi, std::size_t max_items) const {
  std::vector<double> out;
  if (!has(field)) return out;
  for (const auto& item : list_of(body_, field, max_items)) {
    if (!item.is_number()) bad_field(field, "must hold numbers, not " + type_name(item));
    const double x = item.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi) bad_field(field, str("items must be ", range_text(lo, hi), " (got ", x, ")"));
    out.push_back(x);
  }
  return out;
}

std::vector<std::string> JsonRequest::texts(const std::string& field, std::size_t max_chars, std::size_t max_items) const {
  std::vector<std::string> out;
  if (!has(field)) return out;
  for (const auto& item : list_of(body_, field, max_items)) {
    if (!item.is_string()) bad_field(field, "must hold strings, not " + type_name(item));
    if (item.get_ref<const std::string&>().size() > max_chars) bad_field(field, str("items must be at most ", max_chars, " bytes"));
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace mlux::server

// JsonRequest: a request body parsed as a JSON object, with typed, bounded getters. Every problem
// (not JSON, not an object, a field of the wrong type or out of range, a string too long, an
// unknown field) is an HttpError 400 whose message names the field and says what it should be, so
// a bad request never reaches the model and never crashes the server.
//
//   JsonRequest body(req.body, {"text", "probe", "top_k"});
//   std::string text = body.text("text", limits.max_prompt_chars);
//   int k = body.integer("top_k", 3, 1, 20);
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlux::server {

class JsonRequest {
 public:
  /// Parses `body` (an empty body is {}); `allowed` lists the fields the endpoint knows.
  JsonRequest(const std::string& body, std::initializer_list<const char*> allowed);

  bool has(const std::string& field) const;
  /// A required string of at most `max_chars` bytes (non-empty unless allow_empty).
  std::string text(const std::string& field, std::size_t max_chars, bool allow_empty = false) const;
  /// An optional string, `fallback` when absent or null.
  std::string text_or(const std::string& field, const std::string& fallback, std::size_t max_chars) const;
  /// One of `choices` (default `fallback`).
  std::string choice(const std::string& field, const std::string& fallback, std::initializer_list<const char*> choices) const;
  /// An integer in [lo, hi]; `fallback` when absent (nullopt fallback: required).
  int integer(const std::string& field, std::optional<int> fallback, int lo, int hi) const;
  /// A finite number in [lo, hi].
  double number(const std::string& field, std::optional<double> fallback, double lo, double hi) const;
  bool boolean(const std::string& field, bool fallback) const;
  /// A list of integers, each in [lo, hi], at most max_items; [] when absent.
  std::vector<int> integers(const std::string& field, int lo, int hi, std::size_t max_items) const;
  /// A list of numbers, each in [lo, hi], at most max_items; [] when absent.
  std::vector<double> numbers(const std::string& field, double lo, double hi, std::size_t max_items) const;
  /// A list of strings, each at most max_chars, at most max_items; [] when absent.
  std::vector<std::string> texts(const std::string& field, std::size_t max_chars, std::size_t max_items) const;
  /// The raw value (null when absent).
  const nlohmann::json& raw(const std::string& field) const;

 private:
  nlohmann::json body_;
};

}  // namespace mlux::server

// HttpError: a failure the server answers with a given status and a JSON body
// {"error": message, ...extra}. Route code throws it for bad requests (400), busy (409), missing
// things (404); the route wrappers (handlers.h) turn it, and any other exception, into a response.
// A request past one of the server's limits (server.h) says so in words and in a "limit" field:
// the `mlux serve` flag that raises it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mlux/error.h"

namespace mlux::server {

class HttpError : public Error {
 public:
  HttpError(int status, const std::string& message, nlohmann::json extra = nlohmann::json::object())
      : Error(message), status_(status), extra_(std::move(extra)) {}
  int status() const { return status_; }
  /// {"error": message} plus the extra fields.
  nlohmann::json body() const {
    nlohmann::json j = extra_;
    j["error"] = what();
    return j;
  }

 private:
  int status_;
  nlohmann::json extra_;
};

/// 400 naming the field: "field 'layer': must be between 0 and 7 (got 9)".
[[noreturn]] inline void bad_field(const std::string& field, const std::string& what) {
  throw HttpError(400, "field '" + field + "': " + what, {{"field", field}});
}

/// "the limit is 1024 (--max-prompt-tokens)": how an error names a limit and the flag that raises it.
template <typename T>
std::string limit_text(const T& limit, const std::string& flag) {
  return str("the limit is ", limit, " (", flag, ")");
}

/// 400 for a field past one of the server's limits: {"error", "field", "limit": flag}.
[[noreturn]] inline void field_over_limit(const std::string& field, const std::string& what, const std::string& flag) {
  throw HttpError(400, "field '" + field + "': " + what, {{"field", field}, {"limit", flag}});
}

}  // namespace mlux::server

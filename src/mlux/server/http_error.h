// HttpError: a failure the server answers with a given status and a JSON body
// {"error": message, ...extra}. Route code throws it for bad requests (400), busy (409), missing
// things (404); the route wrappers (handlers.h) turn it, and any other exception, into a response.
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

}  // namespace mlux::server

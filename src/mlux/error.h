// mlux::Error, the one exception type user-facing failures throw, and `str`, which builds its
// messages. A message says what was wrong (with values), where (file, tensor, field, module path)
// and what to do: "<step>: <what, with values>. <what to do>" (docs/architecture.md §9).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace mlux {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Concatenates anything streamable: str("tensor '", name, "' is ", shape).
template <typename... Args>
std::string str(Args&&... args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}

/// Throws Error with the concatenated message.
template <typename... Args>
[[noreturn]] void fail(Args&&... args) {
  throw Error(str(std::forward<Args>(args)...));
}

}  // namespace mlux

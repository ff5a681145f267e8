// What every fuzz target checks: an input may be refused only with mlux::Error, the error that
// names what was wrong and where. Any other exception (a bare std::out_of_range, nlohmann's
// type_error...) escapes to libFuzzer, which reports it as a crash and saves the input, as it does
// for the memory errors and undefined behaviour the sanitizers catch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mlux/error.h"

namespace mlux::fuzz {

template <class F>
void refuse_only_with_mlux_errors(F&& body) {
  try {
    body();
  } catch (const mlux::Error&) {
    // A clear refusal: the expected outcome for most mutated inputs.
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Stops the run with a message libFuzzer shows beside the saved input: for properties the
/// target checks itself (a decode that does not give the text back...).
[[noreturn]] inline void property_failed(const std::string& what) {
  std::fprintf(stderr, "fuzz property failed: %s\n", what.c_str());
  std::abort();
}

}  // namespace mlux::fuzz

// Helpers shared by the unit tests: fixture locations, scratch directories and tensor comparisons.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "mlux/error.h"
#include "mlux/tensor/tensor.h"

namespace mlux::test {

inline std::filesystem::path golden_dir() { return MLUX_GOLDEN_DIR; }

/// Names of the fixture directories under tests/golden, sorted.
inline std::vector<std::string> golden_fixtures() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(golden_dir()))
    if (e.is_directory() && std::filesystem::exists(e.path() / "reference.safetensors"))
      out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// A test-name-safe form of free text: every character that is not a letter or digit becomes '_'.
inline std::string safe_name(std::string n) {
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

/// A fresh empty directory under the system's temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("mlux-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline float max_abs(const Tensor& t) {
  float m = 0;
  for (float v : t.to_floats()) m = std::max(m, std::fabs(v));
  return m;
}

/// Largest |a - b| over all elements; +inf if shapes differ or a NaN appears.
inline float max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return INFINITY;
  const auto x = a.to_floats(), y = b.to_floats();
  float m = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float d = std::fabs(x[i] - y[i]);
    if (std::isnan(d)) return INFINITY;
    m = std::max(m, d);
  }
  return m;
}

/// A test-name-safe form of a string parameter ("llama-gqa" → "llama_gqa"), for
/// INSTANTIATE_TEST_SUITE_P(..., test::param_name).
inline std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return safe_name(info.param); }

/// Runs `fn` and returns the Error message it throws ("" if none).
template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace mlux::test

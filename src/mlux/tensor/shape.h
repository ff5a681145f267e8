// Shape: up to 8 dimensions held inline, so shape arithmetic never allocates. Also used for
// strides (in elements). Printed as [1, 7, 4096].
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>

namespace mlux {

class Shape {
 public:
  static constexpr int kMaxDims = 8;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims);
  template <typename It>
  Shape(It first, It last) {
    for (; first != last; ++first) push_back(std::int64_t(*first));
  }

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  std::int64_t operator[](int i) const { return d_[i]; }
  std::int64_t& operator[](int i) { return d_[i]; }
  const std::int64_t* begin() const { return d_; }
  const std::int64_t* end() const { return d_ + n_; }
  std::int64_t back() const { return d_[n_ - 1]; }

  void push_back(std::int64_t v);
  void insert(int pos, std::int64_t v);
  void erase(int pos);

  /// Product of all dimensions (1 for a scalar shape).
  std::int64_t numel() const;

  bool operator==(const Shape& o) const { return n_ == o.n_ && std::equal(begin(), end(), o.begin()); }
  bool operator!=(const Shape& o) const { return !(*this == o); }

  std::string to_string() const;

 private:
  std::int64_t d_[kMaxDims] = {};
  int n_ = 0;
};

std::ostream& operator<<(std::ostream& os, const Shape& s);

/// Row-major (C order) strides, in elements, for a shape.
Shape contiguous_strides(const Shape& shape);

}  // namespace mlux

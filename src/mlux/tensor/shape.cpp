#include "mlux/tensor/shape.h"

#include <ostream>

#include "mlux/error.h"

namespace mlux {

Shape::Shape(std::initializer_list<std::int64_t> dims) {
  for (auto d : dims) push_back(d);
}

void Shape::push_back(std::int64_t v) {
  if (n_ == kMaxDims) fail("shape: more than ", kMaxDims, " dimensions are not supported");
  d_[n_++] = v;
}

void Shape::insert(int pos, std::int64_t v) {
  if (n_ == kMaxDims) fail("shape: more than ", kMaxDims, " dimensions are not supported");
  for (int i = n_; i > pos; --i) d_[i] = d_[i - 1];
  d_[pos] = v;
  ++n_;
}

void Shape::erase(int pos) {
  for (int i = pos; i + 1 < n_; ++i) d_[i] = d_[i + 1];
  --n_;
}

std::int64_t Shape::numel() const {
  std::int64_t n = 1;
  for (int i = 0; i < n_; ++i) n *= d_[i];
  return n;
}

std::string Shape::to_string() const {
  std::string s = "[";
  for (int i = 0; i < n_; ++i) {
    if (i) s += ", ";
    s += std::to_string(d_[i]);
  }
  return s + "]";
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.to_string(); }

Shape contiguous_strides(const Shape& shape) {
  Shape st = shape;
  std::int64_t acc = 1;
  for (int i = shape.size() - 1; i >= 0; --i) {
    st[i] = acc;
    acc *= shape[i];
  }
  return st;
}

}  // namespace mlux

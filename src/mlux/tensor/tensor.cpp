#include "mlux/tensor/tensor.h"

#include <cstring>

#include "mlux/error.h"
#include "mlux/tensor/copy.h"

namespace mlux {

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  for (auto d : shape)
    if (d < 0) fail("tensor: negative dimension in shape ", shape);
  Tensor t;
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape);
  t.dtype_ = dtype;
  t.storage_ = Storage::allocate(std::max<std::size_t>(t.nbytes(), 1));
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype) {
  Tensor t = empty(shape, dtype);
  std::memset(t.mutable_bytes(), 0, t.nbytes());
  return t;
}

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape, DType::f32);
  float* p = t.data<float>();
  for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = value;
  return t;
}

template <typename T>
Tensor Tensor::from_data(std::span<const T> values, const Shape& shape) {
  if (std::int64_t(values.size()) != shape.numel())
    fail("tensor: ", values.size(), " values do not fill shape ", shape, " (", shape.numel(), " elements)");
  Tensor t = empty(shape, dtype_of<T>());
  if (!values.empty()) std::memcpy(t.mutable_bytes(), values.data(), values.size() * sizeof(T));
  return t;
}
template Tensor Tensor::from_data<float>(std::span<const float>, const Shape&);
template Tensor Tensor::from_data<std::int32_t>(std::span<const std::int32_t>, const Shape&);
template Tensor Tensor::from_data<std::int64_t>(std::span<const std::int64_t>, const Shape&);
template Tensor Tensor::from_data<std::uint8_t>(std::span<const std::uint8_t>, const Shape&);
template Tensor Tensor::from_data<std::uint32_t>(std::span<const std::uint32_t>, const Shape&);

Tensor Tensor::borrow(const void* data, const Shape& shape, DType dtype, std::shared_ptr<const void> keep_alive) {
  Tensor t;
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape);
  t.dtype_ = dtype;
  t.storage_ = Storage::borrow(data, t.nbytes(), std::move(keep_alive));
  return t;
}

int Tensor::normalize_axis(int axis, int n) const {
  const int a = axis < 0 ? axis + n : axis;
  if (a < 0 || a >= n) fail("tensor: axis ", axis, " is out of range for a tensor of shape ", shape_);
  return a;
}

std::int64_t Tensor::dim(int axis) const { return shape_[normalize_axis(axis, ndim())]; }

bool Tensor::is_contiguous() const {
  std::int64_t expected = 1;
  for (int i = ndim() - 1; i >= 0; --i) {
    if (shape_[i] != 1 && strides_[i] != expected) return false;
    expected *= shape_[i];
  }
  return true;
}

template <typename T>
const T* Tensor::data() const {
  if (dtype_ != dtype_of<T>())
    fail("tensor: data<", dtype_name(dtype_of<T>()), ">() called on a ", dtype_name(dtype_), " tensor");
  if (reinterpret_cast<std::uintptr_t>(bytes()) % alignof(T) != 0)
    fail("tensor: ", dtype_name(dtype_), " data is not aligned; take .contiguous() or .clone() first");
  return reinterpret_cast<const T*>(bytes());
}
template <typename T>
T* Tensor::data() {
  return const_cast<T*>(static_cast<const Tensor*>(this)->data<T>());
}
template const float* Tensor::data<float>() const;
template const std::int32_t* Tensor::data<std::int32_t>() const;
template const std::int64_t* Tensor::data<std::int64_t>() const;
template const std::uint8_t* Tensor::data<std::uint8_t>() const;
template const std::uint32_t* Tensor::data<std::uint32_t>() const;
template float* Tensor::data<float>();
template std::int32_t* Tensor::data<std::int32_t>();
template std::int64_t* Tensor::data<std::int64_t>();
template std::uint8_t* Tensor::data<std::uint8_t>();
template std::uint32_t* Tensor::data<std::uint32_t>();

Tensor Tensor::reshape(const Shape& shape) const {
  Shape target = shape;
  int infer = -1;
  std::int64_t known = 1;
  for (int i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (infer >= 0) fail("reshape: more than one -1 in ", shape);
      infer = i;
    } else {
      known *= target[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel() % known != 0) fail("reshape: cannot reshape ", shape_, " into ", shape);
    target[infer] = numel() / known;
  }
  if (target.numel() != numel()) fail("reshape: cannot reshape ", shape_, " (", numel(), " elements) into ", shape);
  Tensor src = contiguous();
  Tensor t = src;
  t.shape_ = target;
  t.strides_ = contiguous_strides(target);
  return t;
}

Tensor Tensor::transpose(int a, int b) const {
  a = normalize_axis(a, ndim());
  b = normalize_axis(b, ndim());
  Tensor t = *this;
  std::swap(t.shape_[a], t.shape_[b]);
  std::swap(t.strides_[a], t.strides_[b]);
  return t;
}

Tensor Tensor::slice(int axis, std::int64_t start, std::int64_t stop) const {
  axis = normalize_axis(axis, ndim());
  const std::int64_t n = shape_[axis];
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0 || stop > n || start > stop)
    fail("slice: range [", start, ", ", stop, ") is out of bounds for axis ", axis, " of size ", n,
         " (shape ", shape_, ")");
  Tensor t = *this;
  t.shape_[axis] = stop - start;
  t.offset_ += std::size_t(start * strides_[axis]) * dtype_size(dtype_);
  return t;
}

Tensor Tensor::select(int axis, std::int64_t index) const {
  axis = normalize_axis(axis, ndim());
  const std::int64_t n = shape_[axis];
  if (index < 0) index += n;
  if (index < 0 || index >= n)
    fail("select: index ", index, " is out of bounds for axis ", axis, " of size ", n, " (shape ", shape_, ")");
  Tensor t = *this;
  t.offset_ += std::size_t(index * strides_[axis]) * dtype_size(dtype_);
  t.shape_.erase(axis);
  t.strides_.erase(axis);
  return t;
}

Tensor Tensor::unsqueeze(int axis) const {
  axis = normalize_axis(axis, ndim() + 1);
  Tensor t = *this;
  const std::int64_t stride = axis < ndim() ? strides_[axis] * shape_[axis] : 1;
  t.shape_.insert(axis, 1);
  t.strides_.insert(axis, stride);
  return t;
}

Tensor Tensor::squeeze(int axis) const {
  axis = normalize_axis(axis, ndim());
  if (shape_[axis] != 1) fail("squeeze: axis ", axis, " of shape ", shape_, " has size ", shape_[axis], ", not 1");
  Tensor t = *this;
  t.shape_.erase(axis);
  t.strides_.erase(axis);
  return t;
}

Tensor Tensor::broadcast_to(const Shape& shape) const {
  if (shape.size() < ndim()) fail("broadcast_to: cannot broadcast ", shape_, " to ", shape);
  Tensor t = *this;
  t.shape_ = shape;
  t.strides_ = Shape();
  const int lead = shape.size() - ndim();
  for (int i = 0; i < shape.size(); ++i) {
    if (i < lead) {
      t.strides_.push_back(0);
      continue;
    }
    const std::int64_t d = shape_[i - lead];
    if (d == shape[i]) {
      t.strides_.push_back(strides_[i - lead]);
    } else if (d == 1) {
      t.strides_.push_back(0);
    } else {
      fail("broadcast_to: cannot broadcast ", shape_, " to ", shape);
    }
  }
  return t;
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

Tensor Tensor::clone() const { return to(dtype_); }

Tensor Tensor::to(DType dtype) const {
  Tensor out = empty(shape_, dtype);
  copy_convert(*this, out);
  return out;
}

float Tensor::item() const {
  if (numel() != 1) fail("item: tensor of shape ", shape_, " has ", numel(), " elements, not 1");
  return to_floats()[0];
}

std::vector<float> Tensor::to_floats() const {
  Tensor f = to(DType::f32);
  const float* p = f.data<float>();
  return std::vector<float>(p, p + f.numel());
}

std::vector<std::int64_t> Tensor::to_ints() const {
  Tensor f = to(DType::i64);
  const std::int64_t* p = f.data<std::int64_t>();
  return std::vector<std::int64_t>(p, p + f.numel());
}

}  // namespace mlux

// Tensor: a shape, strides, a dtype and a byte offset into a shared Storage. Eager: every op
// returns a computed result. Views (reshape, transpose, slice, select, broadcast_to) share the
// storage; copies (contiguous, clone, to) make new storage. Math lives in mlux/ops/ops.h.
//
// Strides are in elements. Weights mapped from a checkpoint may sit at any byte address (MLX
// writes unaligned safetensors), so typed access through data<T>() checks alignment; kernels that
// read weights use byte pointers and unaligned loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "mlux/tensor/dtype.h"
#include "mlux/tensor/shape.h"
#include "mlux/tensor/storage.h"

namespace mlux {

class Tensor {
 public:
  /// An undefined tensor (defined() is false): "no tensor", e.g. an absent bias.
  Tensor() = default;

  // --- construction --------------------------------------------------------------------------
  static Tensor empty(const Shape& shape, DType dtype = DType::f32);
  static Tensor zeros(const Shape& shape, DType dtype = DType::f32);
  static Tensor full(const Shape& shape, float value);
  static Tensor scalar(float value) { return full({}, value); }
  /// Copies `values` (numel must match) into a new contiguous tensor of T's dtype.
  template <typename T>
  static Tensor from_data(std::span<const T> values, const Shape& shape);
  static Tensor from_floats(const std::vector<float>& values, const Shape& shape) {
    return from_data<float>(values, shape);
  }
  /// A contiguous view of memory owned elsewhere (a mapped file); no copy.
  static Tensor borrow(const void* data, const Shape& shape, DType dtype, std::shared_ptr<const void> keep_alive);

  // --- properties ----------------------------------------------------------------------------
  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }
  int ndim() const { return shape_.size(); }
  /// Size of one axis; negative axes count from the end.
  std::int64_t dim(int axis) const;
  std::int64_t numel() const { return shape_.numel(); }
  DType dtype() const { return dtype_; }
  std::size_t nbytes() const { return std::size_t(numel()) * dtype_size(dtype_); }
  bool is_contiguous() const;
  /// True if the two tensors may read or write the same bytes.
  bool shares_storage_with(const Tensor& other) const { return storage_ && storage_ == other.storage_; }
  const std::shared_ptr<Storage>& storage() const { return storage_; }

  /// Address of element 0 (any alignment).
  const std::byte* bytes() const { return storage_->data() + offset_; }
  std::byte* mutable_bytes() { return storage_->data() + offset_; }
  /// Typed pointer to element 0; throws unless T matches the dtype and the address is aligned.
  template <typename T>
  const T* data() const;
  template <typename T>
  T* data();

  // --- views (share storage) -----------------------------------------------------------------
  /// Same elements in a new shape (one dim may be -1). A view when contiguous, else a copy.
  Tensor reshape(const Shape& shape) const;
  Tensor transpose(int axis_a, int axis_b) const;
  /// Elements [start, stop) along `axis`; negative indices count from the end.
  Tensor slice(int axis, std::int64_t start, std::int64_t stop) const;
  /// One index along `axis`, which is removed.
  Tensor select(int axis, std::int64_t index) const;
  Tensor unsqueeze(int axis) const;
  Tensor squeeze(int axis) const;
  /// Repeats size-1 (or missing leading) axes by giving them stride 0.
  Tensor broadcast_to(const Shape& shape) const;

  // --- copies --------------------------------------------------------------------------------
  /// This tensor if already contiguous, else a contiguous copy.
  Tensor contiguous() const;
  /// Always a new contiguous copy.
  Tensor clone() const;
  /// Converts to another dtype (float ↔ float with round-to-nearest-even, ints → floats).
  Tensor to(DType dtype) const;

  /// The single element of a one-element tensor, as float.
  float item() const;
  /// All elements, in row-major order, converted to float / int64.
  std::vector<float> to_floats() const;
  std::vector<std::int64_t> to_ints() const;

 private:
  int normalize_axis(int axis, int ndim_for_check) const;

  Shape shape_;
  Shape strides_;
  DType dtype_ = DType::f32;
  std::size_t offset_ = 0;  // bytes from storage start to element 0
  std::shared_ptr<Storage> storage_;
};

template <typename T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<std::int32_t>() { return DType::i32; }
template <> constexpr DType dtype_of<std::int64_t>() { return DType::i64; }
template <> constexpr DType dtype_of<std::uint8_t>() { return DType::u8; }
template <> constexpr DType dtype_of<std::uint32_t>() { return DType::u32; }

}  // namespace mlux

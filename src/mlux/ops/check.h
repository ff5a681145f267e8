// Validation helpers shared by the op files: each throws Error starting with the op's name.
#pragma once

#include <string_view>
#include <vector>

#include "mlux/error.h"
#include "mlux/tensor/tensor.h"

namespace mlux::ops::detail {

inline void require_defined(std::string_view op, std::string_view what, const Tensor& t) {
  if (!t.defined()) fail(op, ": ", what, " is an undefined tensor");
}

inline void require_f32(std::string_view op, std::string_view what, const Tensor& t) {
  require_defined(op, what, t);
  if (t.dtype() != DType::f32)
    fail(op, ": ", what, " must be f32, got ", dtype_name(t.dtype()), " ", t.shape(), ". Convert with .to(DType::f32).");
}

inline void require_float(std::string_view op, std::string_view what, const Tensor& t) {
  require_defined(op, what, t);
  if (!is_floating(t.dtype())) fail(op, ": ", what, " must be a float tensor, got ", dtype_name(t.dtype()), " ", t.shape());
}

inline void require_ndim(std::string_view op, std::string_view what, const Tensor& t, int ndim) {
  if (t.ndim() != ndim) fail(op, ": ", what, " must have ", ndim, " dimensions, got ", t.shape());
}

/// f32, contiguous and 4-byte aligned: what the kernels read through float pointers.
inline Tensor as_f32_contiguous(const Tensor& t) {
  Tensor c = t.dtype() == DType::f32 ? t.contiguous() : t.to(DType::f32);
  if (reinterpret_cast<std::uintptr_t>(c.bytes()) % alignof(float) != 0) c = c.clone();
  return c;
}

/// The ids of a gather as int64, each checked to lie in [0, v).
inline std::vector<std::int64_t> ids_in_range(std::string_view op, const Tensor& ids, std::int64_t v) {
  require_defined(op, "ids", ids);
  if (ids.dtype() != DType::i32 && ids.dtype() != DType::i64) fail(op, ": ids must be i32 or i64, got ", dtype_name(ids.dtype()));
  std::vector<std::int64_t> idx = ids.to_ints();
  for (std::size_t i = 0; i < idx.size(); ++i)
    if (idx[i] < 0 || idx[i] >= v)
      fail(op, ": id ", idx[i], " at position ", i, " is outside the vocabulary [0, ", v, "). Check the tokenizer matches the model.");
  return idx;
}

inline int normalize_axis(std::string_view op, int axis, int ndim) {
  const int a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) fail(op, ": axis ", axis, " is out of range for ", ndim, " dimensions");
  return a;
}

}  // namespace mlux::ops::detail

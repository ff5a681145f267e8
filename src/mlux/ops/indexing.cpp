// take (embedding gather) and concatenate.
#include <cstring>

#include "mlux/ops/check.h"
#include "mlux/ops/ops.h"
#include "mlux/tensor/copy.h"

namespace mlux::ops {

Tensor take(const Tensor& table, const Tensor& ids) {
  detail::require_float("take", "table", table);
  detail::require_ndim("take", "table", table, 2);
  const std::int64_t d = table.dim(1);
  const std::vector<std::int64_t> idx = detail::ids_in_range("take", ids, table.dim(0));
  Shape out_shape = ids.shape();
  out_shape.push_back(d);
  Tensor out = Tensor::empty(out_shape);
  for (std::size_t i = 0; i < idx.size(); ++i) {
    Tensor row = table.select(0, idx[i]);
    Tensor dst = out.reshape({std::int64_t(idx.size()), d}).select(0, std::int64_t(i));
    copy_convert(row, dst);  // widens bf16/f16 rows, reads unaligned rows safely
  }
  return out;
}

Tensor concatenate(const std::vector<Tensor>& xs, int axis) {
  if (xs.empty()) fail("concatenate: no tensors given");
  const Tensor& first = xs[0];
  for (const auto& x : xs) detail::require_defined("concatenate", "input", x);
  axis = detail::normalize_axis("concatenate", axis, first.ndim());
  Shape out_shape = first.shape();
  std::int64_t total = 0;
  for (const auto& x : xs) {
    if (x.dtype() != first.dtype() || x.ndim() != first.ndim())
      fail("concatenate: cannot join ", dtype_name(first.dtype()), " ", first.shape(), " with ", dtype_name(x.dtype()), " ", x.shape());
    for (int i = 0; i < x.ndim(); ++i)
      if (i != axis && x.dim(i) != first.dim(i))
        fail("concatenate: shapes ", first.shape(), " and ", x.shape(), " differ outside axis ", axis);
    total += x.dim(axis);
  }
  out_shape[axis] = total;
  Tensor out = Tensor::empty(out_shape, first.dtype());
  std::int64_t at = 0;
  for (const auto& x : xs) {
    Tensor dst = out.slice(axis, at, at + x.dim(axis));
    copy_convert(x, dst);
    at += x.dim(axis);
  }
  return out;
}

}  // namespace mlux::ops

// copy_convert: the one strided element copy with dtype conversion behind Tensor::contiguous,
// clone and to. Not math: values are converted, never combined.
#pragma once

namespace mlux {

class Tensor;

/// Copies every element of `src` into `dst` (same shape; any strides and alignment), converting
/// dtypes: floats round to nearest even, integers convert exactly where representable.
void copy_convert(const Tensor& src, Tensor& dst);

}  // namespace mlux

// The NumPy .npy format (version 1.0): a magic string, a header dict ({'descr': '<f4',
// 'fortran_order': False, 'shape': (...)}) padded to 64 bytes, then C-order data. Enough for
// numpy.load to read what mlux writes, and for mlux to read back what it wrote.
#pragma once

#include <filesystem>

#include "mlux/tensor/tensor.h"

namespace mlux::io {

/// Writes `t` (any layout; f32, f16, i32, i64, u8, u32 — bf16 is widened to f32, which numpy lacks).
void save_npy(const std::filesystem::path& path, const Tensor& t);
/// Reads a C-order .npy of one of those dtypes.
Tensor load_npy(const std::filesystem::path& path);

}  // namespace mlux::io

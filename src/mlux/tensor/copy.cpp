#include "mlux/tensor/copy.h"

#include <cstring>

#include "mlux/error.h"
#include "mlux/tensor/half.h"
#include "mlux/tensor/tensor.h"

namespace mlux {
namespace {

// Reads one element at any alignment as double (exact for every dtype we hold but i64 > 2^53,
// which never occurs in token ids or packed codes).
double load(const std::byte* p, DType t) {
  switch (t) {
    case DType::f32: { float v; std::memcpy(&v, p, 4); return v; }
    case DType::f16: { std::uint16_t v; std::memcpy(&v, p, 2); return f16_to_f32(v); }
    case DType::bf16: { std::uint16_t v; std::memcpy(&v, p, 2); return bf16_to_f32(v); }
    case DType::i32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
    case DType::i64: { std::int64_t v; std::memcpy(&v, p, 8); return double(v); }
    case DType::u8: return double(std::uint8_t(*p));
    case DType::u32: { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
  }
  return 0;
}

void store(std::byte* p, DType t, double x) {
  switch (t) {
    case DType::f32: { float v = float(x); std::memcpy(p, &v, 4); return; }
    case DType::f16: { std::uint16_t v = f32_to_f16(float(x)); std::memcpy(p, &v, 2); return; }
    case DType::bf16: { std::uint16_t v = f32_to_bf16(float(x)); std::memcpy(p, &v, 2); return; }
    case DType::i32: { std::int32_t v = std::int32_t(x); std::memcpy(p, &v, 4); return; }
    case DType::i64: { std::int64_t v = std::int64_t(x); std::memcpy(p, &v, 8); return; }
    case DType::u8: { *p = std::byte(std::uint8_t(x)); return; }
    case DType::u32: { std::uint32_t v = std::uint32_t(x); std::memcpy(p, &v, 4); return; }
  }
}

}  // namespace

void copy_convert(const Tensor& src, Tensor& dst) {
  if (src.shape() != dst.shape()) fail("copy: shapes ", src.shape(), " and ", dst.shape(), " differ");
  const std::int64_t n = src.numel();
  if (n == 0) return;
  const int nd = src.ndim();
  const std::size_t ss = dtype_size(src.dtype()), ds = dtype_size(dst.dtype());
  const bool same = src.dtype() == dst.dtype();

  if (same && src.is_contiguous() && dst.is_contiguous()) {
    std::memmove(dst.mutable_bytes(), src.bytes(), src.nbytes());
    return;
  }
  // Fast path for the common widening of a contiguous 16-bit float tensor to f32.
  if (src.is_contiguous() && dst.is_contiguous() && dst.dtype() == DType::f32 &&
      (src.dtype() == DType::bf16 || src.dtype() == DType::f16)) {
    const std::byte* s = src.bytes();
    float* d = reinterpret_cast<float*>(dst.mutable_bytes());
    for (std::int64_t i = 0; i < n; ++i) {
      std::uint16_t h;
      std::memcpy(&h, s + 2 * i, 2);
      d[i] = src.dtype() == DType::bf16 ? bf16_to_f32(h) : f16_to_f32(h);
    }
    return;
  }

  // Same dtype: copy the longest run of trailing axes that is contiguous in both tensors as one
  // block (a KV-cache slot, a batch row), walking the remaining axes.
  if (same) {
    int inner = nd;
    std::int64_t block = 1;
    while (inner > 0) {
      const int a = inner - 1;
      if (src.shape()[a] != 1 && (src.strides()[a] != block || dst.strides()[a] != block)) break;
      block *= src.shape()[a];
      --inner;
    }
    if (block > 1) {
      const std::int64_t blocks = n / block;
      std::int64_t bidx[Shape::kMaxDims] = {};
      for (std::int64_t i = 0; i < blocks; ++i) {
        std::int64_t so = 0, dof = 0;
        for (int a = 0; a < inner; ++a) {
          so += bidx[a] * src.strides()[a];
          dof += bidx[a] * dst.strides()[a];
        }
        std::memcpy(dst.mutable_bytes() + dof * std::int64_t(ds), src.bytes() + so * std::int64_t(ss), std::size_t(block) * ss);
        for (int a = inner - 1; a >= 0; --a) {
          if (++bidx[a] < src.shape()[a]) break;
          bidx[a] = 0;
        }
      }
      return;
    }
  }

  // General case: walk a multi-index over the shape.
  std::int64_t idx[Shape::kMaxDims] = {};
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t so = 0, dof = 0;
    for (int a = 0; a < nd; ++a) {
      so += idx[a] * src.strides()[a];
      dof += idx[a] * dst.strides()[a];
    }
    const std::byte* sp = src.bytes() + so * std::int64_t(ss);
    std::byte* dp = dst.mutable_bytes() + dof * std::int64_t(ds);
    if (same) std::memcpy(dp, sp, ss);
    else store(dp, dst.dtype(), load(sp, src.dtype()));
    for (int a = nd - 1; a >= 0; --a) {
      if (++idx[a] < src.shape()[a]) break;
      idx[a] = 0;
    }
  }
}

}  // namespace mlux

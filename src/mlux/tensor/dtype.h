// DType: the element types a Tensor can hold, their sizes and names (ours and safetensors').
// Activations are f32; weights stay in their file dtype (f32, f16, bf16, or u32 packed codes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mlux {

enum class DType : std::uint8_t { f32, f16, bf16, i32, i64, u8, u32 };

/// Bytes per element.
constexpr std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32: case DType::i32: case DType::u32: return 4;
    case DType::f16: case DType::bf16: return 2;
    case DType::i64: return 8;
    case DType::u8: return 1;
  }
  return 0;
}

/// Our spelling, as users type it: "f32", "bf16", ...
std::string_view dtype_name(DType t);
/// The safetensors header spelling: "F32", "BF16", "U32", ...
std::string_view safetensors_dtype_name(DType t);
/// Parses a safetensors dtype string; nullopt for types mlux does not hold (F64, F8_*, ...).
std::optional<DType> dtype_from_safetensors(std::string_view name);

constexpr bool is_floating(DType t) { return t == DType::f32 || t == DType::f16 || t == DType::bf16; }
constexpr bool is_integer(DType t) { return !is_floating(t); }

}  // namespace mlux

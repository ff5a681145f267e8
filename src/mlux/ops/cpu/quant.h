// Kernels for MLX affine-quantized matrices W [N, K] (layout: tensor/quantized.h). x is f32
// [M, K] contiguous and 4-byte aligned; codes, scales and biases may sit at any byte address (MLX
// files are unaligned), so kernels read them through byte pointers and unaligned loads.
//
//  - gemv_quant_*: few rows of x (decode). Computes MLX's form per group g,
//        y = Σ_g scale_g · Σ_{i∈g} x_i·q_i  +  Σ_g bias_g · Σ_{i∈g} x_i
//    so codes become floats once and the bias costs one product per group.
//  - dequantize_rows_*: widens rows to f32 (scale·q + bias): panels for sgemm, embedding rows.
//  - quantize_rows_ref: MLX's affine quantizer (model-formats.md §2.5), scalar only: it runs once,
//    offline, in `mlux quantize`.
// Every kernel has its scalar *_ref twin: the oracle for the equivalence tests and the fallback
// on CPUs without AVX2/FMA/F16C.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mlux/tensor/dtype.h"

namespace mlux::ops::cpu {

/// A quantized matrix as the kernels see it. Rows are contiguous: row n's codes start at
/// codes + n·K·bits/8, its scales and biases at n·(K/group_size) elements.
struct QuantRows {
  const std::byte* codes = nullptr;
  const std::byte* scales = nullptr;
  const std::byte* biases = nullptr;
  DType scale_type = DType::f32;  // f32, f16 or bf16 (biases share it)
  int bits = 4;                   // 2, 3, 4, 5, 6, 8
  int group_size = 64;            // 32, 64, 128
  std::int64_t K = 0;             // a multiple of group_size (and so of 32)

  std::int64_t code_row_bytes() const { return K * bits / 8; }
  std::int64_t groups() const { return K / group_size; }
};

/// Code i of a packed row (LSB-first bit stream).
std::uint32_t unpack_code(const std::uint8_t* row, std::int64_t i, int bits);
/// Packs n codes (each < 2^bits) LSB-first into n·bits/8 bytes (n·bits a multiple of 8).
void pack_codes(const std::uint8_t* codes, std::int64_t n, int bits, std::uint8_t* out);

/// MLX affine quantization of `rows` rows of K floats, f32 arithmetic throughout: codes [rows,
/// K·bits/8] bytes, scales and biases [rows, K/group_size] f32 (the op rounds them to the
/// weight's dtype afterwards, as MLX does).
void quantize_rows_ref(const float* w, std::int64_t rows, std::int64_t K, int bits, int group_size,
                       std::uint8_t* codes, float* scales, float* biases);

/// dst[r, k] = fma(scale, q, bias) of row n_begin + r (f32, one rounding); dst is [rows, K] contiguous.
void dequantize_rows_ref(const QuantRows& w, std::int64_t n_begin, std::int64_t rows, float* dst);
void dequantize_rows_avx2(const QuantRows& w, std::int64_t n_begin, std::int64_t rows, float* dst);

/// y[m, n] = Σ_k x[m, k] · W[n, k] for m < M, n in [n_begin, n_end); y has row stride ldy.
void gemv_quant_ref(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin, std::int64_t n_end,
                    float* y, std::int64_t ldy);
void gemv_quant_avx2(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin, std::int64_t n_end,
                     float* y, std::int64_t ldy);

// --- the opt-in int8-activation path (4- and 8-bit codes) ----------------------------------------
// x is rounded to int8 in blocks of 32 (as llama.cpp's Q8_0), d = max|x|/127, xq = rint(x/d), and
// each block's Σ q·xq is an exact integer dot:
//     y ≈ Σ_b scale_g(b) · d_b · Σ_{i∈b} q_i·xq_i  +  Σ_g bias_g · Σ_{i∈g} x_i     (Σx stays f32)
// The kernels all see the same xq: quantize_activations and its AVX2 twin agree exactly on it.
constexpr int kActivationBlock = 32;

/// xq [M, K] int8, d [M, K/32] f32, xsum [M, K/group_size] f32 (Σx per weight group).
void quantize_activations(const float* x, std::int64_t M, std::int64_t K, int group_size, std::int8_t* xq, float* d,
                          float* xsum);
/// The same with AVX2: xq and d identical (the same IEEE operations), xsum summed in another order.
void quantize_activations_avx2(const float* x, std::int64_t M, std::int64_t K, int group_size, std::int8_t* xq,
                               float* d, float* xsum);

void gemv_quant_int8_ref(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin, std::int64_t n_end,
                         float* y, std::int64_t ldy);
/// bits 4 and 8 only.
void gemv_quant_int8_avx2(const QuantRows& w, const float* x, std::int64_t M, std::int64_t n_begin,
                          std::int64_t n_end, float* y, std::int64_t ldy);

/// Activation rows rounded once for a whole many-row product (prefill): the output of
/// quantize_activations for M rows, plus xq widened to int16 when the codes are 8-bit.
struct Int8Rows {
  const std::int8_t* xq = nullptr;    // [M, K]
  const std::int16_t* x16 = nullptr;  // [M, K], 8-bit codes only
  const float* d = nullptr;           // [M, K/32]
  const float* xsum = nullptr;        // [M, K/group_size]
  std::int64_t M = 0;
};

/// The int8-activation product for many rows of x (bits 4 and 8): y[m, n] for every m < x.M and
/// n in [n_begin, n_end), the same sum as gemv_quant_int8_ref. Weight rows are repacked eight at
/// a time into a thread-local panel and reused by every row of x, so call it on panels of about
/// int8_gemm_panel_rows() rows. Runs the AVX-512 VNNI kernel where has_avx512_vnni().
void gemm_quant_int8_avx2(const QuantRows& w, const Int8Rows& x, std::int64_t n_begin, std::int64_t n_end, float* y,
                          std::int64_t ldy);
/// Weight rows per gemm_quant_int8_avx2 call: a repacked panel that stays in L2 (a multiple of 8).
std::int64_t int8_gemm_panel_rows(const QuantRows& w);
/// Whether gemm_quant_int8_avx2 reads x.x16 (8-bit codes without AVX-512 VNNI); else it may be null.
bool int8_gemm_reads_int16(const QuantRows& w);

}  // namespace mlux::ops::cpu

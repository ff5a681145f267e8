// The math API: every computation on tensors is one of these free functions. This header is the
// table of contents; implementations live in ops/<family>.cpp (validation, layout, dispatch) and
// kernels in ops/cpu/ (loops, SIMD). Activations are f32; weights may be f32, f16 or bf16.
//
// Conventions: tensors first, then at most a few required scalars, then one options struct.
// Axes may be negative. Every op validates shapes and dtypes and throws mlux::Error starting with
// its own name ("linear: ..."). Shapes in comments use B batch, T tokens, D model width, H heads,
// Hkv key/value heads, Dh head width, V vocabulary, L kernel length.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mlux/tensor/quantized.h"
#include "mlux/tensor/tensor.h"

namespace mlux::ops {

// ============================================================================================
// Elementwise (f32; NumPy broadcasting between the two operands)
// ============================================================================================

/// a + b, a - b, a * b, a / b with broadcasting. Returns f32 of the broadcast shape.
[[nodiscard]] Tensor add(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor subtract(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor multiply(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor divide(const Tensor& a, const Tensor& b);
/// With a scalar.
[[nodiscard]] Tensor add(const Tensor& a, float b);
[[nodiscard]] Tensor multiply(const Tensor& a, float b);
/// out += b (out f32, contiguous; b broadcast to out's shape). The residual add of every block.
void add_into(Tensor& out, const Tensor& b);

[[nodiscard]] Tensor negative(const Tensor& x);
[[nodiscard]] Tensor exp(const Tensor& x);
[[nodiscard]] Tensor tanh(const Tensor& x);
[[nodiscard]] Tensor sqrt(const Tensor& x);
[[nodiscard]] Tensor square(const Tensor& x);

// ============================================================================================
// Activations
// ============================================================================================

enum class Activation {
  silu,       // x·sigmoid(x)
  gelu,       // 0.5·x·(1 + erf(x/√2)), exact
  gelu_tanh,  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): HF gelu_pytorch_tanh / gelu_new
  relu,
};

/// act(x), elementwise. x f32.
[[nodiscard]] Tensor activation(const Tensor& x, Activation act);
/// act(gate) * up: the gated MLP's middle. gate and up f32 of one shape.
[[nodiscard]] Tensor gated_activation(const Tensor& gate, const Tensor& up, Activation act);
/// cap · tanh(x / cap): Gemma 2's attention and final logit soft-caps.
[[nodiscard]] Tensor softcap(const Tensor& x, float cap);

// ============================================================================================
// Reductions
// ============================================================================================

struct ReduceOptions {
  bool keepdims = false;
};

/// Sum / mean / max over one axis. x f32.
[[nodiscard]] Tensor sum(const Tensor& x, int axis, ReduceOptions opt = {});
[[nodiscard]] Tensor mean(const Tensor& x, int axis, ReduceOptions opt = {});
[[nodiscard]] Tensor max(const Tensor& x, int axis, ReduceOptions opt = {});
/// Index of the largest element along `axis` (first one on ties), as i64.
[[nodiscard]] Tensor argmax(const Tensor& x, int axis, ReduceOptions opt = {});
/// exp(x - max) / Σ exp(x - max) along `axis`. x f32.
[[nodiscard]] Tensor softmax(const Tensor& x, int axis = -1);
/// x - max - log Σ exp(x - max) along `axis`.
[[nodiscard]] Tensor log_softmax(const Tensor& x, int axis = -1);

// ============================================================================================
// Linear algebra
// ============================================================================================

/// a @ b: [..., M, K] @ [..., K, N] → [..., M, N], leading axes broadcast. f32 (OpenBLAS sgemm).
[[nodiscard]] Tensor matmul(const Tensor& a, const Tensor& b);

/// y = x · weightᵀ (+ bias): x [..., In] f32, weight [Out, In] f32/f16/bf16 (kept in its dtype:
/// 16-bit weights are converted on the fly, never copied whole), bias [Out] or undefined.
/// Returns [..., Out] f32. Few rows use a fused convert-and-dot GEMV; many rows convert panels of
/// the weight and call sgemm. Matches torch.nn.functional.linear with f32 accumulation.
[[nodiscard]] Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});

// ============================================================================================
// Quantization (MLX affine mode; the layout is in tensor/quantized.h)
// ============================================================================================

/// MLX's affine quantizer (mx.quantize, mlx/backend/cpu/quantized.cpp) along the last axis of
/// w [O, I] (f32/f16/bf16), f32 arithmetic: per group, scale = (max − min)/(2^bits − 1), signed so
/// that the larger-magnitude end is exactly representable (code 0, the bias) and so is 0;
/// codes = clamp(rint((w − bias)/scale), 0, 2^bits − 1). scales and biases come back in w's dtype.
/// Throws unless bits ∈ {2,3,4,5,6,8}, group_size ∈ {32,64,128} divides I, and mode is affine.
[[nodiscard]] QuantizedTensor quantize(const Tensor& w, QuantParams params = {});
/// scales·q + biases as f32 [O, I]. (MLX returns the scales' dtype; mlux computes in f32.)
[[nodiscard]] Tensor dequantize(const QuantizedTensor& w);
/// What a quantized linear does with its input. f32 (the default): exact, what the model computes.
/// int8 (opt-in): x rounded to int8 per block of 32 inputs (d = max|x|/127) and integer dot
/// products, as llama.cpp does; faster decode and prefill, different logits (docs/quantization.md
/// gives the measured error). It applies to 4- and 8-bit weights; other widths run f32.
enum class QuantizedActivations { f32, int8 };
struct QuantizedLinearOptions {
  QuantizedActivations activations = QuantizedActivations::f32;
};
/// y = x · dequantize(w)ᵀ (+ bias) without materialising the weight: x [..., I] f32 → [..., O] f32.
/// Few rows: fused GEMV in MLX's form (scale·Σx·q + bias·Σx per group); many rows: dequantized
/// panels + sgemm. Matches mx.quantized_matmul(transpose=True) with f32 accumulation.
[[nodiscard]] Tensor linear(const Tensor& x, const QuantizedTensor& weight, const Tensor& bias = {},
                            QuantizedLinearOptions opt = {});
/// Rows of a quantized table [V, D] picked by ids, dequantized → [..., D] f32 (QuantizedEmbedding).
[[nodiscard]] Tensor take(const QuantizedTensor& table, const Tensor& ids);

// ============================================================================================
// Normalisation
// ============================================================================================

struct RmsNormOptions {
  float eps = 1e-6f;
  float weight_offset = 0.0f;  // Gemma stores w with an implicit +1: scale is (1 + w)
};
/// y = x / sqrt(mean(x², axis=-1) + eps) · (weight_offset + weight), computed in f32.
/// x [..., D] f32; weight [D] any float dtype. Matches HF LlamaRMSNorm / GemmaRMSNorm in f32.
[[nodiscard]] Tensor rms_norm(const Tensor& x, const Tensor& weight, RmsNormOptions opt = {});

struct LayerNormOptions {
  float eps = 1e-5f;
};
/// y = (x - mean) / sqrt(var + eps) · weight + bias (biased variance over the last axis).
/// x [..., D] f32; weight, bias [D] (bias may be undefined). Matches torch.nn.LayerNorm.
[[nodiscard]] Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, LayerNormOptions opt = {});

// ============================================================================================
// Indexing and shape
// ============================================================================================

/// Rows of `table` [V, D] (f32/f16/bf16) picked by integer `ids` [...] (i32/i64) → [..., D] f32.
/// Throws if an id is outside [0, V).
[[nodiscard]] Tensor take(const Tensor& table, const Tensor& ids);
/// Joins tensors of one dtype along `axis` (other axes must match).
[[nodiscard]] Tensor concatenate(const std::vector<Tensor>& xs, int axis);

// ============================================================================================
// Positions
// ============================================================================================

struct RopeOptions {
  std::int64_t rotary_dim = 0;   // leading dims of each head that rotate; 0 = all (partial rotary: fewer)
  float attention_factor = 1.0f; // multiplies cos and sin (YaRN, LongRoPE)
};
/// Rotary position embedding, "rotate-half" (GPT-NeoX) layout: with d = rotary_dim and
/// θᵢ = position · inv_freq[i], the pair (x[i], x[i + d/2]) becomes
/// (x[i]·cosθᵢ − x[i+d/2]·sinθᵢ, x[i+d/2]·cosθᵢ + x[i]·sinθᵢ); dims ≥ d pass through.
/// x [B, T, H, Dh] f32; positions [B, T] i32/i64; inv_freq has d/2 entries. Matches HF
/// apply_rotary_pos_emb in f32.
[[nodiscard]] Tensor rope(const Tensor& x, const Tensor& positions, std::span<const float> inv_freq, RopeOptions opt = {});

// ============================================================================================
// Attention
// ============================================================================================

struct AttentionOptions {
  float scale = 1.0f;          // scores = (q·k) · scale
  float logit_softcap = 0.0f;  // > 0: scores = cap·tanh(scores/cap), before the mask (Gemma 2)
  std::int64_t window = 0;     // > 0: a query sees only the last `window` keys, itself included
  /// Per batch row, the first key that is not left padding (empty: all keys are real).
  std::span<const std::int32_t> key_start = {};
};
/// Causal scaled-dot-product attention with GQA. q [B, Tq, H, Dh], k [B, Tk, Hkv, Dh],
/// v [B, Tk, Hkv, Dv], H a multiple of Hkv (query head h reads kv head h / (H/Hkv)). The queries
/// are the last Tq positions of the Tk keys (bottom-right aligned causal mask). Softmax in f32;
/// rows with no visible key give 0. Returns [B, Tq, H, Dv]. The fast path: it never
/// materialises the scores; attention_scores + softmax + attention_apply is the same computation
/// in steps (what hooks see), and the two are tested equal.
[[nodiscard]] Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, AttentionOptions opt);
/// The scaled, soft-capped, masked scores [B, H, Tq, Tk] (masked entries −inf).
[[nodiscard]] Tensor attention_scores(const Tensor& q, const Tensor& k, AttentionOptions opt);
/// pattern [B, H, Tq, Tk] · v [B, Tk, Hkv, Dv] → [B, Tq, H, Dv].
[[nodiscard]] Tensor attention_apply(const Tensor& pattern, const Tensor& v);

// ============================================================================================
// Convolution
// ============================================================================================

/// Depthwise causal 1-D convolution over time: y[b,t,c] = bias[c] + Σₖ weight[c,k]·x̃[b, t−(L−1)+k, c],
/// where x̃ is x preceded by `history` [B, L−1, C] (zeros when undefined). x [B, T, C] f32,
/// weight [C, L] any float dtype, bias [C] or undefined. LFM2's short convolution (no kernel flip,
/// as PyTorch's Conv1d with padding L−1, truncated to T).
[[nodiscard]] Tensor causal_depthwise_conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                             const Tensor& history = {});

}  // namespace mlux::ops

namespace mlux {
// Operators for hook authors: h + v, h * 0.5f, ...
inline Tensor operator+(const Tensor& a, const Tensor& b) { return ops::add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return ops::subtract(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return ops::multiply(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return ops::divide(a, b); }
inline Tensor operator+(const Tensor& a, float b) { return ops::add(a, b); }
inline Tensor operator-(const Tensor& a, float b) { return ops::add(a, -b); }
inline Tensor operator*(const Tensor& a, float b) { return ops::multiply(a, b); }
inline Tensor operator*(float a, const Tensor& b) { return ops::multiply(b, a); }
inline Tensor operator-(const Tensor& a) { return ops::negative(a); }
}  // namespace mlux

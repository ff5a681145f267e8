// CausalLM: a loaded model, ready to run. Holds the parsed config, the memory-mapped checkpoint
// and the module tree with every weight bound. One forward() call runs token ids through it;
// the model is never mutated by a call (KV cache and hooks are passed in), so one CausalLM can
// serve several threads.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlux/io/safetensors.h"
#include "mlux/models/model_config.h"
#include "mlux/models/quantization.h"
#include "mlux/nn/kv_cache.h"
#include "mlux/nn/module.h"
#include "mlux/nn/transformer.h"

namespace mlux::models {

struct LoadOptions {
  std::filesystem::path config_file;  // default: <dir>/config.json
  /// How quantized layers treat their input: f32 (exact) or the opt-in int8 path (ops.h).
  ops::QuantizedActivations quantized_activations = ops::QuantizedActivations::f32;
  /// How the weight files reach memory (io/mapped_file.h): by default read into huge-page memory
  /// when they fit comfortably, else mapped.
  io::FileAccess weights = io::FileAccess::automatic;
};

struct ForwardOptions {
  bool last_logits_only = false;  // unembed only the last position (generation)
  bool hidden_states = false;     // collect transformers' output_hidden_states
  /// Per batch row, the first position that is not left padding (empty: none).
  std::vector<std::int32_t> key_start;
};

struct ForwardOutput {
  Tensor logits;                       // [B, T, V] (or [B, 1, V]) f32
  std::vector<Tensor> hidden_states;   // N+1 entries [B, T, D] when asked
};

class CausalLM {
 public:
  /// Loads config, tokenizer-independent weights and builds the module tree. Throws Error with
  /// what was wrong (file, tensor, field) and what to do.
  static std::unique_ptr<CausalLM> load(const std::filesystem::path& dir, const LoadOptions& opt = {});

  const ModelConfig& config() const { return config_; }
  const std::filesystem::path& dir() const { return dir_; }
  const nn::Module& root() const { return *root_; }
  const nn::TextModel& text_model() const { return *text_; }
  /// Number of hook ids assigned (module paths and internal points).
  int hook_count() const { return hook_count_; }

  /// ids [B, T] (i32/i64). With a cache, the tokens continue after its cached positions and the
  /// cache advances by T.
  ForwardOutput forward(const Tensor& ids, const ForwardOptions& opt = {}, nn::KVCache* cache = nullptr,
                        const nn::HookDispatcher* hooks = nullptr) const;
  /// A cache sized for this model and `batch` sequences.
  nn::KVCache make_cache(std::int64_t batch) const;

  /// The longest sequence the model takes: max_position_embeddings, except for dynamic-NTK RoPE,
  /// which is defined to stretch past it (nullopt: no limit).
  std::optional<std::int64_t> context_length() const;

  std::int64_t parameter_count() const { return parameter_count_; }
  /// Which modules the checkpoint stores quantized, and how (empty for a float checkpoint).
  const QuantizationPlan& quantization() const { return quantization_; }
  std::uint64_t weight_bytes() const { return checkpoint_.total_bytes(); }
  /// Weight files read into memory, out of weight_file_count() (the others are mapped).
  std::size_t weight_files_read() const { return checkpoint_.shards_read(); }
  std::size_t weight_file_count() const { return checkpoint_.shard_count(); }
  /// The dtype most weights are stored in ("bf16", ...), after the quantization if any ("q4 g64, bf16").
  std::string weight_dtype() const { return weight_dtype_; }
  /// One line, like the original's repr: "CausalLM(llama, 16L/32H/64D, bf16)".
  std::string describe() const;

 private:
  CausalLM() = default;
  /// Whether some layer's RoPE frequencies differ between sequence lengths a and b.
  bool rope_changes_between(std::int64_t a, std::int64_t b) const;
  std::filesystem::path dir_;
  ModelConfig config_;
  io::Checkpoint checkpoint_;
  std::unique_ptr<nn::Module> root_;
  const nn::TextModel* text_ = nullptr;
  int hook_count_ = 0;
  std::int64_t parameter_count_ = 0;
  QuantizationPlan quantization_;
  std::string weight_dtype_;
};

}  // namespace mlux::models

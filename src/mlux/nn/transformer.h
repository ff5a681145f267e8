// The model tree above the decoder layers, built from one TransformerSpec:
//
//   TextModel ("" or "language_model")          ids [B, T] → logits [B, T, V] (final soft-cap applied)
//     TransformerBody "model"                   ids → final-norm output [B, T, D]
//       Embedding "embed_tokens" (GPT-2 "wte"), optional positional Embedding "wpe"
//       DecoderLayer "layers.i" (GPT-2 "h.i")
//       Norm "norm" (GPT-2 "ln_f", LFM2 "embedding_norm")
//     Linear "lm_head" (absent when tied: the embedding unembeds)
//
// Gemma 3 multimodal checkpoints put all of it under "language_model" (mlx-lm's paths).
#pragma once

#include <vector>

#include "mlux/nn/decoder_layer.h"
#include "mlux/nn/embedding.h"
#include "mlux/nn/linear.h"
#include "mlux/nn/module.h"
#include "mlux/nn/norm.h"

namespace mlux::nn {

struct TransformerSpec {
  std::int64_t vocab_size = 0;
  std::int64_t hidden_size = 0;
  std::string text_model_name;              // "language_model" (Gemma 3 multimodal) or ""
  std::string body_name = "model";
  std::string embed_name = "embed_tokens";
  std::string pos_embed_name;               // learned absolute positions (GPT-2 "wpe"), or empty
  std::int64_t max_positions = 0;           // rows of the positional table
  float embed_scale = 0.0f;                 // > 0: embeddings × scale (Gemma: √hidden)
  std::string layers_name = "layers";
  std::vector<DecoderLayerSpec> layers;
  std::string final_norm_name = "norm";
  NormSpec final_norm;
  bool tie_word_embeddings = false;
  std::string lm_head_name = "lm_head";
  float final_logit_softcap = 0.0f;         // > 0: logits = cap·tanh(logits/cap) (Gemma 2)
};

class TransformerBody : public Module {
 public:
  TransformerBody(std::string name, const TransformerSpec& spec);
  const Embedding& embed() const { return *embed_; }
  const Embedding* pos_embed() const { return pos_embed_; }  // GPT-2 only
  const std::vector<DecoderLayer*>& layers() const { return layers_; }
  const Norm& norm() const { return *norm_; }

 protected:
  /// ids [B, T] → [B, T, D] after the final norm; fills ctx.hidden_states if asked.
  Tensor forward(const Tensor& ids, RunContext& ctx) const override;

 private:
  float embed_scale_;
  Embedding* embed_ = nullptr;
  Embedding* pos_embed_ = nullptr;
  std::vector<DecoderLayer*> layers_;
  Norm* norm_ = nullptr;
};

class TextModel : public Module {
 public:
  TextModel(std::string name, const TransformerSpec& spec);
  const TransformerBody& body() const { return *body_; }
  /// Logits for hidden states h [..., D]: the head (or tied embedding), then the soft-cap.
  Tensor unembed(const Tensor& h, RunContext& ctx) const;

 protected:
  /// ids [B, T] → logits [B, T, V] ([B, 1, V] when ctx.last_logits_only)
  Tensor forward(const Tensor& ids, RunContext& ctx) const override;

 private:
  float final_softcap_;
  TransformerBody* body_ = nullptr;
  Linear* lm_head_ = nullptr;
};

/// A named level with one child and no computation of its own (Gemma 3 multimodal's root).
class Wrapper : public Module {
 public:
  Wrapper(std::string name, std::unique_ptr<Module> child) : Module(std::move(name)) {
    child_ = add_child(std::move(child));
    set_output_shape(child_->output_shape());
  }

 protected:
  Tensor forward(const Tensor& x, RunContext& ctx) const override { return (*child_)(x, ctx); }

 private:
  Module* child_;
};

}  // namespace mlux::nn

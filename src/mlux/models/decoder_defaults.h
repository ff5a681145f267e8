// The spec every family starts from: a Llama decoder (pre-norm RMSNorm blocks, rotary attention
// with GQA, SiLU-gated MLP) filled from the config. Family files change only what differs.
#pragma once

#include <string>

#include "mlux/models/model_config.h"
#include "mlux/nn/transformer.h"
#include "mlux/ops/ops.h"

namespace mlux::models {

nn::TransformerSpec decoder_defaults(const ModelConfig& c);

/// config.json activation names → ops::Activation ("silu", "gelu", "gelu_pytorch_tanh", "gelu_new", ...).
ops::Activation activation_from(const std::string& name, const std::string& source);

}  // namespace mlux::models

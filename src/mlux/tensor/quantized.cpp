#include "mlux/tensor/quantized.h"

namespace mlux {

std::string_view quant_mode_name(QuantMode m) {
  switch (m) {
    case QuantMode::affine: return "affine";
    case QuantMode::mxfp4: return "mxfp4";
    case QuantMode::nvfp4: return "nvfp4";
    case QuantMode::mxfp8: return "mxfp8";
  }
  return "?";
}

std::optional<QuantMode> quant_mode_from_name(std::string_view name) {
  for (QuantMode m : {QuantMode::affine, QuantMode::mxfp4, QuantMode::nvfp4, QuantMode::mxfp8})
    if (quant_mode_name(m) == name) return m;
  return std::nullopt;
}

}  // namespace mlux

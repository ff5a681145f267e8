// libFuzzer target: config.json. A config that parses must give a module tree, rotary
// frequencies and (for its "quantization" block, as if every Linear and Embedding had .scales) a
// quantization plan applied to the tree, without crashing: what loading a model does before it
// reads any weight.
#include "fuzz_util.h"
#include "mlux/models/model_config.h"
#include "mlux/models/quantization.h"
#include "mlux/models/registry.h"
#include "mlux/nn/matrix_weight.h"
#include "mlux/nn/rope.h"
#include "mlux/nn/transformer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mlux;
  const auto json = io::Json::parse(fuzz::as_text(data, size), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;  // not JSON: the file reader refuses it before the parser runs
  fuzz::refuse_only_with_mlux_errors([&] {
    const models::ModelConfig config = models::parse_model_config(json, "fuzz/config.json");
    const models::Family& family = models::family_for(config.text_model_type, "fuzz/config.json");
    const nn::TransformerSpec spec = family.build(config);
    nn::TextModel model(spec.text_model_name, spec);
    (void)nn::rope_frequencies(config.rope, 1);
    (void)nn::rope_frequencies(config.rope_sliding, 1);
    (void)nn::rope_frequencies(config.rope, config.max_position_embeddings + 1);
    if (config.text.contains("quantization")) {
      std::vector<std::string> scaled;
      nn::visit(model, [&](const nn::Module& m) {
        if (dynamic_cast<const nn::Quantizable*>(&m)) scaled.push_back(m.path());
      });
      models::apply_quantization(model, models::plan_quantization(config, scaled, "fuzz/model.safetensors"));
    }
  });
  return 0;
}

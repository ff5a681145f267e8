// libFuzzer target: chat-template source. Whatever the text, parsing and rendering it with a
// typical chat context end in a string or a TemplateError (syntax, render or limit); the limits
// are lowered so that each input stays fast.
#include <string>

#include "fuzz_util.h"
#include "mlux/tokenizer/jinja/json.h"
#include "mlux/tokenizer/jinja/template.h"

namespace {

using namespace mlux::tokenizer::jinja;

const Context& chat_context() {
  static const Context context = [] {
    const auto messages = nlohmann::ordered_json::parse(R"([
      {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi there"},
      {"role": "assistant", "content": "<think>hm</think>Hello", "tool_calls": [{"id": "call1", "type": "function",
        "function": {"name": "lookup", "arguments": {"q": "x", "n": 2}}}]},
      {"role": "tool", "content": "42", "tool_call_id": "call1"},
      {"role": "user", "content": [{"type": "text", "text": "and"}, {"type": "image"}]}])");
    const auto tools = nlohmann::ordered_json::parse(
        R"([{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}])");
    return Context{{"messages", from_json(messages)}, {"tools", from_json(tools)},
                   {"add_generation_prompt", Value(true)}, {"bos_token", Value("<s>")}, {"eos_token", Value("</s>")}};
  }();
  return context;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TemplateOptions options;
  options.limits = {.max_output_bytes = 1 << 20, .max_loop_iterations = 100'000, .max_call_depth = 40};
  mlux::fuzz::refuse_only_with_mlux_errors(
      [&] { (void)Template::parse(mlux::fuzz::as_text(data, size), "fuzz", options).render(chat_context()); });
  return 0;
}

#include "mlux/cli/input_options.h"

#include <sstream>

#include "mlux/cli/cli_util.h"
#include "mlux/error.h"
#include "mlux/tokenizer/chat_template.h"

namespace mlux::cli {

void add_prompt_options(CLI::App& app, PromptArgs& args, const std::string& prefix) {
  const std::string p = prefix.empty() ? "--prompt,-p" : "--" + prefix;
  const std::string i = prefix.empty() ? "--ids" : "--" + prefix + "-ids";
  auto* a = app.add_option(p, args.prompt, "Prompt text (the BOS rule applies)");
  auto* b = app.add_option(i, args.ids, "Prompt token ids, comma-separated (used as given)");
  a->excludes(b);
}

hooks::ModelInput prompt_input(const PromptArgs& args, const std::string& what) {
  if (!args.ids.empty()) {
    std::vector<std::int32_t> ids;
    for (auto v : parse_ids(args.ids)) ids.push_back(std::int32_t(v));
    return ids;
  }
  if (args.prompt.empty()) fail("give ", what);
  return args.prompt;
}

std::vector<int> parse_int_list(const std::string& text, const std::string& option) {
  std::vector<int> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    std::size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size()) fail(option, ": '", item, "' is not an integer. Give a comma-separated list, e.g. 0,3,7");
    out.push_back(v);
  }
  return out;
}

std::int32_t token_of(const hooks::HookedModel& model, const std::string& text) {
  const auto ids = model.tokenizer().encode(text, {.add_special_tokens = false});
  if (ids.empty()) fail("'", text, "' encodes to no tokens");
  return ids.front();
}

std::string fit(const std::string& s, std::size_t width) {
  std::string out;
  std::size_t cols = 0;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (cols + 1 > width) break;
    out += s.substr(i, len);
    ++cols;
    i += len;
  }
  return out + std::string(width - cols, ' ');
}

std::string chat_prompt(const hooks::HookedModel& model, const std::string& user, const std::string& system) {
  std::vector<tokenizer::ChatMessage> messages;
  if (!system.empty()) messages.emplace_back("system", system);
  messages.emplace_back("user", user);
  return tokenizer::ChatTemplate::from_directory(model.model().dir()).apply(messages, {.add_generation_prompt = true});
}

}  // namespace mlux::cli

// `mlux chat-format`: renders a conversation with a model's chat template and prints the prompt
// exactly (no trailing newline is added unless stdout is a terminal), or JSON with --json.
//
//   mlux chat-format --model DIR --system "Be brief." --user "Hi" --assistant "Hello" --user "Bye"
//   mlux chat-format --model DIR --messages chat.json --tools tools.json --set enable_thinking=false
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/error.h"
#include "mlux/tokenizer/chat_template.h"

namespace mlux::cli {
namespace {

using tokenizer::ChatMessage;
using tokenizer::ordered_json;

struct ChatFormatArgs {
  std::string model_dir, config_file, messages_file, tools_file, template_name;
  std::vector<std::string> turns_system, turns_user, turns_assistant, settings;
  bool no_generation_prompt = false, continue_final_message = false, json = false;
};

ordered_json read_json_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("chat-format: can't read the ", what, " file '", path, "'");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return ordered_json::parse(text.str());
  } catch (const ordered_json::exception& e) {  // syntax, or a number past double
    fail("chat-format: the ", what, " file '", path, "' is not valid JSON: ", e.what());
  }
}

// --messages accepts a list of messages or {"messages": [...], "tools": [...]}.
std::vector<ChatMessage> messages_from_file(const std::string& path, ordered_json& tools) {
  ordered_json doc = read_json_file(path, "messages");
  if (doc.is_object() && doc.contains("messages")) {
    if (doc.contains("tools")) tools = doc["tools"];
    doc = doc["messages"];
  }
  if (!doc.is_array()) fail("chat-format: '", path, "' must hold a JSON list of messages, or an object with \"messages\"");
  std::vector<ChatMessage> messages;
  for (const auto& m : doc) messages.push_back(ChatMessage::from_json(m));
  return messages;
}

// The --system/--user/--assistant turns in command-line order.
std::vector<ChatMessage> messages_from_flags(const CLI::App& app, const ChatFormatArgs& args) {
  std::vector<ChatMessage> messages;
  std::size_t next_system = 0, next_user = 0, next_assistant = 0;
  for (const CLI::Option* opt : app.parse_order()) {
    const std::string name = opt->get_name();
    if (name == "--system") messages.emplace_back("system", args.turns_system[next_system++]);
    else if (name == "--user") messages.emplace_back("user", args.turns_user[next_user++]);
    else if (name == "--assistant") messages.emplace_back("assistant", args.turns_assistant[next_assistant++]);
  }
  return messages;
}

// KEY=VALUE, VALUE parsed as JSON when it is JSON (false, 3, "x", [..]) and kept as text otherwise.
ordered_json extra_context(const std::vector<std::string>& settings) {
  ordered_json extra = ordered_json::object();
  for (const std::string& s : settings) {
    std::size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) fail("chat-format: --set expects KEY=VALUE, got '", s, "'");
    std::string value = s.substr(eq + 1);
    ordered_json parsed = ordered_json::parse(value, nullptr, false);
    extra[s.substr(0, eq)] = parsed.is_discarded() ? ordered_json(value) : parsed;
  }
  return extra;
}

int run(const CLI::App& app, const ChatFormatArgs& args) {
  if (args.model_dir.empty() == args.config_file.empty()) fail("chat-format: pass exactly one of --model DIR or --config FILE");
  auto chat = args.model_dir.empty()
                  ? tokenizer::ChatTemplate::from_config_file(args.config_file)
                  : tokenizer::ChatTemplate::from_directory(resolve_model_arg(args.model_dir, io::hub::ModelParts::tokenizer));
  tokenizer::ChatTemplateOptions options;
  std::vector<ChatMessage> messages;
  if (!args.messages_file.empty()) messages = messages_from_file(args.messages_file, options.tools);
  for (ChatMessage& m : messages_from_flags(app, args)) messages.push_back(std::move(m));
  if (messages.empty()) fail("chat-format: no messages. Pass --user \"...\" (and --system/--assistant), or --messages FILE.json");
  if (!args.tools_file.empty()) options.tools = read_json_file(args.tools_file, "tools");
  options.add_generation_prompt = !args.no_generation_prompt && !args.continue_final_message;
  options.continue_final_message = args.continue_final_message;
  options.extra_context = extra_context(args.settings);
  options.template_name = args.template_name;

  std::string prompt = chat.apply(messages, options);
  if (args.json) {
    ordered_json out = {{"prompt", prompt}, {"template_source", chat.source_description()}};
    std::fputs((out.dump(2) + "\n").c_str(), stdout);
  } else {
    std::fwrite(prompt.data(), 1, prompt.size(), stdout);
    if (isatty(fileno(stdout)) && (prompt.empty() || prompt.back() != '\n')) std::fputc('\n', stdout);
  }
  return 0;
}

CommandRegistrar reg("chat-format", "Render a conversation with the model's chat template and print the prompt",
                     [](CLI::App& app) -> Action {
  auto args = std::make_shared<ChatFormatArgs>();
  app.add_option("--model", args->model_dir, kModelOptionHelp);
  app.add_option("--config", args->config_file, "A tokenizer_config.json file instead of --model");
  app.add_option("--system", args->turns_system, "A system message (repeatable; turns keep command-line order)");
  app.add_option("--user", args->turns_user, "A user message (repeatable)");
  app.add_option("--assistant", args->turns_assistant, "An assistant message (repeatable)");
  app.add_option("--messages", args->messages_file, "JSON file: a list of messages, or {\"messages\": [...], \"tools\": [...]}");
  app.add_option("--tools", args->tools_file, "JSON file with a list of tool schemas");
  app.add_option("--set", args->settings, "Template variable KEY=VALUE (VALUE as JSON if it parses), e.g. enable_thinking=false");
  app.add_option("--template", args->template_name, "Named template to use when the model has several");
  app.add_flag("--no-generation-prompt", args->no_generation_prompt, "Don't open an assistant turn at the end");
  app.add_flag("--continue-final-message", args->continue_final_message, "End inside the last message (prefill)");
  app.add_flag("--json", args->json, "Print {\"prompt\": ...} as JSON");
  return [&app, args] { return run(app, *args); };
});

}  // namespace
}  // namespace mlux::cli

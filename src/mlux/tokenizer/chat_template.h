// ChatTemplate: a model's Hugging Face chat template, rendered exactly as transformers'
// apply_chat_template(messages, tokenize=False, ...) does. It loads the template from a model
// directory (chat_template.jinja, else tokenizer_config.json's chat_template, a string or a
// list of named templates), knows the special-token strings the template may use, and renders
// conversations with the context transformers builds: special tokens, messages, tools,
// documents, add_generation_prompt, extra keyword arguments, raise_exception and strftime_now.
//
//   auto chat = ChatTemplate::from_directory("models/qwen3");
//   std::string prompt = chat.apply({{"system", "Be brief."}, {"user", "Hi"}},
//                                   {.extra_context = {{"enable_thinking", false}}});
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlux/tokenizer/jinja/template.h"

namespace mlux::tokenizer {

using ordered_json = nlohmann::ordered_json;

/// One turn of a conversation, as the template sees it: a dict with "role", "content" (absent,
/// a string, null, or a list of parts such as {"type": "text", "text": ...}) and any other fields
/// the template reads (tool_calls, tool_call_id, name, reasoning_content...).
struct ChatMessage {
  std::string role;
  std::optional<ordered_json> content;
  ordered_json fields = ordered_json::object();

  ChatMessage() = default;
  ChatMessage(std::string r, std::string text) : role(std::move(r)), content(ordered_json(std::move(text))) {}

  /// From a JSON object; throws Error when it is not an object or has no string "role".
  static ChatMessage from_json(const ordered_json& message);
  /// {"role", "content" (when present), then the other fields in order}.
  [[nodiscard]] ordered_json to_json() const;
};

/// The special-token strings transformers passes to templates (its special_tokens_map): each is
/// a plain string in tokenizer_config.json or special_tokens_map.json, or an AddedToken dict
/// {"content": ...}; absent or null ones are not passed.
struct ChatTemplateTokens {
  std::map<std::string, std::string> named;            // bos_token, eos_token, unk_token, ...
  std::vector<std::string> additional_special_tokens;

  /// Reads the token fields of a tokenizer_config.json / special_tokens_map.json object;
  /// `source` names the file in errors.
  static ChatTemplateTokens from_config(const ordered_json& config, const std::string& source);
  /// Overrides this set's tokens with those present in `other`.
  void merge(const ChatTemplateTokens& other);
};

struct ChatTemplateOptions {
  bool add_generation_prompt = true;
  /// End the prompt inside the last (assistant) message, for prefilling its start; the
  /// generation prompt must then be off. Same rules as transformers.
  bool continue_final_message = false;
  ordered_json tools = nullptr;      // list of tool schemas, or null
  ordered_json documents = nullptr;  // list of documents for RAG templates, or null
  /// Extra template variables: enable_thinking, date_string, custom keys. They override the
  /// variables above, as keyword arguments do in transformers.
  ordered_json extra_context = ordered_json::object();
  /// Which named template to use; empty picks transformers' choice ("tool_use" when tools are
  /// given and it exists, else "default").
  std::string template_name = "";
};

class ChatTemplate {
 public:
  /// Loads the template(s) and special tokens from a model directory. Throws Error naming the
  /// file when none has a chat template or one is malformed (with line and column for
  /// template syntax errors).
  static ChatTemplate from_directory(const std::filesystem::path& dir);
  /// From a tokenizer_config.json file; a chat_template.jinja beside it takes precedence.
  static ChatTemplate from_config_file(const std::filesystem::path& config_file);
  /// From template text; `name` is used in error messages.
  ChatTemplate(std::string_view source, ChatTemplateTokens tokens, std::string name = "chat template");

  /// Renders the conversation. Throws jinja::TemplateError (an mlux::Error) when the template
  /// fails or calls raise_exception, with the template's own message.
  [[nodiscard]] std::string apply(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options = {}) const;

  /// Names of the templates found ("default" for a single template).
  [[nodiscard]] std::vector<std::string> template_names() const;
  [[nodiscard]] const ChatTemplateTokens& tokens() const { return tokens_; }
  /// Where the template came from, for messages.
  [[nodiscard]] const std::string& source_description() const { return source_; }

 private:
  ChatTemplate() = default;
  void add_template(const std::string& template_name, std::string_view text);
  const jinja::Template& pick(const ChatTemplateOptions& options) const;

  std::vector<std::pair<std::string, jinja::Template>> templates_;
  ChatTemplateTokens tokens_;
  std::string source_;
};

}  // namespace mlux::tokenizer

// Loading chat templates from model files and rendering them with transformers' context (see
// chat_template.h).
#include "mlux/tokenizer/chat_template.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "mlux/error.h"
#include "mlux/tokenizer/jinja/json.h"
#include "mlux/tokenizer/jinja/objects.h"
#include "mlux/tokenizer/jinja/unicode.h"

namespace mlux::tokenizer {
namespace fs = std::filesystem;
using jinja::Value;

namespace {

// The special-token attributes of transformers' SpecialTokensMixin, in its order.
constexpr const char* kTokenKeys[] = {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("chat template: can't read '", path.string(), "'. Check that the file exists and is readable");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ordered_json read_json(const fs::path& path) {
  try {
    return ordered_json::parse(read_file(path));
  } catch (const ordered_json::exception& e) {  // syntax, or a number past double
    fail("chat template: '", path.string(), "' is not valid JSON: ", e.what());
  }
}

// A token is a string, or an AddedToken dict {"content": "...", ...}.
std::optional<std::string> token_text(const ordered_json& token, const std::string& source, const std::string& key) {
  if (token.is_null()) return std::nullopt;
  if (token.is_string()) return token.get<std::string>();
  if (token.is_object() && token.contains("content") && token["content"].is_string()) return token["content"].get<std::string>();
  fail("chat template: '", key, "' in ", source, " is neither a string nor an AddedToken object with a string \"content\"");
}

}  // namespace

ChatMessage ChatMessage::from_json(const ordered_json& message) {
  if (!message.is_object()) fail("chat message: expected a JSON object with \"role\" and \"content\", got ", message.dump());
  auto role = message.find("role");
  if (role == message.end() || !role->is_string())
    fail("chat message: ", message.dump().substr(0, 80), " has no string \"role\". Add one (system, user, assistant, tool)");
  ChatMessage m;
  m.role = role->get<std::string>();
  for (const auto& [key, value] : message.items()) {
    if (key == "role") continue;
    if (key == "content") m.content = value;
    else m.fields[key] = value;
  }
  return m;
}

ordered_json ChatMessage::to_json() const {
  ordered_json out = {{"role", role}};
  if (content) out["content"] = *content;
  for (const auto& [key, value] : fields.items()) out[key] = value;
  return out;
}

ChatTemplateTokens ChatTemplateTokens::from_config(const ordered_json& config, const std::string& source) {
  ChatTemplateTokens tokens;
  for (const char* key : kTokenKeys)
    if (config.contains(key))
      if (auto text = token_text(config[key], source, key)) tokens.named[key] = *text;
  if (config.contains("additional_special_tokens") && config["additional_special_tokens"].is_array())
    for (const auto& t : config["additional_special_tokens"])
      if (auto text = token_text(t, source, "additional_special_tokens")) tokens.additional_special_tokens.push_back(*text);
  return tokens;
}

void ChatTemplateTokens::merge(const ChatTemplateTokens& other) {
  for (const auto& [key, value] : other.named) named[key] = value;
  if (!other.additional_special_tokens.empty()) additional_special_tokens = other.additional_special_tokens;
}

ChatTemplate::ChatTemplate(std::string_view source, ChatTemplateTokens tokens, std::string name)
    : tokens_(std::move(tokens)), source_(std::move(name)) {
  add_template("default", source);
}

void ChatTemplate::add_template(const std::string& template_name, std::string_view text) {
  std::string label = source_ + " (template '" + template_name + "')";
  templates_.emplace_back(template_name, jinja::Template::parse(text, label));
}

ChatTemplate ChatTemplate::from_config_file(const fs::path& config_file) {
  ChatTemplate chat;
  fs::path dir = config_file.parent_path();
  ordered_json config = fs::exists(config_file) ? read_json(config_file) : ordered_json::object();
  if (!config.is_object()) fail("chat template: '", config_file.string(), "' is not a JSON object");
  chat.tokens_ = ChatTemplateTokens::from_config(config, config_file.string());
  if (fs::path map = dir / "special_tokens_map.json"; fs::exists(map))  // overrides the config, as in transformers
    chat.tokens_.merge(ChatTemplateTokens::from_config(read_json(map), map.string()));

  if (fs::path jinja_file = dir / "chat_template.jinja"; fs::exists(jinja_file)) {
    chat.source_ = jinja_file.string();
    chat.add_template("default", read_file(jinja_file));
    return chat;
  }
  chat.source_ = config_file.string();
  const ordered_json* entry = config.contains("chat_template") ? &config["chat_template"] : nullptr;
  if (!entry || entry->is_null())
    fail("chat template: ", config_file.string(), " has no \"chat_template\" and there is no chat_template.jinja in ",
         dir.string(), ". Base (non-instruct) models often have none; use the instruct model's files");
  if (entry->is_string()) {
    chat.add_template("default", entry->get<std::string>());
    return chat;
  }
  if (!entry->is_array())
    fail("chat template: \"chat_template\" in ", config_file.string(), " must be a string or a list of {\"name\", \"template\"}");
  for (const auto& named : *entry) {
    if (!named.is_object() || !named.contains("name") || !named["name"].is_string() || !named.contains("template") ||
        !named["template"].is_string())
      fail("chat template: each entry of \"chat_template\" in ", config_file.string(),
           " must be {\"name\": string, \"template\": string}, found ", named.dump().substr(0, 80));
    chat.add_template(named["name"].get<std::string>(), named["template"].get<std::string>());
  }
  return chat;
}

ChatTemplate ChatTemplate::from_directory(const fs::path& dir) {
  if (!fs::is_directory(dir)) fail("chat template: '", dir.string(), "' is not a directory. Pass the model directory");
  return from_config_file(dir / "tokenizer_config.json");
}

std::vector<std::string> ChatTemplate::template_names() const {
  std::vector<std::string> names;
  for (const auto& [name, t] : templates_) names.push_back(name);
  return names;
}

const jinja::Template& ChatTemplate::pick(const ChatTemplateOptions& options) const {
  auto find = [&](const std::string& name) -> const jinja::Template* {
    for (const auto& [n, t] : templates_)
      if (n == name) return &t;
    return nullptr;
  };
  auto names = [&] {
    std::string list;
    for (const auto& [n, t] : templates_) list += (list.empty() ? "'" : ", '") + n + "'";
    return list;
  };
  if (!options.template_name.empty()) {
    if (const auto* t = find(options.template_name)) return *t;
    fail("chat template: ", source_, " has no template named '", options.template_name, "'. Available: ", names());
  }
  if (templates_.size() == 1) return templates_[0].second;
  if (!options.tools.is_null())
    if (const auto* t = find("tool_use")) return *t;
  if (const auto* t = find("default")) return *t;
  fail("chat template: ", source_, " has several templates and none is named 'default'. Pick one of ", names());
}

namespace {

// transformers' continue_final_message: cut the prompt right after the last message's text, so
// generation continues it.
std::string cut_after_final_message(const std::string& rendered, const std::vector<ChatMessage>& messages) {
  if (messages.empty() || !messages.back().content) fail("chat template: continue_final_message needs a final message with content");
  const ordered_json& content = *messages.back().content;
  std::string final_text;
  if (content.is_string()) {
    final_text = content.get<std::string>();
  } else if (content.is_array()) {
    auto it = std::find_if(content.rbegin(), content.rend(), [](const auto& part) { return part.contains("text"); });
    if (it == content.rend()) fail("chat template: continue_final_message is set but the final message has no text to continue");
    final_text = (*it)["text"].template get<std::string>();
  }
  // Python's str.strip()/lstrip(), as transformers applies them.
  std::string core(jinja::unicode::strip(final_text));
  std::size_t lstripped_size = jinja::unicode::lstrip(final_text).size();
  if (core.empty()) return rendered;  // Python finds "" at the very end
  std::size_t at = rendered.rfind(core);
  if (at == std::string::npos)
    fail("chat template: continue_final_message is set but the final message does not appear in the rendered prompt "
         "(the template changes it). Render without continue_final_message");
  if (rendered.compare(at, lstripped_size, final_text) == 0) return rendered.substr(0, at + lstripped_size);
  return rendered.substr(0, at + core.size());
}

}  // namespace

std::string ChatTemplate::apply(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options) const {
  if (options.continue_final_message && options.add_generation_prompt)
    fail("chat template: continue_final_message and add_generation_prompt can't both be on: one continues the last "
         "message, the other starts a new one. Turn off the generation prompt");
  jinja::Context context;
  for (const auto& [key, value] : tokens_.named) context[key] = Value(value);
  if (!tokens_.additional_special_tokens.empty()) {
    std::vector<Value> extra(tokens_.additional_special_tokens.begin(), tokens_.additional_special_tokens.end());
    context["additional_special_tokens"] = Value::list(std::move(extra));
  }
  std::vector<Value> conversation;
  for (const ChatMessage& m : messages) conversation.push_back(jinja::from_json(m.to_json()));
  context["messages"] = Value::list(std::move(conversation));
  context["tools"] = jinja::from_json(options.tools);
  context["documents"] = jinja::from_json(options.documents);
  context["add_generation_prompt"] = Value(options.add_generation_prompt);
  for (auto& [name, function] : jinja::transformers_globals()) context[name] = function;
  if (!options.extra_context.is_null() && !options.extra_context.is_object())
    fail("chat template: extra context must be a JSON object of variable names to values");
  for (const auto& [key, value] : options.extra_context.items()) context[key] = jinja::from_json(value);

  std::string rendered = pick(options).render(context);
  return options.continue_final_message ? cut_after_final_message(rendered, messages) : rendered;
}

}  // namespace mlux::tokenizer

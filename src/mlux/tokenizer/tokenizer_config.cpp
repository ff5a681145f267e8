// Reading the optional side files of a model directory (see tokenizer_config.h).
#include "mlux/tokenizer/tokenizer_config.h"

#include "mlux/tokenizer/json_view.h"

namespace mlux::tokenizer {
namespace {

std::optional<nlohmann::json> read_if_present(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  return read_json_file(path.string(), path.filename().string());
}

// A special token is written as a string or as an AddedToken object {"content": ...}.
std::optional<std::string> token_string(const JsonView& config, std::string_view key) {
  auto v = config.find(key);
  if (!v) return std::nullopt;
  if (v->is_string()) return v->string();
  if (v->is_object()) return (*v)["content"].string();
  v->fail("expected a token string or {\"content\": ...}, got ", v->excerpt(), ".");
}

void read_special_tokens(const JsonView& config, SpecialTokens& out) {
  auto set = [&](std::optional<std::string>& field, std::string_view key) {
    if (auto s = token_string(config, key)) field = std::move(s);
  };
  set(out.bos_token, "bos_token");
  set(out.eos_token, "eos_token");
  set(out.unk_token, "unk_token");
  set(out.pad_token, "pad_token");
}

// chat_template is a string, or a list of {"name", "template"} of which "default" is used.
std::optional<std::string> read_chat_template(const JsonView& config) {
  auto v = config.find("chat_template");
  if (!v) return std::nullopt;
  if (v->is_string()) return v->string();
  if (!v->is_array()) v->fail("expected a string or a list of {\"name\", \"template\"}, got ", v->excerpt(), ".");
  for (std::size_t i = 0; i < v->size(); ++i)
    if (v->at(i)["name"].string() == "default") return v->at(i)["template"].string();
  return v->size() > 0 ? std::optional<std::string>(v->at(0)["template"].string()) : std::nullopt;
}

void append_eos_ids(const JsonView& config, std::vector<std::int32_t>& out) {
  auto v = config.find("eos_token_id");
  if (!v) return;
  if (v->is_array()) {
    for (std::size_t i = 0; i < v->size(); ++i) out.push_back(v->at(i).token_id());
  } else {
    out.push_back(v->token_id());
  }
}

std::optional<bool> optional_bool(const JsonView& config, std::string_view key) {
  auto v = config.find(key);
  if (!v) return std::nullopt;
  return v->boolean();
}

}  // namespace

TokenizerConfig read_tokenizer_config(const std::filesystem::path& dir) {
  TokenizerConfig config;
  if (auto json = read_if_present(dir / "tokenizer_config.json")) {
    const JsonView view(*json, (dir / "tokenizer_config.json").string());
    read_special_tokens(view, config.special_tokens);
    config.add_bos_token = optional_bool(view, "add_bos_token");
    config.add_eos_token = optional_bool(view, "add_eos_token");
    config.clean_up_tokenization_spaces = view.bool_or("clean_up_tokenization_spaces", false);
    config.chat_template = read_chat_template(view);
  }
  if (auto json = read_if_present(dir / "special_tokens_map.json"))
    read_special_tokens(JsonView(*json, (dir / "special_tokens_map.json").string()), config.special_tokens);
  if (std::filesystem::is_regular_file(dir / "chat_template.jinja"))
    config.chat_template = read_text_file((dir / "chat_template.jinja").string(), "chat_template.jinja");
  for (const char* name : {"generation_config.json", "config.json"})
    if (auto json = read_if_present(dir / name)) append_eos_ids(JsonView(*json, (dir / name).string()), config.extra_eos_ids);
  return config;
}

}  // namespace mlux::tokenizer

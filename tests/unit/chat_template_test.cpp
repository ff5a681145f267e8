// ChatTemplate: where templates and special tokens are read from, which named template is used,
// what context the template sees, transformers' continue_final_message, and errors for bad files.
// Expected strings follow from the templates written here and transformers' rules.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "mlux/tokenizer/chat_template.h"

namespace mlux::tokenizer {
namespace {

namespace fs = std::filesystem;

class ModelDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlux_chat_template_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name, std::ios::binary) << text; }
  void write_config(const ordered_json& config) { write("tokenizer_config.json", config.dump()); }
  fs::path dir_;
};

const std::vector<ChatMessage> kHello = {{"user", "Hello"}};

TEST_F(ModelDir, ReadsAStringTemplateAndSpecialTokens) {
  write_config({{"bos_token", "<s>"},
                {"eos_token", {{"content", "</s>"}, {"lstrip", false}}},  // an AddedToken dict
                {"pad_token", nullptr},
                {"chat_template", "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}[{{ pad_token }}]"}});
  ChatTemplate chat = ChatTemplate::from_directory(dir_);
  EXPECT_EQ(chat.apply(kHello), "<s>Hello</s>[]");  // a null token is not passed, so it is undefined
  EXPECT_EQ(chat.template_names(), std::vector<std::string>{"default"});
}

TEST_F(ModelDir, SpecialTokensMapOverridesTheConfig) {
  write_config({{"bos_token", "<s>"}, {"chat_template", "{{ bos_token }}"}});
  write("special_tokens_map.json", R"({"bos_token": {"content": "<BOS>"}})");
  EXPECT_EQ(ChatTemplate::from_directory(dir_).apply(kHello), "<BOS>");
}

TEST_F(ModelDir, ChatTemplateJinjaFileTakesPrecedence) {
  write_config({{"chat_template", "from config"}});
  write("chat_template.jinja", "from file {{ messages|length }}\n");
  EXPECT_EQ(ChatTemplate::from_directory(dir_).apply(kHello), "from file 1");
}

TEST_F(ModelDir, JinjaFileWorksWithoutConfig) {
  write("chat_template.jinja", "{% for m in messages %}{{ m.role }}:{{ m.content }}{% endfor %}");
  EXPECT_EQ(ChatTemplate::from_directory(dir_).apply(kHello), "user:Hello");
}

TEST_F(ModelDir, NamedTemplatesPickDefaultOrToolUse) {
  write_config({{"chat_template", {{{"name", "default"}, {"template", "plain"}}, {{"name", "tool_use"}, {"template", "tools:{{ tools|length if tools else 0 }}"}}}}});
  ChatTemplate chat = ChatTemplate::from_directory(dir_);
  EXPECT_EQ(chat.template_names(), (std::vector<std::string>{"default", "tool_use"}));
  EXPECT_EQ(chat.apply(kHello), "plain");
  EXPECT_EQ(chat.apply(kHello, {.tools = ordered_json::array({{{"name", "f"}}})}), "tools:1");
  EXPECT_EQ(chat.apply(kHello, {.template_name = "tool_use"}), "tools:0");
  EXPECT_THROW((void)chat.apply(kHello, {.template_name = "nope"}), Error);
}

TEST_F(ModelDir, SeveralTemplatesWithoutDefaultNeedAName) {
  write_config({{"chat_template", {{{"name", "a"}, {"template", "A"}}, {{"name", "b"}, {"template", "B"}}}}});
  ChatTemplate chat = ChatTemplate::from_directory(dir_);
  try {
    (void)chat.apply(kHello);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'a', 'b'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(chat.apply(kHello, {.template_name = "b"}), "B");
}

TEST_F(ModelDir, MissingTemplateIsAClearError) {
  write_config({{"bos_token", "<s>"}});
  try {
    (void)ChatTemplate::from_directory(dir_);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no \"chat_template\""), std::string::npos) << e.what();
  }
}

TEST_F(ModelDir, MalformedFilesAreClearErrors) {
  write("tokenizer_config.json", "{ not json");
  EXPECT_THROW((void)ChatTemplate::from_directory(dir_), Error);
  write_config({{"chat_template", 42}});
  EXPECT_THROW((void)ChatTemplate::from_directory(dir_), Error);
  write_config({{"chat_template", {{{"name", "x"}}}}});
  EXPECT_THROW((void)ChatTemplate::from_directory(dir_), Error);
  write_config({{"eos_token", 5}, {"chat_template", "x"}});
  EXPECT_THROW((void)ChatTemplate::from_directory(dir_), Error);
  EXPECT_THROW((void)ChatTemplate::from_directory(dir_ / "absent"), Error);
}

TEST_F(ModelDir, TemplateSyntaxErrorsNameTheFileTemplateLineAndColumn) {
  write_config({{"chat_template", "{% for m in messages %}\n{{ m.content|trimm }}\n{% endfor %}"}});
  try {
    (void)ChatTemplate::from_directory(dir_);
    FAIL() << "expected an error";
  } catch (const jinja::TemplateError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("tokenizer_config.json (template 'default'), line 2, column 14"), std::string::npos) << what;
    EXPECT_NE(what.find("unknown filter 'trimm'. Did you mean 'trim'?"), std::string::npos) << what;
  }
}

TEST(ChatTemplate, ContextHasTransformersVariables) {
  ChatTemplateTokens tokens;
  tokens.named["eos_token"] = "</s>";
  tokens.additional_special_tokens = {"<a>", "<b>"};
  ChatTemplate chat("{{ messages|length }}|{{ add_generation_prompt }}|{{ tools }}|{{ documents }}|{{ eos_token }}|"
                    "{{ additional_special_tokens|join(',') }}|{{ bos_token is defined }}|{{ enable_thinking }}",
                    tokens);
  EXPECT_EQ(chat.apply(kHello, {.add_generation_prompt = false, .extra_context = {{"enable_thinking", false}}}),
            "1|False|None|None|</s>|<a>,<b>|False|False");
}

TEST(ChatTemplate, ExtraContextOverridesBuiltInVariables) {
  ChatTemplate chat("{{ add_generation_prompt }}", {});
  EXPECT_EQ(chat.apply(kHello, {.extra_context = {{"add_generation_prompt", "custom"}}}), "custom");
}

TEST(ChatTemplate, MessagesKeepFieldsAndContentShapes) {
  ChatTemplate chat("{% for m in messages %}{{ m.role }}|{{ m.content is defined }}|{{ m.content is none }}|"
                    "{{ m.tool_calls[0].function.name if m.tool_calls is defined }};{% endfor %}", {});
  std::vector<ChatMessage> messages = {
      ChatMessage::from_json({{"role", "assistant"}, {"tool_calls", {{{"function", {{"name", "f"}}}}}}}),
      ChatMessage::from_json({{"role", "assistant"}, {"content", nullptr}}),
  };
  EXPECT_EQ(chat.apply(messages), "assistant|False|False|f;assistant|True|True|;");
  EXPECT_THROW((void)ChatMessage::from_json({{"content", "no role"}}), Error);
  EXPECT_THROW((void)ChatMessage::from_json("not an object"), Error);
}

TEST(ChatTemplate, RaiseExceptionCarriesTheTemplatesMessage) {
  ChatTemplate chat("{% if messages[0].role != 'system' %}{{ raise_exception('System first!') }}{% endif %}", {}, "demo");
  try {
    (void)chat.apply(kHello);
    FAIL() << "expected an error";
  } catch (const jinja::TemplateError& e) {
    EXPECT_EQ(e.kind(), jinja::TemplateErrorKind::raised);
    EXPECT_EQ(e.detail(), "System first!");
    EXPECT_EQ(std::string(e.what()), "demo (template 'default'), line 1, column 41: the template raised an error: System first!");
  }
}

TEST(ChatTemplate, StrftimeNowFormatsTheLocalDate) {
  ChatTemplate chat("{{ strftime_now('%Y-%m-%d') }}", {});
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char expected[32];
  std::strftime(expected, sizeof expected, "%Y-%m-%d", &local);
  std::string rendered = chat.apply(kHello);
  if (rendered != expected) {  // the day may have changed between the two calls
    now = std::time(nullptr);
    localtime_r(&now, &local);
    std::strftime(expected, sizeof expected, "%Y-%m-%d", &local);
  }
  EXPECT_EQ(rendered, expected);
  EXPECT_EQ(rendered.size(), 10u);
}

// transformers' continue_final_message: the prompt stops right after the final message's text.
TEST(ChatTemplate, ContinueFinalMessageCutsAfterTheLastMessage) {
  ChatTemplate chat("{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>{% endfor %}"
                    "{% if add_generation_prompt %}<assistant>{% endif %}",
                    {});
  std::vector<ChatMessage> messages = {{"user", "Hi"}, {"assistant", "Sure, here"}};
  EXPECT_EQ(chat.apply(messages, {.add_generation_prompt = false, .continue_final_message = true}),
            "<user>Hi</user><assistant>Sure, here");
  ChatTemplate trimming("{% for m in messages %}[{{ m.content|trim }}]{% endfor %}", {});
  std::vector<ChatMessage> padded = {{"assistant", "  Start  "}};
  EXPECT_EQ(trimming.apply(padded, {.add_generation_prompt = false, .continue_final_message = true}), "[Start");
  EXPECT_THROW((void)chat.apply(messages, {.add_generation_prompt = true, .continue_final_message = true}), Error);
  ChatTemplate dropping("nothing", {});
  EXPECT_THROW((void)dropping.apply(messages, {.add_generation_prompt = false, .continue_final_message = true}), Error);
}

}  // namespace
}  // namespace mlux::tokenizer

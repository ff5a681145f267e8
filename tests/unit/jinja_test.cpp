// The Jinja language, case by case from tests/data/jinja_cases.json: whitespace control,
// literals, operators and precedence, scoping, loops, macros, filters, tests, methods, and
// errors with their kind, message and location. Expectations are Python Jinja2's behaviour in
// transformers' configuration; tests/oracle/check_jinja_cases.py (run by ctest) proves each one
// against the real Jinja2, so none comes from mlux's own output.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mlux/tokenizer/jinja/json.h"
#include "mlux/tokenizer/jinja/objects.h"
#include "mlux/tokenizer/jinja/template.h"
#include "text_diff.h"

namespace mlux::tokenizer::jinja {
namespace {

using nlohmann::ordered_json;

ordered_json all_cases() {
  std::ifstream in(std::string(MLUX_SOURCE_DIR) + "/tests/data/jinja_cases.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  ordered_json doc = ordered_json::parse(text.str());
  return doc["cases"];
}

const ordered_json& case_named(const std::string& name) {
  static const ordered_json cases = all_cases();
  for (const auto& c : cases)
    if (c["name"] == name) return c;
  throw std::runtime_error("no case " + name);
}

std::string render_case(const ordered_json& c) {
  Context context;
  for (auto& [name, function] : transformers_globals()) context[name] = function;
  for (const auto& [key, value] : c["context"].items()) context[key] = from_json(value);
  return Template::parse(c["template"].get<std::string>(), "case").render(context);
}

TemplateErrorKind kind_named(const std::string& kind) {
  if (kind == "syntax") return TemplateErrorKind::syntax;
  if (kind == "raised") return TemplateErrorKind::raised;
  return TemplateErrorKind::render;
}

class JinjaCase : public ::testing::TestWithParam<std::string> {};

TEST_P(JinjaCase, BehavesLikeJinja2) {
  const ordered_json& c = case_named(GetParam());
  SCOPED_TRACE("template: " + testing::escape_for_message(c["template"].get<std::string>()));
  if (c.contains("expected")) {
    std::string output;
    ASSERT_NO_THROW(output = render_case(c));
    EXPECT_EQ(testing::first_difference(c["expected"].get<std::string>(), output), "");
    return;
  }
  const ordered_json& want = c["error"];
  try {
    std::string output = render_case(c);
    FAIL() << "rendered " << testing::escape_for_message(output) << " instead of failing";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.kind(), kind_named(want["kind"])) << e.what();
    EXPECT_NE(std::string(e.what()).find(want["message"].get<std::string>()), std::string::npos)
        << "message: " << e.what() << "\nwanted:  " << want["message"].get<std::string>();
    if (want.contains("line")) {
      EXPECT_EQ(e.location().line, want["line"].get<int>()) << e.what();
    }
    if (want.contains("column")) {
      EXPECT_EQ(e.location().column, want["column"].get<int>()) << e.what();
    }
    EXPECT_EQ(std::string(e.what()).rfind("case, line ", 0), 0u) << "errors start with the template name: " << e.what();
  }
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& c : all_cases()) names.push_back(c["name"].get<std::string>());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, JinjaCase, ::testing::ValuesIn(case_names()), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mlux::tokenizer::jinja

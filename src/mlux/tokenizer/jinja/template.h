// mlux's Jinja interpreter: the subset of Jinja2 that Hugging Face chat templates use, rendering
// byte for byte as Python Jinja2 does in transformers' apply_chat_template (trim_blocks,
// lstrip_blocks, loop controls, no autoescape). docs/chat-templates.md lists what is supported.
//
//   auto t = mlux::tokenizer::jinja::Template::parse("{% for m in messages %}{{ m.role }} {% endfor %}", "demo");
//   std::string s = t.render({{"messages", mlux::tokenizer::jinja::from_json(messages_json)}});
//
// Parsing throws TemplateError (syntax) with line and column; rendering throws TemplateError
// (render, raised, limit). Neither aborts the process, whatever the template or the data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mlux/tokenizer/jinja/ast.h"
#include "mlux/tokenizer/jinja/error.h"
#include "mlux/tokenizer/jinja/lexer.h"
#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

/// The variables a template renders with, besides the builtin globals (range, namespace...).
using Context = std::unordered_map<std::string, Value>;

/// Bounds that stop runaway templates with a TemplateError (kind limit) instead of exhausting
/// memory, stack or time.
struct RenderLimits {
  std::size_t max_output_bytes = std::size_t{64} << 20;
  std::uint64_t max_loop_iterations = 10'000'000;  // all loops of one render together
  int max_call_depth = 100;                        // nested macro calls (recursion)
};

struct TemplateOptions {
  LexerOptions whitespace;  // defaults are transformers' (trim_blocks, lstrip_blocks)
  RenderLimits limits;
};

class Template {
 public:
  /// Parses `source`. `name` appears in every error message ("chat template 'default'").
  static Template parse(std::string_view source, std::string name = "template", TemplateOptions options = {});

  [[nodiscard]] std::string render(const Context& context) const;
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  Template(std::string name, std::shared_ptr<const Body> body, TemplateOptions options)
      : name_(std::move(name)), body_(std::move(body)), options_(options) {}
  std::string name_;
  std::shared_ptr<const Body> body_;
  TemplateOptions options_;
};

}  // namespace mlux::tokenizer::jinja

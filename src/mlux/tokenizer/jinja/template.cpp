// Template: parse once, render many times (see template.h).
#include "mlux/tokenizer/jinja/template.h"

#include "mlux/tokenizer/jinja/interpreter.h"
#include "mlux/tokenizer/jinja/objects.h"
#include "mlux/tokenizer/jinja/parser.h"

namespace mlux::tokenizer::jinja {

Template Template::parse(std::string_view source, std::string name, TemplateOptions options) {
  std::vector<Token> tokens = tokenize(source, name, options.whitespace);
  auto body = std::make_shared<const Body>(jinja::parse(tokens, name));
  return Template(std::move(name), std::move(body), options);
}

std::string Template::render(const Context& context) const {
  const NamespaceTracker namespaces;  // frees namespaces that refer to themselves, when done
  return Interpreter(name_, context, options_.limits).render(*body_);
}

}  // namespace mlux::tokenizer::jinja

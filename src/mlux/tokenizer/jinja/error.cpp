// TemplateError's message layout (see error.h).
#include "mlux/tokenizer/jinja/error.h"

namespace mlux::tokenizer::jinja {
namespace {

std::string compose(TemplateErrorKind kind, const std::string& name, SourceLocation where, const std::string& detail) {
  std::string place = str(name, ", line ", where.line, ", column ", where.column);
  switch (kind) {
    case TemplateErrorKind::syntax: return str(place, ": syntax error: ", detail);
    case TemplateErrorKind::raised: return str(place, ": the template raised an error: ", detail);
    case TemplateErrorKind::limit: return str(place, ": ", detail);
    case TemplateErrorKind::render: break;
  }
  return str(place, ": ", detail);
}

}  // namespace

TemplateError::TemplateError(TemplateErrorKind kind, std::string template_name, SourceLocation where, std::string detail)
    : mlux::Error(compose(kind, template_name, where, detail)),
      kind_(kind),
      template_name_(std::move(template_name)),
      location_(where),
      detail_(std::move(detail)) {}

void fail_syntax(const std::string& template_name, SourceLocation where, const std::string& detail) {
  throw TemplateError(TemplateErrorKind::syntax, template_name, where, detail);
}

}  // namespace mlux::tokenizer::jinja

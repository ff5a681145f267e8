// How template failures are reported. Code that works on values (filters, methods, operators)
// doesn't know where in the template it runs: it throws EvalError with what went wrong, and the
// interpreter turns that into a TemplateError naming the template, line and column. The lexer and
// parser throw TemplateError directly.
//
// Message form: "<template name>, line L, column C: <what, with the offending token or value>.
// <what to do>" (ARCHITECTURE.md §9).
#pragma once

#include <stdexcept>
#include <string>

#include "mlux/error.h"

namespace mlux::tokenizer::jinja {

/// 1-based line and column (in code points) of a token in the template source.
struct SourceLocation {
  int line = 1;
  int column = 1;
};

/// A failure with no location yet. `raised_by_template` marks raise_exception("..."), whose
/// message is the template author's own words.
class EvalError : public std::runtime_error {
 public:
  explicit EvalError(const std::string& what, bool raised_by_template = false)
      : std::runtime_error(what), raised_by_template_(raised_by_template) {}
  [[nodiscard]] bool raised_by_template() const { return raised_by_template_; }

 private:
  bool raised_by_template_;
};

enum class TemplateErrorKind {
  syntax,     // the template can't be parsed (found at load time)
  render,     // an operation failed while rendering (undefined value, wrong type...)
  raised,     // the template called raise_exception(message)
  limit,      // the template exceeded a safety limit (recursion, loop iterations, output size)
};

/// Every failure of a template, at load or render time.
class TemplateError : public mlux::Error {
 public:
  TemplateError(TemplateErrorKind kind, std::string template_name, SourceLocation where, std::string detail);
  [[nodiscard]] TemplateErrorKind kind() const { return kind_; }
  [[nodiscard]] const std::string& template_name() const { return template_name_; }
  [[nodiscard]] SourceLocation location() const { return location_; }
  /// The message without the "<template>, line L, column C: " prefix (for kind raised: exactly
  /// the template's message).
  [[nodiscard]] const std::string& detail() const { return detail_; }

 private:
  TemplateErrorKind kind_;
  std::string template_name_;
  SourceLocation location_;
  std::string detail_;
};

/// Throws a syntax TemplateError.
[[noreturn]] void fail_syntax(const std::string& template_name, SourceLocation where, const std::string& detail);

}  // namespace mlux::tokenizer::jinja

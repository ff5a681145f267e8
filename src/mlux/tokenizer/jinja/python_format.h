// Python's two string-formatting languages, for templates that use them:
// "%s is %d" % (name, n) and the |format filter (printf style), and "{} {name}".format(...).
// Field names are positional indexes, automatic numbering or keyword names; the format spec
// supports fill, align, sign, zero padding, width, precision and the types s r d i x X o b c f F
// e E g G %. Attribute/index lookups inside a field ("{0.name}") raise EvalError.
#pragma once

#include <string>
#include <string_view>

#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

/// `format % args`: args is a tuple (positional), a dict (for "%(name)s"), or one value.
[[nodiscard]] std::string percent_format(std::string_view format, const Value& args);

/// `format.format(*positional, **keywords)`.
[[nodiscard]] std::string brace_format(std::string_view format, const CallArgs& args);

}  // namespace mlux::tokenizer::jinja

// `mlux serve`'s limit flags, one per field of server::Limits (--max-body-kb, --max-connections,
// --request-timeout-s, ...). Each is range-checked when the command line is parsed, so a bad value
// is a clear error before the model loads; each limit's error answer names its flag
// (docs/server-api.md, "Limits").
#pragma once

#include <CLI/CLI.hpp>

#include "mlux/server/server.h"

namespace mlux::cli {

/// Adds the limit flags to `app`, writing into `limits` (which keeps its defaults for flags not given).
void add_limit_options(CLI::App& app, server::Limits& limits);

}  // namespace mlux::cli

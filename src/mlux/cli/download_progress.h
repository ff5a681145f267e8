// Download progress for the terminal: on a TTY one self-updating line per file (bytes, rate,
// ETA), ended when the file is done; elsewhere (logs, pipes) one plain line per finished file.
// The binary registers it as io::hub's default progress, so every model it resolves shows it.
#pragma once

#include <cstdio>

#include "mlux/io/hub/download_event.h"

namespace mlux::cli {

/// A progress callback writing to `out` (stderr by default: stdout stays clean for --json).
io::hub::ProgressCallback download_progress(std::FILE* out = stderr);

}  // namespace mlux::cli

#include "mlux/cli/server_limit_options.h"

#include <string>

namespace mlux::cli {
namespace {

/// One flag: a whole number in the flag's unit (KiB, seconds...), checked against [lo, hi] and
/// stored by `set`; its help shows `shown_default`, the Limits default in that unit.
template <typename Set>
void add_limit(CLI::App& app, const std::string& flag, const std::string& help, long long shown_default, long long lo, long long hi,
               Set set) {
  app.add_option_function<long long>(flag, set, help + " (default " + std::to_string(shown_default) + ")")
      ->check(CLI::Range(lo, hi))
      ->group("Limits");
}

}  // namespace

void add_limit_options(CLI::App& app, server::Limits& limits) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  const server::Limits d;
  auto& l = limits;
  add_limit(app, "--max-body-kb", "Largest request body, KiB (413 past it)", d.max_body_bytes / 1024, 1, 64 * 1024,
            [&l](long long v) { l.max_body_bytes = std::size_t(v) * 1024; });
  add_limit(app, "--max-prompt-kb", "Largest prompt (each text field), KiB", d.max_prompt_chars / 1024, 1, 64 * 1024,
            [&l](long long v) { l.max_prompt_chars = std::size_t(v) * 1024; });
  add_limit(app, "--max-prompt-tokens", "Longest prompt, tokens", d.max_prompt_tokens, 1, 1 << 20,
            [&l](long long v) { l.max_prompt_tokens = int(v); });
  add_limit(app, "--max-new-tokens", "Most tokens one generation may ask for (max_tokens)", d.max_new_tokens, 1, 1 << 20,
            [&l](long long v) { l.max_new_tokens = int(v); });
  add_limit(app, "--max-sweep-cells", "Largest patching or ablation sweep, layers × positions × heads", (long long)d.max_sweep_cells, 1,
            1 << 24, [&l](long long v) { l.max_sweep_cells = std::size_t(v); });
  add_limit(app, "--max-pattern-tokens", "Longest prompt for attention patterns, tokens", d.max_pattern_tokens, 1, 1 << 16,
            [&l](long long v) { l.max_pattern_tokens = int(v); });
  add_limit(app, "--busy-wait-ms", "How long a request waits for the running model job before 409 busy", d.busy_wait.count(), 0,
            600'000, [&l](long long v) { l.busy_wait = milliseconds(v); });
  add_limit(app, "--max-waiting-jobs", "Requests that may wait for the running model job at once (409 busy past it)",
            d.max_waiting_jobs, 0, 1024, [&l](long long v) { l.max_waiting_jobs = int(v); });
  add_limit(app, "--max-connections", "Connections served at once (429 past it)", d.max_connections, 1, 1024,
            [&l](long long v) { l.max_connections = int(v); });
  add_limit(app, "--request-timeout-s", "Time for a request's line, headers and body to arrive, seconds (408 past it)",
            d.request_timeout.count() / 1000, 1, 3600, [&l](long long v) { l.request_timeout = seconds(v); });
  add_limit(app, "--write-timeout-s", "Time a client may take nothing of an answer before it is dropped, seconds",
            d.write_timeout.count() / 1000, 1, 3600, [&l](long long v) { l.write_timeout = seconds(v); });
  add_limit(app, "--keep-alive-s", "Time an idle connection stays open for its next request, seconds",
            d.keep_alive_timeout.count() / 1000, 1, 3600, [&l](long long v) { l.keep_alive_timeout = seconds(v); });
  add_limit(app, "--keep-alive-requests", "Requests one connection may make before it is closed", d.keep_alive_requests, 1,
            1'000'000, [&l](long long v) { l.keep_alive_requests = int(v); });
}

}  // namespace mlux::cli

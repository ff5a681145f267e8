// The `mlux` binary. Each subcommand lives in its own file and registers itself (command.h);
// this file only parses, dispatches and turns mlux::Error into a message and exit code 1.
#include <algorithm>
#include <cstdio>
#include <exception>

#include "mlux/cli/command.h"
#include "mlux/error.h"

namespace mlux::cli {
std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}
}  // namespace mlux::cli

int main(int argc, char** argv) {
  using namespace mlux::cli;
  CLI::App app{"mlux: look inside open-weight language models"};
  app.require_subcommand(0, 1);

  auto& cmds = commands();
  std::sort(cmds.begin(), cmds.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  std::vector<std::pair<CLI::App*, Action>> actions;
  actions.reserve(cmds.size());
  for (auto& c : cmds) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    actions.emplace_back(sub, c.setup(*sub));
  }

  // No arguments: the command center on the demo model, as the original's `python -m mlux`.
  char serve_arg[] = "serve";
  char* serve_argv[] = {argv[0], serve_arg, nullptr};
  if (argc == 1) {
    argc = 2;
    argv = serve_argv;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
    std::fputs(app.help().c_str(), stdout);  // only options (e.g. --help) were given
    return 0;
  } catch (const mlux::Error& e) {
    std::fprintf(stderr, "mlux: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlux: internal error: %s\n", e.what());
    return 2;
  }
}

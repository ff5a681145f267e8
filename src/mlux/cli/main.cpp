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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
    // No subcommand: the command center on the default model (issue: explorers); until then, help.
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const mlux::Error& e) {
    std::fprintf(stderr, "mlux: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlux: internal error: %s\n", e.what());
    return 2;
  }
}

// How a subcommand plugs into the `mlux` binary: one file per subcommand defines a static
// CommandRegistrar with its name, one-line help and a setup function. Setup declares the
// subcommand's options on the CLI11 app it is given and returns the action to run after parsing
// (its return value is the exit code). main.cpp turns every registrar into a subcommand.
//
//   static mlux::cli::CommandRegistrar reg("info", "Print a model's architecture and size",
//       [](CLI::App& app) {
//         auto model = std::make_shared<std::string>();
//         app.add_option("--model", *model, "Model directory")->required();
//         return [model] { ...; return 0; };
//       });
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mlux::cli {

using Action = std::function<int()>;
using Setup = std::function<Action(CLI::App& app)>;

struct Command {
  std::string name;
  std::string help;
  Setup setup;
};

/// Every registered subcommand, in registration order.
std::vector<Command>& commands();

struct CommandRegistrar {
  CommandRegistrar(std::string name, std::string help, Setup setup) {
    commands().push_back({std::move(name), std::move(help), std::move(setup)});
  }
};

}  // namespace mlux::cli

// Runs the built `mlux` binary as a user would: arguments quoted for the shell, extra environment
// variables set, stdout and stderr captured separately.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace mlux::test {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

inline std::string shell_quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline CliRun run_mlux(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() / ("mlux-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::string command;
  for (const auto& [k, v] : env) command += k + "=" + shell_quote(v) + " ";
  command += shell_quote(MLUX_BINARY);
  for (const auto& a : args) command += " " + shell_quote(a);
  command += " >" + shell_quote(base.string() + ".out") + " 2>" + shell_quote(base.string() + ".err");
  const int status = std::system(command.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    std::filesystem::remove(p);
    return s.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(base.string() + ".out"), slurp(base.string() + ".err")};
}

}  // namespace mlux::test

// `mlux serve [--model M] [--host 127.0.0.1] [--port 5050] [--no-browser] [limit flags]`: the
// explorers in the browser (server/server.h; the limit flags are in server_limit_options.h). `mlux`
// with no arguments runs it on the demo model (main.cpp), and
// `mlux logit-lens|patching|steering|ablation|base|attention` open straight into one explorer.
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <thread>

#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/cli/server_limit_options.h"
#include "mlux/server/model_manager.h"
#include "mlux/server/server.h"

extern char** environ;

namespace mlux::cli {
namespace {

struct Args {
  std::string model, host = "127.0.0.1";
  int port = 5050;
  bool no_browser = false;
  server::Limits limits;
};

/// Opens `url` with xdg-open in the background when a desktop seems to be there; a failure only
/// leaves the printed URL to click.
void open_browser(const std::string& url) {
  const bool display = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
  if (!display) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>("xdg-open"), const_cast<char*>(url.c_str()), nullptr};
  if (posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv, environ) == 0) {
    // Reap it when it exits so it leaves no zombie; xdg-open returns once the browser has started.
    std::thread([pid] { waitpid(pid, nullptr, 0); }).detach();
  }
  posix_spawn_file_actions_destroy(&actions);
}

int serve(const Args& a, const std::string& page) {
  std::fprintf(stderr, "mlux: loading %s...\n", a.model.empty() ? "the demo model" : a.model.c_str());
  server::Server s({.model = a.model, .host = a.host, .port = a.port, .limits = a.limits});
  const int port = s.bind();
  if (!server::is_loopback_host(a.host))
    std::fprintf(stderr, "mlux: warning: listening on %s, so anyone who can reach this machine can run models on it "
                 "(there is no authentication). Use --host 127.0.0.1 to keep it local.\n", a.host.c_str());
  const std::string shown = a.host == "0.0.0.0" || a.host == "::" ? "127.0.0.1" : a.host;
  const std::string url = "http://" + (shown.find(':') != std::string::npos ? "[" + shown + "]" : shown) + ":" +
                          std::to_string(port) + "/" + page;
  std::printf("mlux explorers: %s  (model: %s; Ctrl+C to stop)\n", url.c_str(), s.models().current()->model->describe().c_str());
  std::fflush(stdout);
  if (!a.no_browser) open_browser(url);
  s.run();
  return 0;
}

Setup setup_for(const std::string& page) {
  return [page](CLI::App& app) {
    auto a = std::make_shared<Args>();
    add_model_option(app, a->model);
    app.add_option("--host", a->host, "Address to listen on (default 127.0.0.1: this machine only)");
    app.add_option("--port,-p", a->port, "Port (default 5050; 0 picks a free one)")->check(CLI::Range(0, 65535));
    app.add_flag("--no-browser", a->no_browser, "Do not open a browser");
    add_limit_options(app, a->limits);
    return [a, page] { return serve(*a, page); };
  };
}

CommandRegistrar serve_reg("serve", "Start the explorers in the browser (the command center); `mlux` alone does this",
                           setup_for(""));
CommandRegistrar lens_reg("logit-lens", "Open the logit lens explorer in the browser", setup_for("logit-lens"));
CommandRegistrar patching_reg("patching", "Open the activation patching explorer in the browser", setup_for("patching"));
CommandRegistrar steering_reg("steering", "Open the contrastive steering explorer in the browser", setup_for("steering"));
CommandRegistrar ablation_reg("ablation", "Open the residual ablation explorer in the browser", setup_for("ablation"));
CommandRegistrar base_reg("base", "Open the base-model generation explorer in the browser", setup_for("base"));
CommandRegistrar attention_reg("attention", "Open the attention pattern explorer in the browser", setup_for("attention"));

}  // namespace
}  // namespace mlux::cli

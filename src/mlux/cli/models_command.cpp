// `mlux models [--json]`: the models mlux can run without a path: the embedded demo, the default
// models (marked "not downloaded" until pulled) and everything else in the Hugging Face cache,
// whoever downloaded it. Columns: id, revision, size on disk, architecture, weight format, status.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/error.h"
#include "mlux/io/hub/cached_models.h"
#include "mlux/io/hub/default_models.h"
#include "mlux/io/json.h"
#include "mlux/models/locate.h"

namespace mlux::cli {
namespace {
namespace fs = std::filesystem;
namespace hub = io::hub;

struct Row {
  std::string model, revision, size, arch, weights, status;
};

std::optional<fs::path> demo_dir() {
  const fs::path dir = models::demo_model_dir();
  std::error_code ec;
  if (fs::is_regular_file(dir / "config.json", ec)) return dir;
  return std::nullopt;
}

Row demo_row(const fs::path& dir) {
  Row r{.model = "demo (embedded)", .revision = "-", .size = "", .arch = "", .weights = "", .status = ""};
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) bytes += e.file_size(ec);
  r.size = format_bytes(bytes);
  try {
    r.arch = io::get_string(io::read_json_file(dir / "config.json"), "model_type", "config.json").value_or("");
    r.weights = hub::describe_weights(dir / "config.json");
  } catch (const Error&) {
  }
  return r;
}

Row cached_row(const hub::CachedModel& m) {
  Row r{.model = m.repo_id, .revision = "-", .size = format_bytes(m.size_on_disk), .arch = m.model_type,
        .weights = m.weights, .status = ""};
  if (!m.snapshots.empty()) {
    const auto& s = m.snapshots.front();
    r.revision = (s.refs.empty() ? "" : s.refs.front() + " ") + s.commit.substr(0, 7);
    if (m.snapshots.size() > 1) r.revision += str(" (+", m.snapshots.size() - 1, ")");
    if (!s.complete) r.status = "incomplete";
  } else {
    r.status = "incomplete";
  }
  if (m.partial_download) r.status = "partial download";
  return r;
}

std::vector<Row> collect_rows() {
  std::vector<Row> rows;
  if (auto demo = demo_dir()) rows.push_back(demo_row(*demo));
  const auto cached = hub::list_cached_models();
  auto find = [&](std::string_view id) {
    return std::find_if(cached.begin(), cached.end(), [&](const auto& m) { return m.repo_id == id; });
  };
  for (const auto& d : hub::default_models()) {
    auto it = find(d.repo_id);
    rows.push_back(it != cached.end() ? cached_row(*it)
                                      : Row{.model = std::string(d.repo_id), .revision = "", .size = "", .arch = "",
                                            .weights = "", .status = "not downloaded"});
  }
  for (const auto& m : cached) {
    const bool is_default = std::any_of(hub::default_models().begin(), hub::default_models().end(),
                                        [&](const auto& d) { return d.repo_id == m.repo_id; });
    if (!is_default) rows.push_back(cached_row(m));
  }
  return rows;
}

int run(bool json) {
  const auto rows = collect_rows();
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows)
      j.push_back({{"model", r.model}, {"revision", r.revision}, {"size", r.size}, {"architecture", r.arch},
                   {"weights", r.weights}, {"status", r.status.empty() ? "ready" : r.status}});
    std::puts(j.dump(2).c_str());
    return 0;
  }
  std::size_t width = 5;
  for (const auto& r : rows) width = std::max(width, r.model.size());
  const int w = int(width);
  std::printf("%-*s  %-16s  %-10s  %-12s  %-18s  %s\n", w, "MODEL", "REVISION", "SIZE", "ARCH", "WEIGHTS", "STATUS");
  for (const auto& r : rows)
    std::printf("%-*s  %-16s  %-10s  %-12s  %-18s  %s\n", w, r.model.c_str(), r.revision.c_str(), r.size.c_str(),
                r.arch.c_str(), r.weights.c_str(), r.status.c_str());
  return 0;
}

CommandRegistrar reg("models", "List the demo model, the default models and every model in the Hugging Face cache",
                     [](CLI::App& app) {
                       auto json = std::make_shared<bool>(false);
                       app.add_flag("--json", *json, "Print JSON");
                       return [json] { return run(*json); };
                     });

}  // namespace
}  // namespace mlux::cli

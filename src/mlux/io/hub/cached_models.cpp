#include "mlux/io/hub/cached_models.h"

#include <algorithm>

#include "mlux/error.h"
#include "mlux/io/hub/model_files.h"
#include "mlux/io/hub/model_ref.h"
#include "mlux/io/hub/repo_cache.h"
#include "mlux/io/json.h"

namespace mlux::io::hub {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kModelPrefix = "models--";

// "models--org--name" → "org/name" (ids cannot contain "--", so every "--" is a '/').
std::string repo_id_of_folder(std::string_view folder) {
  std::string id;
  const std::string_view rest = folder.substr(kModelPrefix.size());
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest.compare(i, 2, "--") == 0) {
      id += '/';
      ++i;
    } else {
      id += rest[i];
    }
  }
  return id;
}

// refs/ may nest ("refs/refs/pr/1"): every regular file below it is one revision.
std::vector<std::pair<std::string, std::string>> read_refs(const RepoCache& cache) {
  std::vector<std::pair<std::string, std::string>> refs;  // revision, commit
  std::error_code ec;
  const fs::path dir = cache.repo_dir() / "refs";
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string revision = it->path().lexically_relative(dir).generic_string();
    if (auto commit = cache.commit_for(revision)) refs.emplace_back(revision, *commit);
  }
  return refs;
}

std::vector<CachedSnapshot> read_snapshots(const RepoCache& cache) {
  const auto refs = read_refs(cache);
  std::vector<CachedSnapshot> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache.repo_dir() / "snapshots", ec)) {
    if (!e.is_directory(ec)) continue;
    CachedSnapshot s{.commit = e.path().filename().string(), .refs = {}, .complete = false};
    for (const auto& [revision, commit] : refs)
      if (commit == s.commit) s.refs.push_back(revision);
    std::sort(s.refs.begin(), s.refs.end());
    try {
      s.complete = missing_model_files(e.path()).empty();
    } catch (const Error&) {  // an unreadable index: not complete
    }
    out.push_back(std::move(s));
  }
  auto rank = [](const CachedSnapshot& s) { return std::find(s.refs.begin(), s.refs.end(), "main") == s.refs.end(); };
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return std::make_pair(rank(a), a.commit) < std::make_pair(rank(b), b.commit);
  });
  return out;
}

void measure_blobs(CachedModel& m) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(m.repo_dir / "blobs", ec)) {
    if (!e.is_regular_file(ec)) continue;
    m.size_on_disk += e.file_size(ec);
    if (e.path().extension() == ".incomplete") m.partial_download = true;
  }
}

CachedModel read_model(const fs::path& cache_dir, const fs::path& folder) {
  CachedModel m;
  m.repo_id = repo_id_of_folder(folder.filename().string());
  m.repo_dir = folder;
  const RepoCache cache(cache_dir, m.repo_id);
  m.snapshots = read_snapshots(cache);
  measure_blobs(m);
  if (!m.snapshots.empty()) {
    const fs::path config = cache.snapshot_dir(m.snapshots.front().commit) / std::string(kConfigFile);
    try {
      m.model_type = get_string(read_json_file(config), "model_type", "config.json").value_or("");
      m.weights = describe_weights(config);
    } catch (const Error&) {  // a missing or broken config.json leaves the columns empty
    }
  }
  return m;
}

std::string dtype_name(const Json& config) {
  for (const char* key : {"torch_dtype", "dtype"})
    if (auto it = config.find(key); it != config.end() && it->is_string()) return it->get<std::string>();
  return "";
}

}  // namespace

std::string describe_weights(const fs::path& config_file) {
  const Json config = read_json_file(config_file);
  if (auto q = config.find("quantization"); q != config.end() && q->is_object()) {
    const auto bits = get_int(*q, "bits", "config.json quantization");
    const auto group = get_int(*q, "group_size", "config.json quantization");
    const auto mode = get_string(*q, "mode", "config.json quantization");
    std::string out = bits ? str(*bits, "-bit") : "quantized";
    if (mode && *mode != "affine") out += " " + *mode;
    if (group) out += str(" (group ", *group, ")");
    return out;
  }
  if (auto q = config.find("quantization_config"); q != config.end() && q->is_object())
    return get_string(*q, "quant_method", "config.json quantization_config").value_or("quantized");
  if (auto text = config.find("text_config"); text != config.end() && dtype_name(config).empty())
    return dtype_name(*text);
  return dtype_name(config);
}

std::vector<CachedModel> list_cached_models(const fs::path& cache_dir) {
  std::vector<CachedModel> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory(ec) && name.rfind(kModelPrefix, 0) == 0 && name.size() > kModelPrefix.size())
      out.push_back(read_model(cache_dir, e.path()));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.repo_id < b.repo_id; });
  return out;
}

std::uint64_t remove_cached_model(std::string_view repo_id, const fs::path& cache_dir) {
  if (repo_id.find('@') != std::string_view::npos)
    fail("rm: '", repo_id, "': mlux rm removes a model with all its revisions; give the id without '@revision'.");
  const ModelRef ref = parse_model_ref(repo_id);
  const RepoCache cache(cache_dir, ref.repo_id);
  std::error_code ec;
  if (!fs::is_directory(cache.repo_dir(), ec))
    fail("rm: '", ref.repo_id, "' is not in the cache (", cache_dir.string(), "). `mlux models` lists what is.");
  CachedModel m = read_model(cache_dir, cache.repo_dir());
  // Refs, then links, then blobs: stopped half-way, what is left is a cache a pull repairs, never
  // a ref to a snapshot whose links lead nowhere.
  for (const char* part : {"refs", "snapshots", ".no_exist", "blobs", ""})
    if (!ec) fs::remove_all(cache.repo_dir() / part, ec);
  if (ec)
    fail("rm: cannot delete '", cache.repo_dir().string(), "' (", ec.message(), "). Check its permissions; what was "
         "already deleted is gone, so pull the model again before using it.");
  fs::remove_all(cache_dir / ".locks" / repo_folder_name(ref.repo_id), ec);  // only empty lock files
  return m.size_on_disk;
}

}  // namespace mlux::io::hub

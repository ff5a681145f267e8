#include "mlux/io/hub/resolve.h"

#include "mlux/error.h"
#include "mlux/io/hub/model_files.h"
#include "mlux/io/hub/pull.h"
#include "mlux/io/hub/repo_cache.h"

namespace mlux::io::hub {
namespace fs = std::filesystem;
namespace {

bool looks_like_path(std::string_view ref) {
  return ref.rfind("/", 0) == 0 || ref.rfind("./", 0) == 0 || ref.rfind("../", 0) == 0 || ref.rfind("~", 0) == 0 ||
         ref == "." || ref == "..";
}

fs::path local_model_dir(std::string_view ref) {
  const fs::path dir(ref);
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return dir;
  if (fs::exists(dir, ec))
    fail("model: '", ref, "' is a file; give the model's directory (config.json + *.safetensors).");
  fail("model: '", ref, "' is not a directory. Give a model directory, a Hugging Face id such as "
       "'mlx-community/gemma-2-2b-it-4bit', or leave --model out for the demo model.");
}

// Why the cache cannot serve `ref`, for the offline error.
std::string cache_problem(const ModelRef& ref, const RepoCache& cache, ModelParts parts) {
  std::error_code ec;
  if (!fs::is_directory(cache.repo_dir(), ec)) return str("there is no ", cache.repo_dir().string());
  const auto commit = cache.commit_for(ref.revision);
  if (!commit) return str(cache.repo_dir().string(), " has no refs/", ref.revision);
  const fs::path snapshot = cache.snapshot_dir(*commit);
  if (!fs::is_directory(snapshot, ec)) return str("there is no ", snapshot.string());
  std::string missing;
  for (const auto& f : missing_model_files(snapshot, parts)) missing += (missing.empty() ? "" : ", ") + f;
  return str(snapshot.string(), " lacks ", missing);
}

[[noreturn]] void fail_offline(const ModelRef& ref, const RepoCache& cache, const HubEnvironment& env,
                               const ResolveOptions& opt) {
  const bool offline = env.offline;
  fail("model '", ref.to_string(), "': ", offline ? "HF_HUB_OFFLINE is set" : "downloads are off",
       " and the cache does not have it complete (", cache_problem(ref, cache, opt.parts), "). ",
       offline ? "Unset HF_HUB_OFFLINE and run" : "Run", " `mlux pull ", ref.to_string(), "` to download it (cache: ",
       env.cache_dir.string(), ").");
}

ProgressCallback& default_progress() {
  static ProgressCallback progress;
  return progress;
}

}  // namespace

void set_default_progress(ProgressCallback progress) { default_progress() = std::move(progress); }

bool is_local_model_ref(std::string_view ref) {
  std::error_code ec;
  return looks_like_path(ref) || (!ref.empty() && fs::is_directory(fs::path(ref), ec));
}

std::optional<fs::path> find_cached_model(const ModelRef& ref, const fs::path& cache_dir, ModelParts parts) {
  const RepoCache cache(cache_dir, ref.repo_id);
  const auto commit = cache.commit_for(ref.revision);
  if (!commit) return std::nullopt;
  const fs::path snapshot = cache.snapshot_dir(*commit);
  std::error_code ec;
  if (!fs::is_directory(snapshot, ec) || !missing_model_files(snapshot, parts).empty()) return std::nullopt;
  return snapshot;
}

fs::path resolve_model(std::string_view ref, const ResolveOptions& opt) {
  if (ref.empty()) fail("model: no model given. Pass a model directory or a Hugging Face id such as 'org/name'.");
  if (is_local_model_ref(ref)) return local_model_dir(ref);
  const ModelRef mref = parse_model_ref(ref);
  const HubEnvironment env = opt.env ? *opt.env : HubEnvironment::from_process();
  FetchOptions fetch = opt.fetch;
  if (!fetch.progress) fetch.progress = default_progress();
  const RepoCache cache(env.cache_dir, mref.repo_id);
  const auto cached = find_cached_model(mref, env.cache_dir, opt.parts);
  if (env.offline || !opt.allow_download) {
    if (cached) return *cached;
    fail_offline(mref, cache, env, opt);
  }
  if (cached && is_commit_hash(mref.revision)) return *cached;  // a commit never changes
  try {
    return pull_model(mref, env, fetch, opt.parts).snapshot_dir;
  } catch (const NetworkError& e) {
    if (cached) {
      if (fetch.progress) fetch.progress({DownloadEventKind::using_cache, mref.repo_id, "", 0, 0, e.what()});
      return *cached;
    }
    fail("model '", mref.to_string(), "': ", e.what(), ", and the cache has no complete copy. Check the network (and "
         "HF_ENDPOINT, now '", env.endpoint, "'); to work with cached models only, set HF_HUB_OFFLINE=1 (cache: ",
         env.cache_dir.string(), ").");
  }
}

}  // namespace mlux::io::hub

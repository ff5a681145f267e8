#include "mlux/io/hub/pull.h"

#include <algorithm>
#include <set>

#include "mlux/error.h"
#include "mlux/io/hub/hub_api.h"
#include "mlux/io/hub/model_files.h"
#include "mlux/io/hub/repo_cache.h"

namespace mlux::io::hub {
namespace {

class Puller {
 public:
  Puller(const ModelRef& ref, const HubEnvironment& env, const FetchOptions& opt, ModelParts parts)
      : ref_(ref), api_(env, http_), cache_(env.cache_dir, ref.repo_id), opt_(opt), parts_(parts) {}

  PullResult run() {
    if (auto listing = api_.list_files(ref_)) pull_listed(*listing);
    else pull_unlisted();
    cache_.write_ref(ref_.revision, result_.commit);
    result_.snapshot_dir = cache_.snapshot_dir(result_.commit);
    return result_;
  }

 private:
  ModelRef at_commit() const { return {ref_.repo_id, result_.commit}; }

  void place(const std::string& file, const FileMetadata& meta) {
    if (meta.commit != result_.commit)
      fail("pull: the hub answered for '", file, "' with commit ", meta.commit, " while '", ref_.to_string(),
           "' is at ", result_.commit, " (a push during the pull?). Run the command again.");
    result_.bytes_downloaded += fetch_into_cache(api_, http_, cache_, file, meta, opt_);
    result_.files.push_back(file);
  }

  // Fetches `file`; returns false when the hub says it does not exist (and `required` is false).
  bool fetch(const std::string& file, bool required) {
    if (cache_.has_snapshot_file(result_.commit, file)) {  // a commit's files never change
      if (opt_.progress) opt_.progress({DownloadEventKind::file_cached, ref_.repo_id, file, 0, 0, ""});
      result_.files.push_back(file);
      return true;
    }
    if (!required && std::filesystem::exists(cache_.no_exist_path(result_.commit, file))) return false;
    const FileMetadata meta = api_.file_metadata(at_commit(), file);
    if (!meta.exists) {
      if (!required) {
        cache_.mark_missing(result_.commit, file);
        return false;
      }
      fail("pull: no such model or file: '", file, "' is missing from '", ref_.to_string(), "' (commit ", result_.commit,
           "). The model is incomplete on the hub; pick another revision or model.");
    }
    place(file, meta);
    return true;
  }

  void fetch_shards(const std::vector<std::string>& listed) {
    const auto index = cache_.snapshot_dir(result_.commit) / std::string(kIndexFile);
    for (const auto& shard : shards_from_index(index)) {
      if (!listed.empty() && std::find(listed.begin(), listed.end(), shard) == listed.end())
        fail("pull: ", kIndexFile, " of '", ref_.to_string(), "' names the shard '", shard,
             "', which the repo does not have. The upload is broken; pick another revision or model.");
      fetch(shard, true);
    }
  }

  void pull_listed(const RepoListing& listing) {
    result_.commit = listing.commit;
    const ModelFiles files = select_model_files(listing.files, ref_.repo_id);
    for (const auto& f : files.metadata) fetch(f, true);
    if (parts_ == ModelParts::tokenizer) return;
    if (files.index) {
      fetch(*files.index, true);
      fetch_shards(listing.files);
    }
    for (const auto& f : files.weights) fetch(f, true);
  }

  // A mirror without the listing API: ask for each file by name.
  void pull_unlisted() {
    const std::string config(kConfigFile);
    const FileMetadata meta = api_.file_metadata(ref_, config);
    if (!meta.exists)
      fail("pull: no such model or file: '", ref_.to_string(), "' has no config.json on ", api_.env().endpoint,
           ". Check the id and revision.");
    result_.commit = meta.commit;
    place(config, meta);
    for (const auto& f : optional_model_files()) fetch(f, false);
    if (parts_ == ModelParts::tokenizer) return;
    if (fetch(std::string(kIndexFile), false)) fetch_shards({});
    else if (!fetch("model.safetensors", false))
      fail("pull: '", ref_.to_string(), "' has neither model.safetensors nor ", kIndexFile, " on ", api_.env().endpoint,
           ", which does not list files, so other shard names cannot be found. Use the public hub or a full mirror.");
  }

  const ModelRef& ref_;
  HttpClient http_;
  HubApi api_;
  RepoCache cache_;
  const FetchOptions& opt_;
  ModelParts parts_;
  PullResult result_;
};

}  // namespace

PullResult pull_model(const ModelRef& ref, const HubEnvironment& env, const FetchOptions& opt, ModelParts parts) {
  return Puller(ref, env, opt, parts).run();
}

}  // namespace mlux::io::hub

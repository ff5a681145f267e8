#include "mlux/io/hub/repo_cache.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "mlux/error.h"
#include "mlux/io/atomic_file.h"
#include "mlux/io/hub/model_ref.h"
#include "mlux/io/json.h"

namespace mlux::io::hub {
namespace fs = std::filesystem;

void create_directories_or_fail(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    fail("hub cache: cannot create directory '", dir.string(), "' (", ec.message(),
         "). Check its permissions and free space, or point HF_HUB_CACHE at another directory.");
}

RepoCache::RepoCache(fs::path cache_dir, std::string repo_id)
    : cache_dir_(std::move(cache_dir)), repo_id_(std::move(repo_id)), repo_dir_(cache_dir_ / repo_folder_name(repo_id_)) {}

fs::path RepoCache::blob_path(std::string_view etag) const { return repo_dir_ / "blobs" / std::string(etag); }

fs::path RepoCache::incomplete_path(std::string_view etag) const {
  return repo_dir_ / "blobs" / (std::string(etag) + ".incomplete");
}

fs::path RepoCache::lock_path(std::string_view etag) const {
  return cache_dir_ / ".locks" / repo_folder_name(repo_id_) / (std::string(etag) + ".lock");
}

fs::path RepoCache::snapshot_dir(std::string_view commit) const { return repo_dir_ / "snapshots" / std::string(commit); }

fs::path RepoCache::no_exist_path(std::string_view commit, std::string_view file) const {
  return repo_dir_ / ".no_exist" / std::string(commit) / std::string(file);
}

std::optional<std::string> RepoCache::commit_for(std::string_view revision) const {
  if (is_commit_hash(revision)) return std::string(revision);
  std::ifstream in(repo_dir_ / "refs" / std::string(revision));
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string commit = ss.str();
  commit.erase(std::remove_if(commit.begin(), commit.end(), [](unsigned char c) { return std::isspace(c); }), commit.end());
  if (commit.empty()) return std::nullopt;
  return commit;
}

void RepoCache::write_ref(std::string_view revision, std::string_view commit) const {
  if (is_commit_hash(revision) || commit_for(revision) == std::string(commit)) return;
  const fs::path ref = repo_dir_ / "refs" / std::string(revision);
  create_directories_or_fail(ref.parent_path());
  write_file_atomic(ref, commit);
}

bool RepoCache::has_snapshot_file(std::string_view commit, std::string_view file) const {
  std::error_code ec;
  return fs::is_regular_file(snapshot_dir(commit) / std::string(file), ec);  // follows the symlink
}

void RepoCache::link_snapshot_file(std::string_view commit, std::string_view file, std::string_view etag) const {
  const fs::path pointer = snapshot_dir(commit) / std::string(file);
  create_directories_or_fail(pointer.parent_path());
  const fs::path target = blob_path(etag).lexically_relative(pointer.parent_path());
  static std::atomic<unsigned> counter{0};  // unique per process and call: threads may link at once
  const fs::path tmp = str(pointer.string(), ".tmp-", ::getpid(), "-", counter++);
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_symlink(target, tmp, ec);
  if (!ec) fs::rename(tmp, pointer, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(tmp, ec);
    fail("hub cache: cannot link '", pointer.string(), "' to '", target.string(), "' (", reason,
         "). The cache needs a file system with symbolic links; point HF_HUB_CACHE at one.");
  }
}

void RepoCache::mark_missing(std::string_view commit, std::string_view file) const {
  const fs::path marker = no_exist_path(commit, file);
  create_directories_or_fail(marker.parent_path());
  std::ofstream touch(marker, std::ios::app);  // a marker that cannot be written only costs a request later
}

}  // namespace mlux::io::hub

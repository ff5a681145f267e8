// RepoCache: one model repo inside a huggingface_hub cache, laid out exactly as huggingface_hub
// lays it out (../shared/spec/model-formats.md §9.3), so either tool reads what the other wrote:
//
//   <cache>/models--org--name/blobs/<etag>              file contents, named by normalized ETag
//   <cache>/models--org--name/blobs/<etag>.incomplete   a download in progress (resumable)
//   <cache>/models--org--name/refs/<revision>           the 40-hex commit the revision pointed at
//   <cache>/models--org--name/snapshots/<commit>/<file> relative symlink → ../../blobs/<etag>
//   <cache>/models--org--name/.no_exist/<commit>/<file> empty: the file does not exist there
//   <cache>/.locks/models--org--name/<etag>.lock        held while a process writes that blob
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlux::io::hub {

class RepoCache {
 public:
  RepoCache(std::filesystem::path cache_dir, std::string repo_id);

  const std::filesystem::path& cache_dir() const { return cache_dir_; }
  const std::string& repo_id() const { return repo_id_; }
  /// <cache>/models--org--name
  const std::filesystem::path& repo_dir() const { return repo_dir_; }

  std::filesystem::path blob_path(std::string_view etag) const;
  std::filesystem::path incomplete_path(std::string_view etag) const;
  std::filesystem::path lock_path(std::string_view etag) const;
  std::filesystem::path snapshot_dir(std::string_view commit) const;
  std::filesystem::path no_exist_path(std::string_view commit, std::string_view file) const;

  /// The commit `revision` names: itself when it is a commit hash, else the content of
  /// refs/<revision> (whitespace stripped); nullopt when there is no such ref.
  std::optional<std::string> commit_for(std::string_view revision) const;
  /// Records that `revision` points at `commit` (atomically; nothing for a commit hash).
  void write_ref(std::string_view revision, std::string_view commit) const;

  /// Whether snapshots/<commit>/<file> exists and leads to a readable file.
  bool has_snapshot_file(std::string_view commit, std::string_view file) const;
  /// Points snapshots/<commit>/<file> at blobs/<etag> with a relative symlink, replacing
  /// whatever was there in one rename (readers see the old entry or the new one, never none).
  void link_snapshot_file(std::string_view commit, std::string_view file, std::string_view etag) const;
  /// Leaves the .no_exist marker huggingface_hub leaves for a file the server says is absent.
  void mark_missing(std::string_view commit, std::string_view file) const;

 private:
  std::filesystem::path cache_dir_;
  std::string repo_id_;
  std::filesystem::path repo_dir_;
};

/// Creates `dir` and its parents; throws Error naming the directory and the system's reason.
void create_directories_or_fail(const std::filesystem::path& dir);

}  // namespace mlux::io::hub

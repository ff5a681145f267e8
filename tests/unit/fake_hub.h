// FakeHub: an HTTP server on 127.0.0.1 (OS-chosen port, own thread) that answers like the Hugging
// Face hub's endpoints, for pulling models in tests without the internet:
//   GET  /api/models/{repo}/revision/{rev}   {"sha": commit, "siblings": [{"rfilename": ...}]}
//   HEAD/GET /{repo}/resolve/{rev}/{file}    small files: 200 + ETag (git blob sha1) + body;
//                                            LFS files: 302 to the absolute /cdn/{sha256} URL
//                                            on another host name (localhost), with
//                                            X-Linked-Etag (sha256) and X-Linked-Size
//   GET  /cdn/{sha256}                       the content, with Range support
// Errors as the hub sends them: 401 + X-Error-Code GatedRepo, 404 + RepoNotFound /
// RevisionNotFound / EntryNotFound. Knobs: drop a connection mid-file once, corrupt a file, turn
// the listing API off, rename a repo (relative redirect). Every request is recorded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mlux::testing {

struct FakeRepo {
  std::map<std::string, std::string> files;                   // path → content
  std::map<std::string, std::string> refs = {{"main", ""}};   // revision → commit ("" = made up)
  bool gated = false;                                         // needs "Bearer <FakeHub::kToken>"
};

struct RecordedRequest {
  std::string method, path, range, authorization;
};

class FakeHub {
 public:
  static constexpr const char* kToken = "hf_good_token";

  FakeHub();
  ~FakeHub();
  FakeHub(const FakeHub&) = delete;
  FakeHub& operator=(const FakeHub&) = delete;

  /// "http://127.0.0.1:<port>"
  std::string endpoint() const;
  /// Adds a repo; files at or above 4 KiB and *.safetensors are served as LFS files.
  void add_repo(const std::string& id, FakeRepo repo);
  /// Requests for `old_id` answer 307 with a relative Location naming `new_id`.
  void rename_repo(const std::string& old_id, const std::string& new_id);
  /// The next GET of `file`'s content (in any repo) sends `bytes` bytes, then closes the connection.
  void drop_once(const std::string& file, std::size_t bytes);
  /// `file`'s content is served with its middle byte changed (the ETag stays that of the original).
  void corrupt(const std::string& file);
  void set_api_enabled(bool on);

  std::string commit_of(const std::string& repo, const std::string& revision = "main") const;
  static bool is_lfs(const std::string& path, const std::string& content);
  /// The ETag the hub gives a file: sha256 for LFS files, the git blob sha1 otherwise.
  static std::string etag_of(const std::string& path, const std::string& content);

  std::vector<RecordedRequest> requests() const;
  void clear_requests();

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::thread thread_;
  int port_ = 0;
};

/// The files of a golden fixture plus what a hub repo also carries and mlux must not fetch
/// (README.md, .gitattributes, reference.safetensors, consolidated.safetensors, original/...),
/// and a tokenizer (the demo model's). Content by path.
std::map<std::string, std::string> fixture_repo_files(const std::string& golden_name);

/// Reads a whole file.
std::string read_bytes(const std::filesystem::path& path);

}  // namespace mlux::testing

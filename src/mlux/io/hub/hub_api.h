// HubApi: the hub's HTTP endpoints as mlux uses them (../shared/spec/model-formats.md §9.2):
//   GET  {endpoint}/api/models/{repo}/revision/{rev}   → commit "sha" and "siblings" (file list)
//   HEAD {endpoint}/{repo}/resolve/{rev}/{file}        → X-Repo-Commit, ETag, size, Location
// and what their error statuses mean for a user (gated, private, missing, rate-limited).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlux/io/hub/environment.h"
#include "mlux/io/hub/http_client.h"
#include "mlux/io/hub/model_ref.h"

namespace mlux::io::hub {

struct RepoListing {
  std::string commit;               // the revision's 40-hex commit
  std::vector<std::string> files;   // every file path in the repo at that commit
};

/// What HEAD on a resolve URL tells about one file (huggingface_hub's HfFileMetadata).
struct FileMetadata {
  bool exists = true;                  // false: the hub says the file is not in the repo
  std::string commit;                  // X-Repo-Commit (also sent with "not found")
  std::string etag;                    // X-Linked-Etag, else ETag; without W/ and quotes
  std::optional<std::uint64_t> size;   // X-Linked-Size, else Content-Length
  std::string download_url;            // the CDN Location when redirected, else the resolve URL
};

class HubApi {
 public:
  HubApi(const HubEnvironment& env, HttpClient& http) : env_(env), http_(http) {}

  const HubEnvironment& env() const { return env_; }
  std::string resolve_url(const ModelRef& ref, const std::string& file) const;

  /// The repo's files at ref.revision; nullopt when the endpoint has no listing API (a plain
  /// file mirror). Throws Error for a missing repo or revision, refused access, server errors.
  std::optional<RepoListing> list_files(const ModelRef& ref);
  /// HEAD on the file's resolve URL; exists=false when the hub says the file is absent.
  /// Throws Error for every other failure.
  FileMetadata file_metadata(const ModelRef& ref, const std::string& file);
  /// Headers and timeout for a request to `url`: the token goes only to the endpoint itself,
  /// never to a CDN it redirects to.
  RequestOptions request_options(const std::string& url, std::chrono::seconds timeout) const;

 private:
  const HubEnvironment& env_;
  HttpClient& http_;
};

/// Throws the Error a failed hub response means: 401/403 → gated or private (accept the licence,
/// set HF_TOKEN), 404 → no such model, revision or file, 429 → rate limit, 5xx → server trouble.
/// `file` is "" for repo-level requests.
[[noreturn]] void throw_for_status(const HttpResponse& r, const HubEnvironment& env, const ModelRef& ref,
                                   const std::string& file);

/// huggingface_hub's _normalize_etag: drops a leading "W/" and the surrounding quotes.
std::string normalize_etag(std::string etag);

}  // namespace mlux::io::hub

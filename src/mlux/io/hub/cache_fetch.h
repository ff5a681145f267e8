// Putting one file of a repo into the cache the way huggingface_hub does: under a per-blob lock,
// download to blobs/<etag>.incomplete (resuming what an earlier run, of mlux or of Python, left
// there), check size and checksum, rename to blobs/<etag>, then link snapshots/<commit>/<file>.
// Each step is atomic, so an interrupted pull leaves at most an .incomplete file, which the next
// pull resumes; no reader ever sees a partial blob or a link to nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "mlux/io/hub/download_event.h"
#include "mlux/io/hub/hub_api.h"
#include "mlux/io/hub/repo_cache.h"

namespace mlux::io::hub {

struct FetchOptions {
  int max_retries = 5;                          // resumed attempts after a broken connection
  std::chrono::milliseconds retry_delay{1000};  // before the first retry; doubles each time
  ProgressCallback progress;
};

/// Makes snapshots/<meta.commit>/<file> a link to the file `meta` describes, downloading it unless
/// the blob is already cached. Returns the bytes transferred. Throws Error for HTTP failures,
/// disk errors and checksum mismatches, NetworkError when retries are exhausted.
std::uint64_t fetch_into_cache(HubApi& api, HttpClient& http, const RepoCache& cache, const std::string& file,
                               const FileMetadata& meta, const FetchOptions& opt);

}  // namespace mlux::io::hub

// DownloadEvent: what a pull reports while it works, for a terminal progress bar (cli/) or the
// server's progress stream. Byte events are throttled by the downloader (about ten a second per
// file, plus the last), so a callback may do real work.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace mlux::io::hub {

enum class DownloadEventKind {
  file_started,      // a transfer begins (bytes_done = bytes already on disk from an earlier try)
  file_progress,     // bytes arrived
  file_finished,     // the file is verified and in the cache
  file_cached,       // the file was already in the cache; nothing fetched
  waiting_for_lock,  // another process is downloading this file; waiting for it
  retrying,          // the connection broke; message says why, the transfer resumes
  using_cache,       // the hub is unreachable; message says why, the cached snapshot is used
};

struct DownloadEvent {
  DownloadEventKind kind;
  std::string repo_id;
  std::string file;                // "" for repo-level events (using_cache)
  std::uint64_t bytes_done = 0;    // of this file, counting bytes resumed from disk
  std::uint64_t bytes_total = 0;   // 0 when the server did not say
  std::string message;
};

using ProgressCallback = std::function<void(const DownloadEvent&)>;

}  // namespace mlux::io::hub

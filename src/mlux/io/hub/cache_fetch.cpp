#include "mlux/io/hub/cache_fetch.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "mlux/error.h"
#include "mlux/io/hub/content_digest.h"
#include "mlux/io/hub/file_lock.h"

namespace mlux::io::hub {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProgressInterval = std::chrono::milliseconds(100);

// One file being written: an open descriptor on the .incomplete file and the byte count.
class PartialFile {
 public:
  explicit PartialFile(fs::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) fail_disk("open");
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) fail_disk("seek in");
    size_ = std::uint64_t(end);
  }
  ~PartialFile() { ::close(fd_); }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  std::uint64_t size() const { return size_; }
  void truncate() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) fail_disk("truncate");
    size_ = 0;
  }
  void append(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail_disk("write to");
      bytes.remove_prefix(std::size_t(n));
      size_ += std::uint64_t(n);
    }
  }
  void sync() {
    if (::fsync(fd_) != 0) fail_disk("flush");
  }

 private:
  [[noreturn]] void fail_disk(const char* what) const {
    fail("download: cannot ", what, " '", path_.string(), "' (", std::strerror(errno),
         "). Free some disk space or point HF_HUB_CACHE at a larger disk; the next pull resumes from what is there.");
  }
  fs::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

struct Transfer {
  HubApi& api;
  HttpClient& http;
  const RepoCache& cache;
  const std::string& file;
  const FileMetadata& meta;
  const FetchOptions& opt;

  void emit(DownloadEventKind kind, std::uint64_t done, std::string message = "") const {
    if (opt.progress) opt.progress({kind, cache.repo_id(), file, done, meta.size.value_or(0), std::move(message)});
  }
  std::uint64_t run_once(PartialFile& out) const;
  std::uint64_t run_with_retries(PartialFile& out) const;
  void verify(const fs::path& path) const;
};

// "bytes 100-199/200" → 100
std::optional<std::uint64_t> range_start(const std::string& content_range) {
  const auto space = content_range.find(' ');
  if (space == std::string::npos) return std::nullopt;
  try {
    return std::stoull(content_range.substr(space + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::uint64_t Transfer::run_once(PartialFile& out) const {
  if (meta.size && out.size() > *meta.size) out.truncate();  // longer than the file: not ours
  if (meta.size && out.size() == *meta.size) return 0;       // an earlier run got every byte
  const std::uint64_t from = out.size();
  std::uint64_t received = 0;
  auto last_event = Clock::now();
  BodyReceiver to;
  to.on_start = [&](const HttpResponse& head) {
    const bool resumed = head.status == 206 && range_start(head.header("content-range")) == from;
    if (!resumed) out.truncate();  // the server sent the whole file (it ignored the Range)
    emit(DownloadEventKind::file_started, out.size());
  };
  to.on_data = [&](std::string_view chunk) {
    out.append(chunk);
    received += chunk.size();
    if (Clock::now() - last_event >= kProgressInterval) {
      last_event = Clock::now();
      emit(DownloadEventKind::file_progress, out.size());
    }
    return true;
  };
  const HttpResponse r = http.download(meta.download_url, api.request_options(meta.download_url, api.env().download_timeout), from, to);
  if (r.status == 416) {  // the range is past the end: the partial file is not a prefix of this one
    out.truncate();
    throw NetworkError(NetworkFailure::interrupted, "the server refused to resume; starting the file again");
  }
  if (r.status != 200 && r.status != 206) {
    if (url_origin(r.url) != url_origin(api.env().endpoint))  // a CDN link, e.g. one that expired
      fail("download: ", url_origin(r.url), " answered HTTP ", r.status, " for '", file, "' of '", cache.repo_id(),
           "'. Run the command again: it asks the hub for a fresh link and resumes.");
    throw_for_status(r, api.env(), ModelRef{cache.repo_id(), meta.commit}, file);
  }
  emit(DownloadEventKind::file_progress, out.size());
  if (meta.size && out.size() < *meta.size)
    throw NetworkError(NetworkFailure::interrupted, str("the server sent ", out.size(), " of ", *meta.size, " bytes"));
  return received;
}

std::uint64_t Transfer::run_with_retries(PartialFile& out) const {
  std::uint64_t received = 0;
  auto delay = opt.retry_delay;
  for (int attempt = 0;; ++attempt) {
    const std::uint64_t before = out.size();
    try {
      received += run_once(out);
      return received;
    } catch (const NetworkError& e) {
      received += out.size() > before ? out.size() - before : 0;
      if (attempt >= opt.max_retries || e.failure() == NetworkFailure::other)
        fail("download: '", file, "' of '", cache.repo_id(), "' stopped after ", attempt + 1, " attempt(s): ", e.what(),
             ". ", out.size(), " bytes are kept in the cache; run the same command again to resume.");
      emit(DownloadEventKind::retrying, out.size(), e.what());
      std::this_thread::sleep_for(delay);
      delay *= 2;
    }
  }
}

void Transfer::verify(const fs::path& path) const {
  const std::uint64_t size = fs::file_size(path);
  const DigestKind kind = digest_kind_of_etag(meta.etag);
  std::string actual;
  if (kind != DigestKind::none) {
    ContentDigest digest(kind, size);
    std::ifstream in(path, std::ios::binary);
    std::vector<char> buf(1 << 20);
    while (in.read(buf.data(), std::streamsize(buf.size())) || in.gcount() > 0)
      digest.update(std::string_view(buf.data(), std::size_t(in.gcount())));
    actual = digest.hex();
  }
  if ((meta.size && size != *meta.size) || actual != (kind == DigestKind::none ? "" : meta.etag)) {
    std::error_code ec;
    fs::remove(path, ec);  // a wrong file cannot be resumed into a right one
    fail("download: '", file, "' of '", cache.repo_id(), "' is corrupt: ",
         meta.size && size != *meta.size ? str(size, " bytes instead of ", *meta.size)
                                         : str(kind == DigestKind::sha256 ? "sha256 " : "git blob sha1 ", actual,
                                               " instead of ", meta.etag),
         ". The partial file was deleted; run the command again. If it happens again, a proxy may be altering downloads.");
  }
}

}  // namespace

std::uint64_t fetch_into_cache(HubApi& api, HttpClient& http, const RepoCache& cache, const std::string& file,
                               const FileMetadata& meta, const FetchOptions& opt) {
  const Transfer t{api, http, cache, file, meta, opt};
  if (cache.has_snapshot_file(meta.commit, file)) {
    t.emit(DownloadEventKind::file_cached, meta.size.value_or(0));
    return 0;
  }
  const fs::path blob = cache.blob_path(meta.etag);
  std::uint64_t received = 0;
  bool downloaded = false;
  std::error_code ec;
  if (!fs::is_regular_file(blob, ec)) {
    create_directories_or_fail(blob.parent_path());
    FileLock lock(cache.lock_path(meta.etag), [&] { t.emit(DownloadEventKind::waiting_for_lock, 0); });
    if (!fs::is_regular_file(blob, ec)) {  // another process may have finished it while we waited
      const fs::path partial = cache.incomplete_path(meta.etag);
      {
        PartialFile out(partial);
        received = t.run_with_retries(out);
        out.sync();
      }
      t.verify(partial);
      fs::rename(partial, blob, ec);
      if (ec) fail("download: cannot move '", partial.string(), "' to '", blob.string(), "' (", ec.message(), ").");
      downloaded = true;
    }
  }
  cache.link_snapshot_file(meta.commit, file, meta.etag);
  t.emit(downloaded ? DownloadEventKind::file_finished : DownloadEventKind::file_cached, meta.size.value_or(0));
  return received;
}

}  // namespace mlux::io::hub

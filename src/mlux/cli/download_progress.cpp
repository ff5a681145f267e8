#include "mlux/cli/download_progress.h"

#include <chrono>
#include <memory>
#include <string>
#include <unistd.h>

#include "mlux/cli/cli_util.h"
#include "mlux/io/hub/resolve.h"

namespace mlux::cli {
namespace {

using Clock = std::chrono::steady_clock;
using io::hub::DownloadEvent;
using io::hub::DownloadEventKind;

constexpr int kBarWidth = 24;

std::string format_duration(double seconds) {
  const long s = long(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

class Renderer {
 public:
  explicit Renderer(std::FILE* out) : out_(out), tty_(::isatty(::fileno(out)) == 1) {}

  void operator()(const DownloadEvent& e) {
    switch (e.kind) {
      case DownloadEventKind::file_started:
        started_ = Clock::now();
        resumed_ = e.bytes_done;
        draw(e);
        break;
      case DownloadEventKind::file_progress: draw(e); break;
      case DownloadEventKind::file_finished: finish(e); break;
      case DownloadEventKind::file_cached: break;  // nothing to show for a file already there
      case DownloadEventKind::waiting_for_lock:
        line(e.file + ": another process is downloading it; waiting");
        break;
      case DownloadEventKind::retrying: line(e.file + ": " + e.message + "; resuming"); break;
      case DownloadEventKind::using_cache:
        line("note: the hub is unreachable (" + e.message + "); using the cached copy of " + e.repo_id);
        break;
    }
  }

 private:
  std::string status(const DownloadEvent& e) const {
    const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    const double rate = elapsed > 0.2 ? double(e.bytes_done - resumed_) / elapsed : 0.0;
    std::string s = format_bytes(e.bytes_done);
    if (e.bytes_total) s += " / " + format_bytes(e.bytes_total);
    if (rate > 0) s += "  " + format_bytes(std::uint64_t(rate)) + "/s";
    if (rate > 0 && e.bytes_total > e.bytes_done) s += "  ETA " + format_duration(double(e.bytes_total - e.bytes_done) / rate);
    return s;
  }

  void draw(const DownloadEvent& e) {
    if (!tty_) return;
    std::string bar;
    int percent = 0;
    if (e.bytes_total) {
      percent = int(100.0 * double(e.bytes_done) / double(e.bytes_total));
      const int filled = kBarWidth * percent / 100;
      bar.append(1, '[').append(std::size_t(filled), '#').append(std::size_t(kBarWidth - filled), '.').append("] ");
    }
    std::fprintf(out_, "\r\033[K%-28s %s%3d%%  %s", e.file.c_str(), bar.c_str(), percent, status(e).c_str());
    std::fflush(out_);
    open_line_ = true;
  }

  void finish(const DownloadEvent& e) {
    if (tty_) {
      draw(e);
      std::fputc('\n', out_);
      open_line_ = false;
    } else {
      std::fprintf(out_, "%s  %s\n", e.file.c_str(), status(e).c_str());
    }
    std::fflush(out_);
  }

  void line(const std::string& text) {
    std::fprintf(out_, "%s%s\n", open_line_ ? "\n" : "", text.c_str());
    std::fflush(out_);
    open_line_ = false;
  }

  std::FILE* out_;
  bool tty_;
  bool open_line_ = false;
  Clock::time_point started_ = Clock::now();
  std::uint64_t resumed_ = 0;
};

}  // namespace

io::hub::ProgressCallback download_progress(std::FILE* out) {
  auto renderer = std::make_shared<Renderer>(out);
  return [renderer](const DownloadEvent& e) { (*renderer)(e); };
}

namespace {
// Every model the binary resolves (--model, HookedModel::from_pretrained) shows its download.
const bool registered = [] {
  io::hub::set_default_progress(download_progress());
  return true;
}();
}  // namespace

}  // namespace mlux::cli

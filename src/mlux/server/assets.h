// The explorers' files (web/), embedded in the binary at build time (CMakeLists.txt generates the
// table), so the server runs from anywhere and never reads the filesystem to answer a request.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mlux::server {

struct EmbeddedFile {
  const char* path;   // relative to web/, e.g. "common.js"
  const char* begin;
  const char* end;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

struct Asset {
  std::string_view path;
  std::string_view bytes;
  std::string_view content_type;
};

/// The embedded file a URL path names: "/" → index.html, "/patching" → patching.html,
/// "/common.js" → common.js. Nullptr for anything else (no directory walking: only exact names
/// from the table match).
const Asset* find_asset(std::string_view url_path);

/// Every embedded file (for tests and the command center's checks).
std::size_t asset_count();

}  // namespace mlux::server

#include "mlux/server/assets.h"

#include <map>

namespace mlux::server {
namespace {

std::string_view content_type_of(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
      {".png", "image/png"},                 {".json", "application/json"},
      {".ico", "image/x-icon"},              {".txt", "text/plain; charset=utf-8"}};
  for (const auto& [ext, type] : kTypes)
    if (path.size() > ext.size() && path.substr(path.size() - ext.size()) == ext) return type;
  return "application/octet-stream";
}

const std::map<std::string, Asset, std::less<>>& table() {
  static const auto assets = [] {
    std::map<std::string, Asset, std::less<>> m;
    for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
      const auto& f = kEmbeddedFiles[i];
      const std::string_view path(f.path);
      m.emplace(std::string(path), Asset{path, std::string_view(f.begin, std::size_t(f.end - f.begin)), content_type_of(path)});
    }
    return m;
  }();
  return assets;
}

}  // namespace

const Asset* find_asset(std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/') return nullptr;
  std::string name(url_path.substr(1));
  if (name.empty()) name = "index.html";
  const auto& t = table();
  if (auto it = t.find(name); it != t.end()) return &it->second;
  if (auto it = t.find(name + ".html"); it != t.end()) return &it->second;
  return nullptr;
}

std::size_t asset_count() { return table().size(); }

}  // namespace mlux::server

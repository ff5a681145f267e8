#include "mlux/hooks/activation_cache.h"

#include "mlux/error.h"
#include "mlux/io/atomic_file.h"
#include "mlux/io/json.h"
#include "mlux/io/npy.h"
#include "mlux/io/safetensors.h"
#include "mlux/ops/ops.h"

namespace mlux::hooks {

void ActivationCache::put(const std::string& name, Tensor value) {
  if (!tensors_.count(name)) order_.push_back(name);
  tensors_[name] = std::move(value);
}

bool ActivationCache::contains(std::string_view name) const { return tensors_.find(name) != tensors_.end(); }

const Tensor& ActivationCache::at(std::string_view name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) {
    std::string list;
    for (std::size_t i = 0; i < order_.size() && i < 6; ++i) list += (i ? ", '" : "'") + order_[i] + "'";
    if (order_.size() > 6) list += str(" and ", order_.size() - 6, " more");
    fail("activation cache: nothing captured at '", name, "' (", order_.size(), " captured",
         order_.empty() ? "" : ": ", list, "). Capture it by adding it to the hook points of the run.");
  }
  return it->second;
}

Tensor ActivationCache::stack(const std::vector<std::string>& names) const {
  if (names.empty()) fail("activation cache: stack of no tensors");
  std::vector<Tensor> parts;
  for (const auto& n : names) {
    parts.push_back(at(n).unsqueeze(0));
    if (parts.back().shape() != parts.front().shape())
      fail("activation cache: cannot stack '", names.front(), "' ", at(names.front()).shape(), " with '", n, "' ", at(n).shape());
  }
  return ops::concatenate(parts, 0);
}

void ActivationCache::save(const std::filesystem::path& path) const {
  std::vector<std::pair<std::string, Tensor>> ts;
  for (const auto& n : order_) ts.emplace_back(n, tensors_.at(n));
  std::map<std::string, std::string> meta = metadata_;
  meta["format"] = "mlux-activation-cache";
  io::save_safetensors(path, ts, meta);
}

void ActivationCache::save_npy(const std::filesystem::path& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail("activation cache: cannot create '", dir.string(), "': ", ec.message());
  for (const auto& n : order_) io::save_npy(dir / (n + ".npy"), tensors_.at(n));
  io::write_file_atomic(dir / "metadata.json", io::Json(metadata_).dump(2));
}

ActivationCache ActivationCache::load(const std::filesystem::path& path) {
  auto f = io::SafetensorsFile::open(path);
  ActivationCache c;
  for (const auto& e : f->entries()) c.put(e.name, f->tensor(e.name).clone());
  c.metadata_ = f->metadata();
  c.metadata_.erase("format");
  return c;
}

}  // namespace mlux::hooks

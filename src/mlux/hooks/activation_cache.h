// ActivationCache: hook path → captured tensor, in capture order, plus string metadata (model,
// prompt, token ids). Saved as safetensors with the hook paths as tensor names, or as one .npy file
// per path, so numpy/torch read them without mlux.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/tensor/tensor.h"

namespace mlux::hooks {

class ActivationCache {
 public:
  /// Stores (or replaces) the tensor captured at `name`.
  void put(const std::string& name, Tensor value);
  bool contains(std::string_view name) const;
  /// Throws Error listing what was captured if `name` is absent.
  const Tensor& at(std::string_view name) const;
  const Tensor& operator[](std::string_view name) const { return at(name); }
  /// Names in capture order.
  const std::vector<std::string>& names() const { return order_; }
  std::size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }
  /// The named tensors (same shape) stacked on a new leading axis: [N, ...].
  Tensor stack(const std::vector<std::string>& names) const;

  std::map<std::string, std::string>& metadata() { return metadata_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  /// One safetensors file: tensor names are the hook paths, metadata as given.
  void save(const std::filesystem::path& path) const;
  /// One `<name>.npy` per tensor in `dir` (created), plus metadata.json.
  void save_npy(const std::filesystem::path& dir) const;
  static ActivationCache load(const std::filesystem::path& path);

 private:
  std::map<std::string, Tensor, std::less<>> tensors_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace mlux::hooks

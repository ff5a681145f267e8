#include "mlux/nn/kv_cache.h"

#include "mlux/error.h"
#include "mlux/tensor/copy.h"

namespace mlux::nn {
namespace {
constexpr std::int64_t kGrowChunk = 256;  // positions added at a time when the cache is full
}

KVCache::KVCache(std::int64_t batch, std::int64_t layers)
    : batch_(batch), tokens_(std::size_t(batch)), layers_(std::size_t(layers)) {}

void KVCache::advance(const Tensor& ids) {
  if (ids.ndim() != 2 || ids.dim(0) != batch_) fail("kv cache: ids ", ids.shape(), " do not fit a cache for batch ", batch_);
  const std::vector<std::int64_t> v = ids.to_ints();
  const std::int64_t T = ids.dim(1);
  for (std::int64_t b = 0; b < batch_; ++b)
    tokens_[std::size_t(b)].insert(tokens_[std::size_t(b)].end(), v.begin() + b * T, v.begin() + (b + 1) * T);
  length_ += T;
}

Tensor KVCache::tokens() const {
  std::vector<std::int64_t> flat;
  flat.reserve(std::size_t(batch_ * length_));
  for (const auto& row : tokens_) flat.insert(flat.end(), row.begin(), row.end());
  return Tensor::from_data<std::int64_t>(flat, {batch_, length_});
}

void KVCache::clear() {
  for (auto& row : tokens_) row.clear();
  for (auto& l : layers_) l.conv = Tensor();
  length_ = 0;
  rope_length_ = 0;
}

void KVCache::reserve(std::int64_t tokens) { reserved_ = std::max(reserved_, tokens); }

void KVCache::grow(Layer& l, std::int64_t needed, const Tensor& k, const Tensor& v) {
  std::int64_t cap = l.keys.defined() ? l.keys.dim(1) : 0;
  if (needed <= cap) return;
  cap = std::max({needed, reserved_, (needed + kGrowChunk - 1) / kGrowChunk * kGrowChunk});
  Tensor nk = Tensor::empty({batch_, cap, k.dim(2), k.dim(3)});
  Tensor nv = Tensor::empty({batch_, cap, v.dim(2), v.dim(3)});
  if (length_ > 0 && l.keys.defined()) {
    Tensor dk = nk.slice(1, 0, length_), dv = nv.slice(1, 0, length_);
    copy_convert(l.keys.slice(1, 0, length_), dk);
    copy_convert(l.values.slice(1, 0, length_), dv);
  }
  l.keys = std::move(nk);
  l.values = std::move(nv);
}

std::pair<Tensor, Tensor> KVCache::append(std::int64_t layer, const Tensor& k, const Tensor& v) {
  if (layer < 0 || layer >= std::int64_t(layers_.size())) fail("kv cache: layer ", layer, " out of range");
  if (k.ndim() != 4 || k.dim(0) != batch_ || v.ndim() != 4 || v.dim(1) != k.dim(1))
    fail("kv cache: keys ", k.shape(), " / values ", v.shape(), " do not fit a cache for batch ", batch_);
  Layer& l = layers_[std::size_t(layer)];
  if (l.keys.defined() && (l.keys.dim(2) != k.dim(2) || l.keys.dim(3) != k.dim(3)))
    fail("kv cache: layer ", layer, " holds keys ", l.keys.shape(), " but was given ", k.shape());
  const std::int64_t t = k.dim(1), end = length_ + t;
  grow(l, end, k, v);
  Tensor dk = l.keys.slice(1, length_, end), dv = l.values.slice(1, length_, end);
  copy_convert(k, dk);
  copy_convert(v, dv);
  return {l.keys.slice(1, 0, end), l.values.slice(1, 0, end)};
}

void KVCache::truncate(std::int64_t length) {
  if (length < 0 || length > length_) fail("kv cache: cannot truncate ", length_, " positions to ", length);
  for (const auto& l : layers_)
    if (l.conv.defined() && length != length_)
      fail("kv cache: a model with convolution layers cannot rewind its cache; run the prefix again");
  length_ = length;
  for (auto& row : tokens_) row.resize(std::size_t(length));
}

}  // namespace mlux::nn

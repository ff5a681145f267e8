// ContentDigest: the checksum a downloaded file must match, computed while it streams in. The hub's
// ETag names the content: for LFS/Xet files it is the sha256 of the bytes (64 hex digits), for
// small files the git blob id, sha1("blob <size>\0" + bytes) (40 hex digits). Any other ETag can
// only be checked by size.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mlux::io::hub {

enum class DigestKind { none, sha256, git_blob_sha1 };

/// What an ETag tells about the content it names.
DigestKind digest_kind_of_etag(std::string_view etag);

class ContentDigest {
 public:
  /// `size` is needed for git_blob_sha1 (it is hashed first); ignored otherwise.
  ContentDigest(DigestKind kind, std::uint64_t size);
  ~ContentDigest();
  ContentDigest(const ContentDigest&) = delete;
  ContentDigest& operator=(const ContentDigest&) = delete;

  DigestKind kind() const { return kind_; }
  void update(std::string_view bytes);
  /// Lower-case hex of the digest ("" for DigestKind::none). Call once, after the last update.
  std::string hex();

 private:
  struct Context;
  DigestKind kind_;
  std::unique_ptr<Context> ctx_;
};

}  // namespace mlux::io::hub

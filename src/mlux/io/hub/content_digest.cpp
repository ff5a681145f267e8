#include "mlux/io/hub/content_digest.h"

#include <algorithm>

#include <openssl/evp.h>

#include "mlux/error.h"

namespace mlux::io::hub {

struct ContentDigest::Context {
  EVP_MD_CTX* md = nullptr;
  ~Context() { EVP_MD_CTX_free(md); }
};

DigestKind digest_kind_of_etag(std::string_view etag) {
  const bool hex = !etag.empty() && std::all_of(etag.begin(), etag.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (hex && etag.size() == 64) return DigestKind::sha256;
  if (hex && etag.size() == 40) return DigestKind::git_blob_sha1;
  return DigestKind::none;
}

ContentDigest::ContentDigest(DigestKind kind, std::uint64_t size) : kind_(kind) {
  if (kind == DigestKind::none) return;
  ctx_ = std::make_unique<Context>();
  ctx_->md = EVP_MD_CTX_new();
  const EVP_MD* md = kind == DigestKind::sha256 ? EVP_sha256() : EVP_sha1();
  if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, md, nullptr) != 1) fail("download: cannot start a checksum (OpenSSL)");
  if (kind == DigestKind::git_blob_sha1) {
    const std::string header = "blob " + std::to_string(size);
    update(std::string_view(header.c_str(), header.size() + 1));  // the terminating NUL is hashed
  }
}

ContentDigest::~ContentDigest() = default;

void ContentDigest::update(std::string_view bytes) {
  if (ctx_ && !bytes.empty()) EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
}

std::string ContentDigest::hex() {
  if (!ctx_) return "";
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_->md, out, &n);
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (unsigned int i = 0; i < n; ++i) {
    s += digits[out[i] >> 4];
    s += digits[out[i] & 15];
  }
  return s;
}

}  // namespace mlux::io::hub

// HttpClient: the three HTTP requests the hub needs, over libcurl. HEAD for file metadata (following
// only relative redirects, as huggingface_hub does: an absolute Location is the CDN address the
// caller wants to read), GET into memory for the JSON API, and GET streamed to a receiver with an
// optional Range for resumable downloads. Transport failures throw NetworkError; HTTP error
// statuses are returned, not thrown (the hub layer knows what a 401 means for a model).
// One client keeps one connection cache; use it from one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mlux/error.h"

namespace mlux::io::hub {

enum class NetworkFailure {
  unreachable,  // name not resolved, connection refused, no route
  timed_out,    // no progress for the timeout
  interrupted,  // the connection broke mid-response (resumable)
  other,        // TLS and everything else
};

class NetworkError : public Error {
 public:
  NetworkError(NetworkFailure failure, const std::string& message) : Error(message), failure_(failure) {}
  NetworkFailure failure() const { return failure_; }

 private:
  NetworkFailure failure_;
};

struct HttpResponse {
  long status = 0;
  std::string url;                             // the URL that answered, after followed redirects
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // GET into memory, or an error status's body

  /// The header's value, "" when absent (`name` in lower case).
  std::string header(const std::string& name) const;
};

struct RequestOptions {
  std::vector<std::string> headers;    // "name: value"
  std::chrono::seconds timeout{10};    // to connect, and the longest time without a byte
};

/// Where a streamed body goes. Only a 200 or 206 response reaches it: on_start once, with the
/// status and headers (even for an empty body), then on_data per chunk; on_data returning false
/// aborts the transfer. Exceptions thrown by either are rethrown by download().
struct BodyReceiver {
  std::function<void(const HttpResponse& head)> on_start;
  std::function<bool(std::string_view chunk)> on_data;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse head(const std::string& url, const RequestOptions& opt);
  /// Follows redirects; a body over `max_body` bytes aborts with NetworkError(other).
  HttpResponse get(const std::string& url, const RequestOptions& opt, std::size_t max_body = 64u << 20);
  /// Follows redirects; `from` > 0 asks for "Range: bytes=<from>-".
  HttpResponse download(const std::string& url, const RequestOptions& opt, std::uint64_t from, const BodyReceiver& to);

 private:
  void* curl_;  // CURL*, reset before each request, which keeps its connection cache
};

/// Percent-encodes `text` as Python's urllib.parse.quote(text, safe=safe).
std::string url_quote(std::string_view text, std::string_view safe = "/");

/// "https://host:port" of a URL ("" when it has none); used to keep the token on the endpoint.
std::string url_origin(std::string_view url);

}  // namespace mlux::io::hub

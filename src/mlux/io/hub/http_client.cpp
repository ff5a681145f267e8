#include "mlux/io/hub/http_client.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>

#include <curl/curl.h>

namespace mlux::io::hub {
namespace {

constexpr long kMaxRedirects = 10;
constexpr const char* kUserAgent = "mlux/0.1.0";

enum class Mode { head, get, download };

bool is_success(long status) { return status == 200 || status == 206; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_relative_location(std::string_view loc) {
  return loc.find("://") == std::string_view::npos && loc.rfind("//", 0) != 0;
}

std::string resolve_relative(const std::string& base, std::string_view loc) {
  if (!loc.empty() && loc.front() == '/') return url_origin(base) + std::string(loc);
  const auto query = base.find('?');
  const std::string path = base.substr(0, query);
  return path.substr(0, path.rfind('/') + 1) + std::string(loc);
}

NetworkFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_CONNECT:
      return NetworkFailure::unreachable;
    case CURLE_OPERATION_TIMEDOUT:
      return NetworkFailure::timed_out;
    case CURLE_PARTIAL_FILE: case CURLE_RECV_ERROR: case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING:
    case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
      return NetworkFailure::interrupted;
    default:
      return NetworkFailure::other;
  }
}

struct Transfer {
  Transfer(Mode m, std::string u, const RequestOptions& o) : mode(m), url(std::move(u)), opt(&o) {}
  Mode mode;
  std::string url;
  const RequestOptions* opt;
  std::size_t max_body = 64u << 20;
  std::uint64_t from = 0;
  const BodyReceiver* to = nullptr;
  CURL* curl = nullptr;
  HttpResponse response;
  bool started = false;
  bool too_big = false;
  std::exception_ptr error;
  char errbuf[CURL_ERROR_SIZE] = {};

  long current_status() const {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }
  void start_body() {
    if (started) return;
    started = true;
    response.status = current_status();
    if (to->on_start) to->on_start(response);
  }
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line = trim(std::string_view(data, size * n));
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after a redirect or a 100 Continue)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response.headers[lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
  }
  return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view chunk(data, size * n);
  try {
    if (t->mode == Mode::download && is_success(t->current_status())) {
      t->start_body();
      return t->to->on_data(chunk) ? chunk.size() : 0;
    }
    if (t->response.body.size() + chunk.size() > t->max_body) {
      t->too_big = true;
      return 0;
    }
    t->response.body.append(chunk);
    return chunk.size();
  } catch (...) {
    t->error = std::current_exception();
    return 0;
  }
}


HttpResponse perform(CURL* c, Transfer& t) {
  curl_easy_reset(c);
  t.curl = c;
  curl_slist* headers = nullptr;
  for (const auto& h : t.opt->headers) headers = curl_slist_append(headers, h.c_str());
  if (t.mode != Mode::get) headers = curl_slist_append(headers, "Accept-Encoding: identity");
  const std::string range = std::to_string(t.from) + "-";
  curl_easy_setopt(c, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, long(t.opt->timeout.count()));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, long(t.opt->timeout.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, t.mode == Mode::head ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects);
  if (t.mode == Mode::head) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (t.mode == Mode::get) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (t.mode == Mode::download && t.from > 0) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
  const CURLcode code = curl_easy_perform(c);
  curl_slist_free_all(headers);

  if (t.error) std::rethrow_exception(t.error);
  const std::string origin = url_origin(t.url);
  if (t.too_big) throw NetworkError(NetworkFailure::other, str(origin, " sent more than ", t.max_body, " bytes for ", t.url));
  if (code != CURLE_OK) {
    const std::string detail = t.errbuf[0] ? t.errbuf : curl_easy_strerror(code);
    const NetworkFailure failure = classify(code);
    if (failure == NetworkFailure::interrupted) throw NetworkError(failure, str("the connection to ", origin, " broke (", detail, ")"));
    if (failure == NetworkFailure::timed_out)
      throw NetworkError(failure, str(origin, " did not answer within ", t.opt->timeout.count(), " s (", detail, ")"));
    throw NetworkError(failure, str("cannot reach ", origin, " (", detail, ")"));
  }
  t.response.status = t.current_status();
  char* effective = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
  t.response.url = effective ? effective : t.url;
  if (t.mode == Mode::download && is_success(t.response.status)) t.start_body();
  return std::move(t.response);
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

HttpClient::HttpClient() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (!curl_) fail("download: cannot start libcurl");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpClient::head(const std::string& url, const RequestOptions& opt) {
  std::string next = url;
  for (long hop = 0; hop <= kMaxRedirects; ++hop) {
    Transfer t(Mode::head, next, opt);
    HttpResponse r = perform(static_cast<CURL*>(curl_), t);
    const std::string location = r.header("location");
    if (r.status < 300 || r.status >= 400 || location.empty() || !is_relative_location(location)) return r;
    next = resolve_relative(next, location);
  }
  throw NetworkError(NetworkFailure::other, str("more than ", kMaxRedirects, " redirects for ", url));
}

HttpResponse HttpClient::get(const std::string& url, const RequestOptions& opt, std::size_t max_body) {
  Transfer t(Mode::get, url, opt);
  t.max_body = max_body;
  return perform(static_cast<CURL*>(curl_), t);
}

HttpResponse HttpClient::download(const std::string& url, const RequestOptions& opt, std::uint64_t from,
                                  const BodyReceiver& to) {
  Transfer t(Mode::download, url, opt);
  t.max_body = 64u << 10;  // an error page, never the file
  t.from = from;
  t.to = &to;
  return perform(static_cast<CURL*>(curl_), t);
}

std::string url_quote(std::string_view text, std::string_view safe) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || safe.find(char(c)) != std::string_view::npos) {
      out += char(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string url_origin(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const auto end = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, end));
}

}  // namespace mlux::io::hub

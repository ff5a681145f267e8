#include "mlux/server/transport_errors.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "mlux/server/connection.h"
#include "mlux/server/sse.h"

namespace mlux::server {
namespace {

std::string duration_text(std::chrono::milliseconds d) {
  return d.count() % 1000 == 0 ? str(d.count() / 1000, " s") : str(d.count(), " ms");
}

const char* reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    default: return "Error";
  }
}

HttpError body_too_large(const std::string& size, const Limits& limits) {
  return HttpError(413, str("the request body is ", size, "; ", limit_text(size_text(limits.max_body_bytes), "--max-body-kb"),
                            ". Send a smaller request"),
                   {{"limit", "--max-body-kb"}});
}

}  // namespace

std::string size_text(std::size_t bytes) {
  if (bytes < 1024) return str(bytes, " bytes");
  const double kib = double(bytes) / 1024;
  if (kib < 1024) return bytes % 1024 == 0 ? str(bytes / 1024, " KiB") : str(std::round(kib * 10) / 10, " KiB");
  return str(std::round(kib / 1024 * 10) / 10, " MiB");
}

std::optional<HttpError> framing_error(const httplib::Request& req, const Limits& limits) {
  if (req.has_header("Transfer-Encoding"))
    return HttpError(411, "the request body is sent in chunks (Transfer-Encoding), so its size is unknown until it ends; "
                          "send it with a Content-Length header");
  const auto encoding = req.get_header_value("Content-Encoding");
  if (!encoding.empty() && encoding != "identity")
    return HttpError(415, "the request body is compressed (Content-Encoding: " + encoding +
                              "), and a small compressed body can expand far past the body limit. Send plain JSON");
  if (!req.has_header("Content-Length")) return std::nullopt;
  const auto text = req.get_header_value("Content-Length");
  std::size_t length = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec == std::errc::result_out_of_range) return body_too_large("larger than the machine can count", limits);
  if (ec != std::errc() || end != text.data() + text.size())
    return HttpError(400, "the Content-Length header is not a number of bytes ('" + text.substr(0, 40) + "')");
  if (length > limits.max_body_bytes) return body_too_large(size_text(length), limits);
  return std::nullopt;
}

HttpError transport_error(const httplib::Request& req, int status, const Limits& limits) {
  const auto* connection = Connection::current();
  const auto limit = connection ? connection->read_limit() : ReadLimit::none;
  if (limit == ReadLimit::timeout)
    return HttpError(408, str("the request did not arrive in time: its line, headers and body must arrive within ",
                              duration_text(limits.request_timeout), " (--request-timeout-s)"),
                     {{"limit", "--request-timeout-s"}});
  if (limit == ReadLimit::too_large)
    return HttpError(431, str("the request's line and headers are longer than ", size_text(kMaxHeadBytes),
                              ". Send fewer or shorter headers"));
  switch (status) {
    case 404:
      return HttpError(404, "not found: " + req.method + " " + req.path + ". See docs/server-api.md for the endpoints");
    case 413: return body_too_large("too large", limits);
    case 414: return HttpError(414, "the request line is longer than 8 KiB; shorten the URL");
    case 416: return HttpError(416, "the Range header asks for bytes this answer does not have");
    case 400:
      if (req.method.empty())
        return HttpError(400, "malformed request: the request line or a header is not HTTP/1.1 "
                              "('METHOD /path HTTP/1.1', then 'Name: value' lines, then an empty line)");
      if (req.has_header("Content-Length") && req.body.size() < std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10))
        return HttpError(400, "malformed request: the body ended before the length its Content-Length header announced");
      return HttpError(400, "malformed request: a header line is not 'Name: value', or is longer than 8 KiB");
    default: return HttpError(status, str("HTTP ", status));
  }
}

HttpError too_many_connections(const Limits& limits) {
  return HttpError(429, str("too many connections: the server serves ", limits.max_connections,
                            " at once (--max-connections) and all are taken (event streams, requests waiting for the "
                            "model, slow or idle clients). Retry in a moment"),
                   {{"limit", "--max-connections"}});
}

std::string raw_answer(const HttpError& error) {
  const std::string body = dump_json(error.body());
  return str("HTTP/1.1 ", error.status(), " ", reason(error.status()), "\r\nContent-Type: application/json\r\nContent-Length: ",
             body.size(), "\r\nConnection: close\r\n", error.status() == 429 ? "Retry-After: 1\r\n" : "", "\r\n", body);
}

}  // namespace mlux::server

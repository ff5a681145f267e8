// The errors of HTTP itself, as JSON like every other error: requests refused on their headers
// before the body is read (411 chunked, 415 compressed, 413 too large), statuses httplib chose while
// reading a request (400 malformed, 408 too slow, 414 and 431 too long, 404), and whole raw answers
// for connections httplib never parsed (429 turned away, 408 before a request line arrived). Each
// limit's error names the `mlux serve` flag that raises it.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

#include "mlux/server/http_error.h"
#include "mlux/server/server.h"

namespace mlux::server {

/// Most bytes of one request's line and headers (431 past it).
inline constexpr std::size_t kMaxHeadBytes = 64 * 1024;

/// Why the server will not read `req`'s body: chunked (its size is unknown until it ends),
/// compressed (it could expand far past the limit) or declared larger than the limit. nullopt: fine.
std::optional<HttpError> framing_error(const httplib::Request& req, const Limits& limits);

/// The error for `status`, which httplib set while reading `req` (the request's own problems come
/// from route handlers as HttpError). A read that hit the request deadline or the byte budget of
/// the connection (connection.h) becomes 408 or 431.
HttpError transport_error(const httplib::Request& req, int status, const Limits& limits);

/// A whole HTTP/1.1 answer with a JSON body that closes the connection, for the few cases answered
/// without httplib: a connection turned away (429), a request line that never came whole (408).
std::string raw_answer(const HttpError& error);
HttpError too_many_connections(const Limits& limits);

/// "256 KiB", "1.5 MiB", "300 bytes".
std::string size_text(std::size_t bytes);

}  // namespace mlux::server

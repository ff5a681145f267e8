// The pages and their scripts and styles, from the embedded assets only (assets.h). Unknown
// paths are 404; nothing is read from disk.
#include <httplib.h>

#include "mlux/server/assets.h"
#include "mlux/server/handlers.h"
#include "mlux/server/routes.h"

namespace mlux::server {

void add_asset_routes(httplib::Server& http) {
  http.Get(R"(/[A-Za-z0-9_.\-]*)", [](const httplib::Request& req, httplib::Response& res) {
    const Asset* a = find_asset(req.path);
    if (!a) {
      send_json(res, {{"error", "not found: " + req.path + ". The pages are /, /logit-lens, /patching, /steering, /ablation, "
                                "/base and /attention"}}, 404);
      return;
    }
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-cache");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; object-src 'none'; frame-ancestors 'none'");
    res.set_content(std::string(a->bytes), std::string(a->content_type));
  });
}

}  // namespace mlux::server

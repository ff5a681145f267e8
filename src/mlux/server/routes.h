// What route files share: the server's state (Context) and one registration function per file.
// A new explorer adds routes_<name>.cpp with add_<name>_routes and one line in server.cpp.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "mlux/interp/steering.h"
#include "mlux/server/model_manager.h"
#include "mlux/server/model_worker.h"
#include "mlux/server/server.h"

namespace httplib {
class Server;
}

namespace mlux::server {

/// The steering vector the steering page computed last, for the model it was computed on.
struct SteeringSlot {
  std::mutex mu;
  std::optional<interp::SteeringVector> vector;
  std::string model_id;
};

struct Context {
  ModelManager& models;
  const Limits& limits;
  SteeringSlot steering;
  ModelWorker worker;  // runs every model job (model_worker.h says why)
};

void add_model_routes(httplib::Server& http, Context& ctx);     // health, model list and loading, tokenize, chat template
void add_lens_routes(httplib::Server& http, Context& ctx);      // logit lens, attention patterns, head scores
void add_patching_routes(httplib::Server& http, Context& ctx);
void add_steering_routes(httplib::Server& http, Context& ctx);
void add_ablation_routes(httplib::Server& http, Context& ctx);
void add_generate_routes(httplib::Server& http, Context& ctx);  // base-model generation
void add_asset_routes(httplib::Server& http);                   // pages, scripts, styles

}  // namespace mlux::server

// How the toolkit's results look in JSON, shared by every route so a token or a prediction has
// the same fields everywhere (docs/server-api.md, "Shared shapes").
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "mlux/interp/patching.h"
#include "mlux/interp/token_display.h"
#include "mlux/server/model_manager.h"

namespace mlux::server {

/// {index, id, text, display}
nlohmann::json token_json(const interp::TokenInfo& t);
nlohmann::json tokens_json(const std::vector<interp::TokenInfo>& tokens);
/// {id, token, display, prob, logit}
nlohmann::json prediction_json(const interp::Prediction& p);
nlohmann::json predictions_json(const std::vector<interp::Prediction>& ps);
/// {top, token_probs, logit_diff, kl, effect}
nlohmann::json outcome_json(const interp::PatchOutcome& o);
/// The model's facts for the pages: id, name, layers, heads, chat template, ...
nlohmann::json model_json(const LoadedModel& m);

}  // namespace mlux::server

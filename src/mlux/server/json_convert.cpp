#include "mlux/server/json_convert.h"

namespace mlux::server {

nlohmann::json token_json(const interp::TokenInfo& t) {
  return {{"index", t.index}, {"id", t.id}, {"text", t.text}, {"display", t.display}};
}

nlohmann::json tokens_json(const std::vector<interp::TokenInfo>& tokens) {
  auto out = nlohmann::json::array();
  for (const auto& t : tokens) out.push_back(token_json(t));
  return out;
}

nlohmann::json prediction_json(const interp::Prediction& p) {
  return {{"id", p.id}, {"token", p.token}, {"display", interp::display_text(p.token)}, {"prob", p.prob}, {"logit", p.logit}};
}

nlohmann::json predictions_json(const std::vector<interp::Prediction>& ps) {
  auto out = nlohmann::json::array();
  for (const auto& p : ps) out.push_back(prediction_json(p));
  return out;
}

nlohmann::json outcome_json(const interp::PatchOutcome& o) {
  return {{"top", predictions_json(o.top)}, {"token_probs", o.token_probs}, {"logit_diff", o.logit_diff},
          {"kl", o.kl}, {"effect", o.effect}};
}

nlohmann::json model_json(const LoadedModel& m) {
  const auto c = m.model->config();
  return {{"id", m.id},
          {"name", display_name(m.id)},
          {"describe", m.model->describe()},
          {"dir", m.model->model().dir().string()},
          {"n_layers", c.n_layers},
          {"n_heads", c.n_heads},
          {"n_kv_heads", c.n_kv_heads},
          {"d_head", c.d_head},
          {"d_model", c.d_model},
          {"d_vocab", c.d_vocab},
          {"attention_layers", c.attention_layers},
          {"layer_types", c.layer_types},
          {"steering_layer", 2 * c.n_layers / 3},
          {"chat_template", m.chat.has_value()},
          {"chat_template_error", m.chat_error}};
}

}  // namespace mlux::server

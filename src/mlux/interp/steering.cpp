#include "mlux/interp/steering.h"

#include <algorithm>
#include <cmath>

#include "mlux/error.h"
#include "mlux/io/json.h"
#include "mlux/io/safetensors.h"
#include "mlux/ops/ops.h"

namespace mlux::interp {
namespace {

std::string block_path(const hooks::HookedModel& m, int layer) {
  const auto& layers = m.model().text_model().body().layers();
  if (layer < 0 || layer >= int(layers.size()))
    fail("steering: layer ", layer, " is out of range (the model has ", layers.size(), " layers)");
  return layers[std::size_t(layer)]->path();
}

// The layer's output for one prompt, reduced to [d_model] by the method.
Tensor reduced(const hooks::HookedModel& m, const std::string& prompt, const std::string& path, SteeringMethod method) {
  auto [logits, cache] = m.run_with_cache(prompt, {path});
  const Tensor h = cache[path].select(0, 0);  // [T, D]
  return method == SteeringMethod::last_token ? h.select(0, -1).contiguous() : ops::mean(h, 0);
}

// Adds alpha_b × v at rows b and absolute positions in [first, last].
Tensor steered(const Tensor& value, const Tensor& positions, const Tensor& v, const std::vector<float>& alphas, int first, int last) {
  Tensor out = value.clone();
  const std::int64_t B = value.dim(0), T = value.dim(1), D = value.dim(2);
  const auto pos = positions.to_ints();
  const float* vp = v.data<float>();
  float* op = out.data<float>();
  for (std::int64_t b = 0; b < B; ++b) {
    const float alpha = alphas[alphas.size() == 1 ? 0 : std::size_t(b)];
    for (std::int64_t t = 0; t < T; ++t) {
      const std::int64_t p = pos[std::size_t(b * T + t)];
      if (p < first || (last >= 0 && p > last)) continue;
      for (std::int64_t d = 0; d < D; ++d) op[(b * T + t) * D + d] += alpha * vp[d];
    }
  }
  return out;
}

void add_rows(hooks::HookSet& hooks, const hooks::HookedModel& m, const SteeringVector& v, const SteerOptions& o,
              std::vector<float> alphas) {
  const std::vector<int> layers = o.layers.empty() ? std::vector<int>{v.layer} : o.layers;
  if (v.vector.dim(0) != m.config().d_model)
    fail("steering: the vector has ", v.vector.dim(0), " entries but the model's d_model is ", m.config().d_model,
         " (a vector from another model?)");
  const Tensor vec = v.vector.contiguous();
  for (int layer : layers)
    hooks.add(block_path(m, layer), [vec, alphas, o](const Tensor& value, const hooks::HookContext& ctx) {
      if (alphas.size() > 1 && std::size_t(value.dim(0)) != alphas.size())
        fail("steering: ", alphas.size(), " alphas for a batch of ", value.dim(0));
      return std::optional<Tensor>(steered(value, ctx.positions, vec, alphas, o.first_position, o.last_position));
    });
}

const char* method_name(SteeringMethod m) { return m == SteeringMethod::last_token ? "last_token" : "mean_tokens"; }

}  // namespace

float SteeringVector::norm() const {
  double s = 0;
  for (float x : vector.to_floats()) s += double(x) * x;  // in f32/f64, never in 16-bit (the original overflowed)
  return float(std::sqrt(s));
}

void SteeringVector::save(const std::filesystem::path& path) const {
  io::Json prompts = io::Json::array();
  for (const auto& [p, n] : pairs) prompts.push_back({{"positive", p}, {"negative", n}});
  io::save_safetensors(path, {{"steering_vector", vector}},
                       {{"format", "mlux-steering-vector"}, {"model", model}, {"layer", std::to_string(layer)},
                        {"hook", hook}, {"method", method_name(method)}, {"prompts", prompts.dump()},
                        {"norm", std::to_string(norm())}});
}

SteeringVector SteeringVector::load(const std::filesystem::path& path) {
  auto f = io::SafetensorsFile::open(path);
  const auto& meta = f->metadata();
  if (!f->find("steering_vector") || !meta.count("layer"))
    fail("steering: '", path.string(), "' is not a steering vector file (no 'steering_vector' tensor or 'layer' metadata)");
  SteeringVector v;
  v.vector = f->tensor("steering_vector").to(DType::f32);
  const std::string& layer = meta.at("layer");
  if (layer.empty() || layer.size() > 6 || layer.find_first_not_of("0123456789") != std::string::npos)
    fail("steering: '", path.string(), "' has layer metadata '", layer, "', not a layer number");
  v.layer = std::stoi(layer);
  v.hook = meta.count("hook") ? meta.at("hook") : "";
  v.method = meta.count("method") && meta.at("method") == "mean_tokens" ? SteeringMethod::mean_tokens : SteeringMethod::last_token;
  v.model = meta.count("model") ? meta.at("model") : "";
  if (meta.count("prompts")) {
    const io::Json prompts = io::parse_json(meta.at("prompts"), path.string());
    if (!prompts.is_array()) fail("steering: '", path.string(), "' has 'prompts' metadata that is not a list of pairs");
    for (const auto& p : prompts) {
      if (!p.is_object()) fail("steering: '", path.string(), "' has a 'prompts' entry that is not a {positive, negative} pair");
      v.pairs.emplace_back(io::get_string(p, "positive", path.string()).value_or(""),
                           io::get_string(p, "negative", path.string()).value_or(""));
    }
  }
  return v;
}

SteeringVector compute_steering_vector(const hooks::HookedModel& m, const std::vector<std::pair<std::string, std::string>>& pairs,
                                       int layer, const ContrastOptions& o) {
  if (pairs.empty()) fail("steering: give at least one (positive, negative) prompt pair");
  const std::string path = block_path(m, layer);
  Tensor sum;
  for (const auto& [pos, neg] : pairs) {
    if (pos.empty() || neg.empty()) fail("steering: a contrast prompt is empty");
    const Tensor d = ops::subtract(reduced(m, pos, path, o.method), reduced(m, neg, path, o.method));
    sum = sum.defined() ? ops::add(sum, d) : d;
  }
  SteeringVector v;
  v.vector = ops::multiply(sum, 1.0f / float(pairs.size()));
  v.layer = layer;
  v.hook = path;
  v.method = o.method;
  v.pairs = pairs;
  v.model = m.model().dir().string();
  return v;
}

void add_steering(hooks::HookSet& hooks, const hooks::HookedModel& m, const SteeringVector& v, const SteerOptions& o) {
  add_rows(hooks, m, v, o, {o.alpha});
}

float suggest_alpha(const SteeringVector& v, const std::string& strength) {
  const float base = std::clamp(50.0f / std::max(v.norm(), 1.0f), 0.1f, 2.0f);
  const float mult = strength == "subtle" ? 0.5f : strength == "strong" ? 1.5f : 1.0f;
  return base * mult;
}

std::vector<std::string> compare_alphas(const hooks::HookedModel& m, const hooks::ModelInput& prompt, const SteeringVector& v,
                                        const std::vector<float>& alphas, const generate::GenerateOptions& options,
                                        const SteerOptions& where) {
  if (alphas.empty()) fail("steering: no alphas to compare");
  const hooks::TokenBatch one = m.prepare(prompt);
  if (one.batch() != 1) fail("steering: compare one prompt at several alphas");
  const hooks::TokenBatch batch = hooks::TokenBatch::from_rows(std::vector<std::vector<std::int32_t>>(alphas.size(), one.rows[0]), 0);
  auto set = m.hook_set();
  add_rows(set, m, v, where, alphas);
  generate::GenerateOptions opt = options;
  opt.hooks = &set;
  opt.independent_rows = false;  // the rows differ by alpha alone
  return generate::generate(m, batch, opt).texts;
}

}  // namespace mlux::interp

// `mlux forward [--model DIR|ID] --ids 5,17,42 [--out FILE.safetensors] [--json]`: one forward pass on
// token ids. Prints the top-5 next tokens at the last position; --out writes `logits` [1, T, V]
// and hidden_0..hidden_N in transformers' output_hidden_states convention.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mlux/cli/cli_util.h"
#include "mlux/cli/command.h"
#include "mlux/cli/model_option.h"
#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "mlux/ops/ops.h"

namespace mlux::cli {
namespace {

struct Args {
  std::string model, ids, out;
  bool json = false;
  int top = 5;
};

int run(const Args& a) {
  auto model = models::CausalLM::load(resolve_model_arg(a.model));
  const auto ids = parse_ids(a.ids);
  const Tensor input = Tensor::from_data<std::int64_t>(ids, {1, std::int64_t(ids.size())});
  const auto out = model->forward(input, {.hidden_states = !a.out.empty()});
  const Tensor last = out.logits.select(0, 0).select(0, -1);  // [V]
  const Tensor probs = ops::softmax(last, -1);
  const auto lv = last.to_floats(), pv = probs.to_floats();
  std::vector<std::int64_t> order(lv.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = std::int64_t(i);
  const std::size_t k = std::min<std::size_t>(std::size_t(a.top), order.size());
  std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(k), order.end(),
                    [&](auto x, auto y) { return lv[std::size_t(x)] > lv[std::size_t(y)]; });

  if (!a.out.empty()) {
    std::vector<std::pair<std::string, Tensor>> tensors{{"logits", out.logits}};
    for (std::size_t i = 0; i < out.hidden_states.size(); ++i)
      tensors.emplace_back("hidden_" + std::to_string(i), out.hidden_states[i]);
    io::save_safetensors(a.out, tensors, {{"format", "mlux"}, {"model", a.model}, {"ids", a.ids}});
  }
  if (a.json) {
    nlohmann::json j = {{"model", model->describe()}, {"tokens", ids.size()}, {"top", nlohmann::json::array()}};
    for (std::size_t r = 0; r < k; ++r) {
      const auto id = std::size_t(order[r]);
      j["top"].push_back({{"id", id}, {"logit", lv[id]}, {"prob", pv[id]}});
    }
    if (!a.out.empty()) j["out"] = a.out;
    std::puts(j.dump().c_str());
    return 0;
  }
  std::printf("%s, %zu tokens\n", model->describe().c_str(), ids.size());
  std::printf("top-%zu next tokens after position %zu:\n  %-5s %-8s %-10s %s\n", k, ids.size() - 1, "rank", "id", "logit", "prob");
  for (std::size_t r = 0; r < k; ++r) {
    const auto id = std::size_t(order[r]);
    std::printf("  %-5zu %-8zu %-10.4f %.4f\n", r + 1, id, lv[id], pv[id]);
  }
  if (!a.out.empty()) std::printf("wrote logits and %zu hidden states to %s\n", out.hidden_states.size(), a.out.c_str());
  return 0;
}

CommandRegistrar reg("forward", "Run one forward pass on token ids and show the next-token distribution", [](CLI::App& app) {
  auto a = std::make_shared<Args>();
  add_model_option(app, a->model);
  app.add_option("--ids", a->ids, "Token ids, comma-separated (e.g. 5,17,42)")->required();
  app.add_option("--out", a->out, "Write logits and hidden states to this .safetensors file");
  app.add_option("--top", a->top, "How many next tokens to show")->check(CLI::Range(1, 1000));
  app.add_flag("--json", a->json, "Print JSON instead of a table");
  return [a] { return run(*a); };
});

}  // namespace
}  // namespace mlux::cli

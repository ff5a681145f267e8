#include "mlux/generate/generator.h"

#include <algorithm>
#include <limits>
#include <memory>

#include "mlux/error.h"
#include "mlux/tokenizer/streaming_detokenizer.h"

namespace mlux::generate {
namespace {

// Per-row state of a generation.
struct Row {
  std::vector<std::int32_t> history;  // prompt and generated ids (repetition penalty)
  std::vector<std::int32_t> generated;
  std::string text;                   // final text so far
  std::size_t emitted = 0;            // how much of `text` was streamed
  bool done = false;
  FinishReason reason = FinishReason::length;
  std::unique_ptr<tokenizer::StreamingDetokenizer> detok;
};

// Where the text must be cut for a stop string, or npos.
std::size_t stop_at(const std::string& text, const std::vector<std::string>& stops) {
  std::size_t cut = std::string::npos;
  for (const auto& s : stops)
    if (!s.empty()) cut = std::min(cut, text.find(s));
  return cut;
}

// Text that can be streamed: all of it, except a tail that may still grow into a stop string.
std::size_t safe_length(const std::string& text, const std::vector<std::string>& stops) {
  std::size_t hold = 0;
  for (const auto& s : stops)
    for (std::size_t k = std::min(s.size() - 1, text.size()); k > hold; --k)
      if (text.compare(text.size() - k, k, s, 0, k) == 0) {
        hold = k;
        break;
      }
  return text.size() - hold;
}

}  // namespace

std::string_view finish_reason_name(FinishReason r) {
  switch (r) {
    case FinishReason::eos: return "eos";
    case FinishReason::stop_string: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::cancelled: return "cancelled";
  }
  return "?";
}

GenerationResult generate(const hooks::HookedModel& model, const hooks::TokenBatch& prompt, const GenerateOptions& opt) {
  const models::CausalLM& lm = model.model();
  const std::int64_t B = prompt.batch(), T = prompt.length();
  const std::int64_t context = lm.context_length().value_or(std::numeric_limits<std::int32_t>::max());
  if (T > context)
    fail("generate: the prompt has ", T, " tokens but the model's context is ", context, ". Shorten the prompt.");
  if (opt.max_tokens < 0) fail("generate: max_tokens must be ≥ 0, got ", opt.max_tokens);
  const int max_tokens = int(std::min<std::int64_t>(opt.max_tokens, context - T));

  std::vector<Row> rows(static_cast<std::size_t>(B));
  std::vector<Sampler> samplers;
  for (std::int64_t b = 0; b < B; ++b) {
    rows[std::size_t(b)].history = prompt.rows[std::size_t(b)];
    if (model.has_tokenizer())
      rows[std::size_t(b)].detok = std::make_unique<tokenizer::StreamingDetokenizer>(model.tokenizer());
    SamplerOptions so = opt.sampler;
    if (opt.independent_rows) so.seed += std::uint64_t(b);  // rows draw independently, reproducibly
    samplers.emplace_back(so);
  }
  const std::set<std::int32_t> no_eos;
  const std::set<std::int32_t>& eos = model.has_tokenizer() ? model.tokenizer().eos_ids() : no_eos;
  std::set<std::int64_t> eos_config(lm.config().eos_token_ids.begin(), lm.config().eos_token_ids.end());

  nn::KVCache cache = lm.make_cache(B);
  cache.reserve(T + max_tokens);
  Tensor logits = model.run(prompt, opt.hooks, &cache, true).logits;  // [B, 1, V]
  GenerationResult result;
  result.prompt_tokens = T;
  std::vector<std::int64_t> next(static_cast<std::size_t>(B));
  bool cancelled = false;
  for (int step = 0; step < max_tokens && !cancelled; ++step) {
    const std::int64_t V = logits.dim(2);
    const float* lp = logits.data<float>();
    bool all_done = true;
    for (std::int64_t b = 0; b < B; ++b) {
      Row& r = rows[std::size_t(b)];
      if (r.done) {
        next[std::size_t(b)] = r.history.back();  // keeps the batch shape; its output is ignored
        continue;
      }
      const std::int32_t id = samplers[std::size_t(b)].sample({lp + b * V, std::size_t(V)}, r.history);
      next[std::size_t(b)] = id;
      r.history.push_back(id);
      if (opt.stop_at_eos && (eos.count(id) || eos_config.count(id))) {
        r.done = true;
        r.reason = FinishReason::eos;
      } else {
        r.generated.push_back(id);
        if (r.detok) r.text += r.detok->push(id);
        if (const std::size_t cut = stop_at(r.text, opt.stop_strings); cut != std::string::npos) {
          r.text.resize(cut);
          r.done = true;
          r.reason = FinishReason::stop_string;
        }
      }
      if (r.done && r.detok && r.reason == FinishReason::eos) r.text += r.detok->finish();
      const std::size_t ready = r.done ? r.text.size() : safe_length(r.text, opt.stop_strings);
      TokenEvent ev{std::size_t(b), id, r.text.substr(std::min(r.emitted, ready), ready > r.emitted ? ready - r.emitted : 0), step};
      r.emitted = std::max(r.emitted, ready);
      if (opt.on_token && !opt.on_token(ev)) cancelled = true;
      all_done &= r.done;
    }
    if (all_done || cancelled || step + 1 == max_tokens) break;
    logits = lm.forward(Tensor::from_data<std::int64_t>(next, {B, 1}),
                        {.last_logits_only = true, .key_start = prompt.key_start}, &cache,
                        opt.hooks && !opt.hooks->empty() ? opt.hooks : nullptr)
                 .logits;
  }
  for (auto& r : rows) {
    if (!r.done) {
      if (r.detok) r.text += r.detok->finish();
      r.reason = cancelled ? FinishReason::cancelled : FinishReason::length;
      if (const std::size_t cut = stop_at(r.text, opt.stop_strings); cut != std::string::npos) {
        r.text.resize(cut);
        r.reason = FinishReason::stop_string;
      }
      if (opt.on_token && r.emitted < r.text.size())
        opt.on_token({std::size_t(&r - rows.data()), -1, r.text.substr(r.emitted), -1});
    }
    result.ids.push_back(r.generated);
    result.texts.push_back(r.text);
    result.finish.push_back(r.reason);
  }
  return result;
}

}  // namespace mlux::generate

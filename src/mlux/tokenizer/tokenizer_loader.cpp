// build_tokenizer: tokenizer.json (already parsed) plus TokenizerConfig -> Tokenizer::Impl.
#include <algorithm>

#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/tokenizer_json.h"
#include "mlux/tokenizer/tokenizer_impl.h"

namespace mlux::tokenizer {
namespace {

void check_top_level(const JsonView& root) {
  if (!root.is_object()) root.fail("expected a JSON object with a \"model\", got ", root.excerpt(), ". Is this a tokenizer.json file?");
  // "truncation" and "padding" are batch settings for training pipelines; mlux ignores them
  // (docs/tokenizer.md): a language-model toolkit wants the whole prompt.
}

std::vector<bool> special_ids(const Tokenizer::Impl& t) {
  std::set<std::string_view> contents;
  for (const AddedToken& a : t.added.tokens())
    if (a.special) contents.insert(a.content);
  std::vector<bool> special(static_cast<std::size_t>(t.vocab_size), false);
  for (std::int32_t id = 0; id < t.vocab_size; ++id)
    if (const std::string* p = t.piece(id)) special[static_cast<std::size_t>(id)] = contents.contains(*p);
  return special;
}

std::optional<std::int32_t> id_of(const Tokenizer::Impl& t, const std::optional<std::string>& token) {
  if (!token) return std::nullopt;
  if (auto id = t.added.find(*token)) return id;
  return t.model->vocab().find(*token);
}

void resolve_special_ids(Tokenizer::Impl& t) {
  t.bos_id = id_of(t, t.config.special_tokens.bos_token);
  if (auto eos = id_of(t, t.config.special_tokens.eos_token)) t.eos_ids.insert(*eos);
  for (std::int32_t id : t.config.extra_eos_ids)
    if (id < t.vocab_size) t.eos_ids.insert(id);
}

// Every id the post-processor adds must be a token: HF reassigns added-token ids from the
// vocabulary, so a file whose template still names other ids would make encode emit ids that
// neither decode nor fit the model's embedding.
void check_post_processor_ids(const Tokenizer::Impl& t, const JsonView& json) {
  std::vector<std::int32_t> added;
  t.post_processor->process(added, /*add_special_tokens=*/true);
  for (std::int32_t id : added)
    if (!t.piece(id))
      json.fail("adds token id ", id, ", which neither model.vocab nor added_tokens has (the vocabulary has ", t.vocab_size,
                " ids). The file is inconsistent; re-download or re-export it.");
}

}  // namespace

std::shared_ptr<const Tokenizer::Impl> build_tokenizer(std::string_view tokenizer_json, const std::string& file,
                                                       TokenizerConfig config) {
  ModelTables tables;
  const nlohmann::json json = parse_tokenizer_json(tokenizer_json, file, tables);
  const JsonView root(json, file);
  check_top_level(root);
  auto t = std::make_shared<Tokenizer::Impl>();
  t->config = std::move(config);
  t->model = BpeModel::from_json(root["model"], std::move(tables));
  if (auto j = root.find("normalizer")) t->normalizer = make_normalizer(*j);
  if (auto j = root.find("pre_tokenizer")) t->pre_tokenizer = make_pre_tokenizer(*j);
  if (auto j = root.find("post_processor")) t->post_processor = make_post_processor(*j);
  if (auto j = root.find("decoder")) t->decoder = make_decoder(*j);
  if (auto j = root.find("added_tokens")) t->added = AddedVocabulary::from_json(*j, t->model->vocab(), t->normalizer.get());

  t->vocab_size = t->model->vocab().id_bound();
  for (const AddedToken& a : t->added.tokens()) t->vocab_size = std::max(t->vocab_size, a.id + 1);
  if (t->post_processor) check_post_processor_ids(*t, *root.find("post_processor"));
  t->special_by_id = special_ids(*t);
  resolve_special_ids(*t);
  return t;
}

}  // namespace mlux::tokenizer

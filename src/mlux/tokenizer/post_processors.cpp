// The post-processor types (see post_processors.h) and their table.
#include "mlux/tokenizer/post_processors.h"

#include <string>
#include <unordered_map>

#include "mlux/tokenizer/component_table.h"
#include "mlux/tokenizer/json_view.h"

namespace mlux::tokenizer {
namespace {

// The ids to put before and after the sequence.
class Surround final : public PostProcessor {
 public:
  Surround(std::vector<std::int32_t> before, std::vector<std::int32_t> after)
      : before_(std::move(before)), after_(std::move(after)) {}
  void process(std::vector<std::int32_t>& ids, bool add_special_tokens) const override {
    if (!add_special_tokens) return;
    ids.insert(ids.begin(), before_.begin(), before_.end());
    ids.insert(ids.end(), after_.begin(), after_.end());
  }

 private:
  std::vector<std::int32_t> before_, after_;
};

class Passthrough final : public PostProcessor {
 public:
  void process(std::vector<std::int32_t>&, bool) const override {}
};

class Sequence final : public PostProcessor {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PostProcessor>> steps) : steps_(std::move(steps)) {}
  void process(std::vector<std::int32_t>& ids, bool add_special_tokens) const override {
    for (const auto& step : steps_) step->process(ids, add_special_tokens);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

using Owned = std::unique_ptr<PostProcessor>;

std::unordered_map<std::string, std::vector<std::int32_t>> read_special_tokens(const JsonView& j) {
  std::unordered_map<std::string, std::vector<std::int32_t>> ids_by_name;
  auto table = j.find("special_tokens");
  if (!table) return ids_by_name;
  for (const auto& [name, value] : table->json().items()) {
    const JsonView entry((*table)[name]);
    const JsonView ids = entry["ids"];
    std::vector<std::int32_t>& out = ids_by_name[name];
    for (std::size_t i = 0; i < ids.size(); ++i) out.push_back(ids.at(i).token_id());
  }
  return ids_by_name;
}

// "single": [{"SpecialToken": {"id": "<s>", ...}}, {"Sequence": {"id": "A", ...}}, ...]
Owned build_template(const JsonView& j) {
  const auto special = read_special_tokens(j);
  const JsonView single = j["single"];
  if (!single.is_array()) single.fail("expected a list of template pieces, got ", single.excerpt(), ".");
  std::vector<std::int32_t> before, after;
  bool seen_sequence = false;
  for (std::size_t i = 0; i < single.size(); ++i) {
    const JsonView piece = single.at(i);
    if (auto seq = piece.find("Sequence")) {
      const std::string id = (*seq)["id"].string();
      if (id != "A" || seen_sequence) (*seq)["id"].fail("a single-sequence template must hold $A once, found '", id, "'.");
      seen_sequence = true;
    } else if (auto tok = piece.find("SpecialToken")) {
      const std::string name = (*tok)["id"].string();
      auto it = special.find(name);
      if (it == special.end())
        (*tok)["id"].fail("special token '", name, "' is not defined in ", j.path(), ".special_tokens.");
      auto& side = seen_sequence ? after : before;
      side.insert(side.end(), it->second.begin(), it->second.end());
    } else {
      piece.fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}, got ", piece.excerpt(), ".");
    }
  }
  if (!seen_sequence) single.fail("the template has no {\"Sequence\": {\"id\": \"A\"}} piece.");
  return std::make_unique<Surround>(std::move(before), std::move(after));
}

// "cls": ["<s>", 0], "sep": ["</s>", 2]: <s> A </s> (Roberta and Bert add the same tokens to a
// single sequence).
Owned build_cls_sep(const JsonView& j) {
  auto id_of = [&](std::string_view key) { return j[key].at(1).token_id(); };
  return std::make_unique<Surround>(std::vector<std::int32_t>{id_of("cls")}, std::vector<std::int32_t>{id_of("sep")});
}

Owned build_passthrough(const JsonView&) { return std::make_unique<Passthrough>(); }

Owned build_sequence(const JsonView& j) {
  return std::make_unique<Sequence>(build_steps<PostProcessor>(j, "processors", make_post_processor));
}

constexpr ComponentEntry<PostProcessor> kPostProcessors[] = {
    {"TemplateProcessing", build_template}, {"ByteLevel", build_passthrough},
    {"RobertaProcessing", build_cls_sep},   {"BertProcessing", build_cls_sep},
    {"Sequence", build_sequence},
};

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const JsonView& json) {
  return build_component<PostProcessor>(json, kPostProcessors, "post_processor");
}

}  // namespace mlux::tokenizer

// Post-processors: the tokenizer.json "post_processor" stage, which adds special tokens around
// an encoded sequence when special tokens are requested (HF `processors`). Supported types:
// TemplateProcessing, ByteLevel (offsets only: no change to ids), RobertaProcessing,
// BertProcessing, Sequence. mlux encodes single sequences; pair templates are read but unused.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace mlux::tokenizer {

class JsonView;

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  /// Adds the special tokens of the single-sequence template to ids, when add_special_tokens.
  virtual void process(std::vector<std::int32_t>& ids, bool add_special_tokens) const = 0;
};

/// Builds the post-processor a tokenizer.json "post_processor" object describes; throws Error
/// naming the JSON path for unknown types and bad fields.
std::unique_ptr<PostProcessor> make_post_processor(const JsonView& json);

}  // namespace mlux::tokenizer

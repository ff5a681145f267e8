// Tokenizer::Impl, the immutable state a Tokenizer handle shares: the tokenizer.json pipeline
// (added tokens, normalizer, pre-tokenizer, BPE model, post-processor, decoder) and what the
// side files add (special tokens, BOS/EOS ids). Internal to src/mlux/tokenizer.
#pragma once

#include <memory>
#include <set>
#include <vector>

#include "mlux/tokenizer/added_vocabulary.h"
#include "mlux/tokenizer/bpe.h"
#include "mlux/tokenizer/decoders.h"
#include "mlux/tokenizer/normalizers.h"
#include "mlux/tokenizer/post_processors.h"
#include "mlux/tokenizer/pre_tokenizers.h"
#include "mlux/tokenizer/tokenizer.h"

namespace mlux::tokenizer {

struct Tokenizer::Impl {
  std::unique_ptr<BpeModel> model;
  AddedVocabulary added;
  std::unique_ptr<Normalizer> normalizer;        // may be null
  std::unique_ptr<PreTokenizer> pre_tokenizer;   // may be null
  std::unique_ptr<PostProcessor> post_processor; // may be null
  std::unique_ptr<Decoder> decoder;              // may be null: tokens are joined with spaces

  TokenizerConfig config;
  std::int32_t vocab_size = 0;
  std::vector<bool> special_by_id;  // the id's string is the content of a special added token
  std::optional<std::int32_t> bos_id;
  std::set<std::int32_t> eos_ids;

  /// The string of a token, or nullptr when no token has this id.
  const std::string* piece(std::int32_t id) const {
    if (const AddedToken* t = added.find(id)) return &t->piece;
    return model->vocab().token(id);
  }
};

/// Builds the pipeline from tokenizer.json text (`file` names it in messages) and resolves the
/// config's special tokens to ids.
std::shared_ptr<const Tokenizer::Impl> build_tokenizer(std::string_view tokenizer_json, const std::string& file,
                                                       TokenizerConfig config);

}  // namespace mlux::tokenizer

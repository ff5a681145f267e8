// ModelInput: what a researcher hands a HookedModel: a prompt or a batch of prompts, as text or as
// token ids. TokenBatch: the same, tokenized and left-padded into one [batch, pos] tensor, with each
// row's first real position so attention ignores the padding and positions start at 0 per row.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mlux/tensor/tensor.h"

namespace mlux::hooks {

class ModelInput {
 public:
  ModelInput(const char* text) : value_(std::string(text)) {}
  ModelInput(std::string text) : value_(std::move(text)) {}
  ModelInput(std::vector<std::string> texts) : value_(std::move(texts)) {}
  ModelInput(std::vector<std::int32_t> ids) : value_(std::move(ids)) {}
  ModelInput(std::vector<std::vector<std::int32_t>> ids) : value_(std::move(ids)) {}

  using Value = std::variant<std::string, std::vector<std::string>, std::vector<std::int32_t>,
                             std::vector<std::vector<std::int32_t>>>;
  const Value& value() const { return value_; }
  /// Text prompts (one or many), or empty when the input is ids.
  std::vector<std::string> texts() const;

 private:
  Value value_;
};

struct TokenBatch {
  Tensor ids;                                   // [batch, pos] i64, left-padded
  std::vector<std::int32_t> key_start;          // per row, first real position (empty: no padding)
  std::vector<std::vector<std::int32_t>> rows;  // the unpadded ids of each row
  std::vector<std::string> texts;               // the prompts, when the input was text

  std::int64_t batch() const { return ids.dim(0); }
  std::int64_t length() const { return ids.dim(1); }

  /// Left-pads `rows` with `pad_id`. Throws Error for an empty batch or an empty row.
  static TokenBatch from_rows(std::vector<std::vector<std::int32_t>> rows, std::int32_t pad_id);
};

}  // namespace mlux::hooks

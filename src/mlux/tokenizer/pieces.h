// Piece: one span of the input as it travels through the encode pipeline (HF's
// PreTokenizedString splits). Added-token matching cuts the input into pieces; normalizers
// rewrite the text of the pieces that are not tokens yet; pre-tokenizers split them further;
// the model turns each remaining piece into ids. split_at_matches implements the five ways HF
// splits a piece around pattern matches (`SplitDelimiterBehavior`).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlux/tokenizer/regex.h"

namespace mlux::tokenizer {

class JsonView;

struct Piece {
  std::string text;
  std::int32_t token_id = -1;   // >= 0: an added token, final
  bool at_input_start = false;  // begins at byte 0 of the original input (Metaspace "first")

  bool is_token() const { return token_id >= 0; }
};

using Pieces = std::vector<Piece>;

enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

/// Reads "Removed" | "Isolated" | "MergedWithPrevious" | "MergedWithNext" | "Contiguous".
SplitBehavior parse_split_behavior(const JsonView& value);

/// Splits piece.text around `matches` (sorted, non-overlapping spans; with `invert` the spans
/// between them count as the matches instead) and appends the non-empty results to out.
void split_at_matches(const Piece& piece, const std::vector<Span>& matches, bool invert,
                      SplitBehavior behavior, Pieces& out);

/// Every character of text for which predicate holds, as one-character spans.
void find_chars(std::string_view text, const std::function<bool(char32_t)>& predicate,
                std::vector<Span>& out);

/// Replaces each non-token piece by the pieces `split` appends for it (HF PreTokenizedString::split).
void split_pieces(Pieces& pieces, const std::function<void(const Piece&, Pieces&)>& split);

}  // namespace mlux::tokenizer

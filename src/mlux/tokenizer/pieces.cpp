// Splitting pieces around matches, with HF's five SplitDelimiterBehaviors (see pieces.h).
#include "mlux/tokenizer/pieces.h"

#include <algorithm>

#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

struct Segment {
  Span span;
  bool is_match;
};

// The text cut into alternating non-match / match segments covering it entirely.
void segments_of(std::size_t length, const std::vector<Span>& matches, bool invert,
                 std::vector<Segment>& out) {
  std::size_t previous = 0;
  for (const Span& m : matches) {
    if (previous != m.begin) out.push_back({{previous, m.begin}, invert});
    out.push_back({m, !invert});
    previous = m.end;
  }
  if (previous != length) out.push_back({{previous, length}, invert});
}

// The spans to keep, after merging or dropping matches as the behavior says.
std::vector<Span> apply_behavior(const std::vector<Segment>& segments, SplitBehavior behavior) {
  std::vector<Span> kept;
  kept.reserve(segments.size());
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::isolated:
      for (const auto& s : segments) kept.push_back(s.span);
      break;
    case SplitBehavior::removed:
      for (const auto& s : segments) if (!s.is_match) kept.push_back(s.span);
      break;
    case SplitBehavior::contiguous:
      for (const auto& s : segments) {
        if (s.is_match == previous_match && !kept.empty()) kept.back().end = s.span.end;
        else kept.push_back(s.span);
        previous_match = s.is_match;
      }
      break;
    case SplitBehavior::merged_with_previous:
      for (const auto& s : segments) {
        if (s.is_match && !previous_match && !kept.empty()) kept.back().end = s.span.end;
        else kept.push_back(s.span);
        previous_match = s.is_match;
      }
      break;
    case SplitBehavior::merged_with_next:
      for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
        if (it->is_match && !previous_match && !kept.empty()) kept.back().begin = it->span.begin;
        else kept.push_back(it->span);
        previous_match = it->is_match;
      }
      std::reverse(kept.begin(), kept.end());
      break;
  }
  return kept;
}

}  // namespace

SplitBehavior parse_split_behavior(const JsonView& value) {
  const std::string& name = value.string_ref();
  if (name == "Removed") return SplitBehavior::removed;
  if (name == "Isolated") return SplitBehavior::isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::merged_with_previous;
  if (name == "MergedWithNext") return SplitBehavior::merged_with_next;
  if (name == "Contiguous") return SplitBehavior::contiguous;
  value.fail("unknown split behavior '", name,
             "'. Use one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous.");
}

void split_at_matches(const Piece& piece, const std::vector<Span>& matches, bool invert,
                      SplitBehavior behavior, Pieces& out) {
  std::vector<Segment> segments;
  segments.reserve(matches.size() * 2 + 1);
  segments_of(piece.text.size(), matches, invert, segments);
  for (const Span& s : apply_behavior(segments, behavior)) {
    if (s.begin == s.end) continue;
    out.push_back({piece.text.substr(s.begin, s.end - s.begin), -1, piece.at_input_start && s.begin == 0});
  }
}

void find_chars(std::string_view text, const std::function<bool(char32_t)>& predicate,
                std::vector<Span>& out) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t begin = pos;
    if (predicate(utf8::decode(text, pos))) out.push_back({begin, pos});
  }
}

void split_pieces(Pieces& pieces, const std::function<void(const Piece&, Pieces&)>& split) {
  Pieces result;
  result.reserve(pieces.size() * 2);
  for (Piece& piece : pieces) {
    if (piece.is_token()) {
      result.push_back(std::move(piece));
      continue;
    }
    const std::size_t mark = result.size();
    split(piece, result);
    // Splits never keep empty pieces (HF drops them too).
    auto empty = [](const Piece& p) { return !p.is_token() && p.text.empty(); };
    result.erase(std::remove_if(result.begin() + static_cast<std::ptrdiff_t>(mark), result.end(), empty),
                 result.end());
  }
  pieces = std::move(result);
}

}  // namespace mlux::tokenizer

// The pre-tokenizer types (see pre_tokenizers.h) and the table that maps the tokenizer.json
// "type" to its builder. Each splits pieces with split_at_matches (pieces.h) and HF's
// behaviours; the comments give the HF semantics that are easy to get wrong.
#include "mlux/tokenizer/pre_tokenizers.h"

#include <string_view>
#include <vector>

#include "mlux/tokenizer/byte_level.h"
#include "mlux/tokenizer/component_table.h"
#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/pattern.h"
#include "mlux/tokenizer/unicode.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

// GPT-2's word pattern (HF byte_level.rs), used when ByteLevel has use_regex.
constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
constexpr std::string_view kMetaspaceDefault = "\xE2\x96\x81";  // U+2581 '▁'

// Splits every piece around the matches of a regex.
class RegexSplit final : public PreTokenizer {
 public:
  RegexSplit(Regex pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(Pieces& pieces) const override {
    std::vector<Span> matches;
    split_pieces(pieces, [&](const Piece& piece, Pieces& out) {
      matches.clear();
      pattern_.find_all(piece.text, matches);
      split_at_matches(piece, matches, invert_, behavior_, out);
    });
  }

 private:
  Regex pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

// Splits every piece at each character the predicate selects (one match per character).
class CharSplit final : public PreTokenizer {
 public:
  CharSplit(bool (*predicate)(char32_t), SplitBehavior behavior) : predicate_(predicate), behavior_(behavior) {}
  void pre_tokenize(Pieces& pieces) const override {
    std::vector<Span> matches;
    split_pieces(pieces, [&](const Piece& piece, Pieces& out) {
      matches.clear();
      find_chars(piece.text, predicate_, matches);
      split_at_matches(piece, matches, false, behavior_, out);
    });
  }

 private:
  bool (*predicate_)(char32_t);
  SplitBehavior behavior_;
};

// Optionally prefixes a space and splits with the GPT-2 pattern, then respells every piece in
// the byte-level alphabet (byte_level.h). HF adds the prefix space to every piece, not only
// the first.
class ByteLevel final : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space),
        gpt2_(use_regex ? std::make_unique<Regex>(Regex::compile(kGpt2Pattern, "ByteLevel")) : nullptr) {}
  void pre_tokenize(Pieces& pieces) const override {
    std::vector<Span> matches;
    split_pieces(pieces, [&](const Piece& piece, Pieces& out) {
      Piece p = piece;
      if (add_prefix_space_ && !p.text.starts_with(' ')) p.text.insert(p.text.begin(), ' ');
      if (!gpt2_) {
        out.push_back(std::move(p));
        return;
      }
      matches.clear();
      gpt2_->find_all(p.text, matches);
      split_at_matches(p, matches, false, SplitBehavior::isolated, out);
    });
    for (Piece& p : pieces) {
      if (p.is_token()) continue;
      std::string encoded;
      encoded.reserve(p.text.size() * 2);
      byte_level::append_encoded(encoded, p.text);
      p.text = std::move(encoded);
    }
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<Regex> gpt2_;
};

enum class PrependScheme { always, first, never };

// Spaces become the replacement character ('▁'), a '▁' is prepended per the scheme ("first":
// only to the piece that starts the input), then pieces split before each '▁'.
class Metaspace final : public PreTokenizer {
 public:
  Metaspace(std::string replacement, PrependScheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split),
        marker_(Regex::literal(replacement_, "Metaspace replacement")) {}
  void pre_tokenize(Pieces& pieces) const override {
    std::vector<Span> matches;
    split_pieces(pieces, [&](const Piece& piece, Pieces& out) {
      Piece p{replace_spaces(piece.text), -1, piece.at_input_start};
      const bool prepend = scheme_ == PrependScheme::always || (scheme_ == PrependScheme::first && p.at_input_start);
      if (prepend && !p.text.starts_with(replacement_)) p.text.insert(0, replacement_);
      if (!split_) {
        out.push_back(std::move(p));
        return;
      }
      matches.clear();
      marker_.find_all(p.text, matches);
      split_at_matches(p, matches, false, SplitBehavior::merged_with_next, out);
    });
  }

 private:
  std::string replace_spaces(std::string_view text) const {
    std::string out;
    out.reserve(text.size() + 16);
    for (char c : text) {
      if (c == ' ') out += replacement_;
      else out += c;
    }
    return out;
  }

  std::string replacement_;
  PrependScheme scheme_;
  bool split_;
  Regex marker_;
};

class Sequence final : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
  void pre_tokenize(Pieces& pieces) const override {
    for (const auto& step : steps_) step->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

using Owned = std::unique_ptr<PreTokenizer>;

Owned build_split(const JsonView& j) {
  return std::make_unique<RegexSplit>(read_pattern(j["pattern"]), parse_split_behavior(j["behavior"]),
                                      j.bool_or("invert", false));
}

Owned build_byte_level(const JsonView& j) {
  return std::make_unique<ByteLevel>(j.bool_or("add_prefix_space", true), j.bool_or("use_regex", true));
}

PrependScheme read_prepend_scheme(const JsonView& j) {
  auto scheme = j.find("prepend_scheme");
  if (!scheme) return j.bool_or("add_prefix_space", true) ? PrependScheme::always : PrependScheme::never;
  const std::string& name = scheme->string_ref();
  if (name == "always") return PrependScheme::always;
  if (name == "first") return PrependScheme::first;
  if (name == "never") return PrependScheme::never;
  scheme->fail("unknown prepend_scheme '", name, "'. Use \"always\", \"first\" or \"never\".");
}

Owned build_metaspace(const JsonView& j) {
  const std::string replacement = j.string_or("replacement", kMetaspaceDefault);
  if (replacement.empty() || utf8::count_chars(replacement) != 1)
    j["replacement"].fail("the replacement must be exactly one character, got '", replacement, "'.");
  return std::make_unique<Metaspace>(replacement, read_prepend_scheme(j), j.bool_or("split", true));
}

Owned build_digits(const JsonView& j) {
  const bool individual = j.bool_or("individual_digits", false);
  return std::make_unique<CharSplit>(unicode::is_numeric,
                                     individual ? SplitBehavior::isolated : SplitBehavior::contiguous);
}

Owned build_punctuation(const JsonView& j) {
  auto behavior = j.find("behavior");
  return std::make_unique<CharSplit>(unicode::is_punctuation,
                                     behavior ? parse_split_behavior(*behavior) : SplitBehavior::isolated);
}

// HF: keep the matches of \w+|[^\w\s]+ and drop what lies between them.
Owned build_whitespace(const JsonView&) {
  return std::make_unique<RegexSplit>(Regex::compile(R"(\w+|[^\w\s]+)", "Whitespace"), SplitBehavior::removed, true);
}

Owned build_whitespace_split(const JsonView&) {
  return std::make_unique<CharSplit>(unicode::is_whitespace, SplitBehavior::removed);
}

// HF BertPreTokenizer: split on whitespace (dropped), then isolate each punctuation character.
Owned build_bert(const JsonView&) {
  std::vector<Owned> steps;
  steps.push_back(std::make_unique<CharSplit>(unicode::is_whitespace, SplitBehavior::removed));
  steps.push_back(std::make_unique<CharSplit>(unicode::is_punctuation, SplitBehavior::isolated));
  return std::make_unique<Sequence>(std::move(steps));
}

Owned build_sequence(const JsonView& j) {
  return std::make_unique<Sequence>(build_steps<PreTokenizer>(j, "pretokenizers", make_pre_tokenizer));
}

constexpr ComponentEntry<PreTokenizer> kPreTokenizers[] = {
    {"ByteLevel", build_byte_level},   {"Split", build_split},
    {"Metaspace", build_metaspace},    {"Digits", build_digits},
    {"Punctuation", build_punctuation}, {"Whitespace", build_whitespace},
    {"WhitespaceSplit", build_whitespace_split}, {"BertPreTokenizer", build_bert},
    {"Sequence", build_sequence},
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonView& json) {
  return build_component<PreTokenizer>(json, kPreTokenizers, "pre_tokenizer");
}

}  // namespace mlux::tokenizer

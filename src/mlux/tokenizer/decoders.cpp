// The decoder types (see decoders.h) and their table. The HF semantics that are easy to get
// wrong are stated where they are implemented.
#include "mlux/tokenizer/decoders.h"

#include <string_view>

#include "mlux/tokenizer/byte_level.h"
#include "mlux/tokenizer/component_table.h"
#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/pattern.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

// All tokens become one string: each token's characters map back to bytes (a token with a
// character outside the table is taken as its own UTF-8), then the bytes are read as UTF-8
// with U+FFFD for ill-formed parts.
class ByteLevel final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, const DecodeContext&) const override {
    std::string bytes;
    for (const std::string& t : tokens)
      if (!byte_level::append_decoded(bytes, t)) bytes += t;
    tokens.assign(1, utf8::repair(bytes));
  }
};

// Runs of <0xHH> tokens become the bytes they name, read as UTF-8; a run that is not valid
// UTF-8 becomes one U+FFFD per byte (not per ill-formed part).
class ByteFallback final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, const DecodeContext&) const override {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    std::string run;
    auto flush = [&] {
      if (run.empty()) return;
      if (utf8::is_valid(run)) {
        out.push_back(run);
      } else {
        for (std::size_t i = 0; i < run.size(); ++i) out.emplace_back(utf8::kReplacementUtf8);
      }
      run.clear();
    };
    for (std::string& t : tokens) {
      if (const int byte = byte_token_value(t); byte >= 0) {
        run += static_cast<char>(byte);
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    tokens = std::move(out);
  }

 private:
  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  // The byte a "<0xHH>" token names, or -1.
  static int byte_token_value(std::string_view t) {
    if (t.size() != 6 || !t.starts_with("<0x") || t[5] != '>') return -1;
    const int hi = hex_digit(t[3]), lo = hex_digit(t[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }
};

class Fuse final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens, const DecodeContext&) const override {
    std::string all;
    for (const std::string& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

// Removes up to `start` leading and `stop` trailing copies of one character from every token.
// Real tokenizers use it after Fuse to drop the space SentencePiece put at the text's start,
// which is why decode_one (not at the text start) skips it.
class Strip final : public Decoder {
 public:
  Strip(std::string content, std::size_t start, std::size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens, const DecodeContext& context) const override {
    if (!context.at_text_start) return;
    for (std::string& t : tokens) {
      std::size_t begin = 0, end = t.size();
      for (std::size_t n = 0; n < start_ && std::string_view(t).substr(begin).starts_with(content_); ++n)
        begin += content_.size();
      for (std::size_t n = 0; n < stop_ && end >= begin + content_.size() &&
                              std::string_view(t).substr(0, end).ends_with(content_); ++n)
        end -= content_.size();
      t = t.substr(begin, end - begin);
    }
  }

 private:
  std::string content_;
  std::size_t start_, stop_;
};

class Replace final : public Decoder {
 public:
  Replace(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens, const DecodeContext&) const override {
    for (std::string& t : tokens) t = replace_all(pattern_, t, content_);
  }

 private:
  Regex pattern_;
  std::string content_;
};

// '▁' becomes ' ', except that in the first token every '▁' is dropped unless the prepend
// scheme is "never" (HF metaspace.rs decode_chain).
class Metaspace final : public Decoder {
 public:
  Metaspace(std::string replacement, bool drops_first) : replacement_(std::move(replacement)), drops_first_(drops_first) {}
  void decode_chain(std::vector<std::string>& tokens, const DecodeContext& context) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const bool drop = i == 0 && drops_first_ && context.at_text_start;
      std::string out;
      std::string_view t = tokens[i];
      for (std::size_t pos = 0; pos < t.size();) {
        if (t.substr(pos).starts_with(replacement_)) {
          if (!drop) out += ' ';
          pos += replacement_.size();
        } else {
          const std::size_t n = utf8::length_from_lead(static_cast<unsigned char>(t[pos]));
          out.append(t.substr(pos, n));
          pos += n;
        }
      }
      tokens[i] = std::move(out);
    }
  }

 private:
  std::string replacement_;
  bool drops_first_;
};

class Sequence final : public Decoder {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  void decode_chain(std::vector<std::string>& tokens, const DecodeContext& context) const override {
    for (const auto& step : steps_) step->decode_chain(tokens, context);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

using Owned = std::unique_ptr<Decoder>;

template <typename Plain>
Owned build_plain(const JsonView&) { return std::make_unique<Plain>(); }

std::size_t count_field(const JsonView& j, std::string_view key) {
  auto v = j.find(key);
  if (!v) return 0;
  const std::int64_t n = v->integer();
  if (n < 0) v->fail("expected a count of 0 or more, got ", n, ".");
  return static_cast<std::size_t>(n);
}

Owned build_strip(const JsonView& j) {
  const std::string content = j["content"].string();
  if (utf8::count_chars(content) != 1) j["content"].fail("expected one character, got '", content, "'.");
  return std::make_unique<Strip>(content, count_field(j, "start"), count_field(j, "stop"));
}

Owned build_replace(const JsonView& j) {
  return std::make_unique<Replace>(read_pattern(j["pattern"]), j["content"].string());
}

// Metaspace keeps its leading-'▁' rule unless prepend_scheme is "never" (or, in files from
// before prepend_scheme existed, add_prefix_space is false).
Owned build_metaspace(const JsonView& j) {
  const std::string replacement = j.string_or("replacement", "\xE2\x96\x81");
  bool drops_first = j.bool_or("add_prefix_space", true);
  if (auto scheme = j.find("prepend_scheme")) drops_first = scheme->string() != "never";
  return std::make_unique<Metaspace>(replacement, drops_first);
}

Owned build_sequence(const JsonView& j) {
  return std::make_unique<Sequence>(build_steps<Decoder>(j, "decoders", make_decoder));
}

constexpr ComponentEntry<Decoder> kDecoders[] = {
    {"ByteLevel", build_plain<ByteLevel>}, {"ByteFallback", build_plain<ByteFallback>},
    {"Fuse", build_plain<Fuse>},           {"Strip", build_strip},
    {"Replace", build_replace},            {"Metaspace", build_metaspace},
    {"Sequence", build_sequence},
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(const JsonView& json) {
  return build_component<Decoder>(json, kDecoders, "decoder");
}

}  // namespace mlux::tokenizer

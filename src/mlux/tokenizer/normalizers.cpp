// The normalizer types (see normalizers.h), each a small class, and the table that maps the
// tokenizer.json "type" to its builder.
#include "mlux/tokenizer/normalizers.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "mlux/tokenizer/component_table.h"
#include "mlux/tokenizer/json_view.h"
#include "mlux/tokenizer/pattern.h"
#include "mlux/tokenizer/unicode.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {
namespace {

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(unicode::NormalizationForm form) : form_(form) {}
  void normalize(std::string& text) const override { text = unicode::normalize(text, form_); }

 private:
  unicode::NormalizationForm form_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
      const auto b = static_cast<unsigned char>(text[pos]);
      if (b < 0x80) {
        out += static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
        ++pos;
      } else {
        unicode::append_lowercase(out, utf8::decode(text, pos));
      }
    }
    text = std::move(out);
  }
};

// Removes White_Space characters from either end.
class Strip final : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    std::size_t begin = 0, end = text.size();
    if (left_) {
      for (std::size_t pos = 0; pos < end;) {
        if (!unicode::is_whitespace(utf8::decode(text, pos))) break;
        begin = pos;
      }
    }
    if (right_) {
      while (end > begin) {
        std::size_t lead = end - 1;
        while (lead > begin && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
        std::size_t pos = lead;
        if (!unicode::is_whitespace(utf8::decode(text, pos))) break;
        end = lead;
      }
    }
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

// Removes combining marks (as HF, applied after an NFD/NFKD normalizer to strip accents).
class StripAccents final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t begin = pos;
      if (!unicode::is_mark(utf8::decode(text, pos))) out.append(text, begin, pos - begin);
    }
    text = std::move(out);
  }
};

class Replace final : public Normalizer {
 public:
  Replace(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(std::string& text) const override { text = replace_all(pattern_, text, content_); }

 private:
  Regex pattern_;
  std::string content_;
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void normalize(std::string& text) const override {
    for (const auto& step : steps_) step->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

using Owned = std::unique_ptr<Normalizer>;

template <unicode::NormalizationForm form>
Owned build_unicode(const JsonView&) { return std::make_unique<UnicodeNormalizer>(form); }

template <typename Plain>
Owned build_plain(const JsonView&) { return std::make_unique<Plain>(); }

Owned build_strip(const JsonView& j) {
  return std::make_unique<Strip>(j.bool_or("strip_left", true), j.bool_or("strip_right", true));
}

Owned build_replace(const JsonView& j) {
  return std::make_unique<Replace>(read_pattern(j["pattern"]), j["content"].string());
}

Owned build_prepend(const JsonView& j) { return std::make_unique<Prepend>(j["prepend"].string()); }

Owned build_sequence(const JsonView& json) {
  return std::make_unique<Sequence>(build_steps<Normalizer>(json, "normalizers", make_normalizer));
}

constexpr ComponentEntry<Normalizer> kNormalizers[] = {
    {"NFC", build_unicode<unicode::NormalizationForm::nfc>},
    {"NFD", build_unicode<unicode::NormalizationForm::nfd>},
    {"NFKC", build_unicode<unicode::NormalizationForm::nfkc>},
    {"NFKD", build_unicode<unicode::NormalizationForm::nfkd>},
    {"Lowercase", build_plain<Lowercase>},
    {"Strip", build_strip},
    {"StripAccents", build_plain<StripAccents>},
    {"Replace", build_replace},
    {"Prepend", build_prepend},
    {"Sequence", build_sequence},
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const JsonView& json) {
  return build_component<Normalizer>(json, kNormalizers, "normalizer");
}

}  // namespace mlux::tokenizer

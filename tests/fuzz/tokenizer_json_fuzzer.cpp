// libFuzzer target: tokenizer.json. A file the loader accepts must then encode and decode text
// (the probes below and the input's own bytes) without crashing, giving only ids it can decode.
#include <array>
#include <string>

#include "fuzz_util.h"
#include "mlux/tokenizer/streaming_detokenizer.h"
#include "mlux/tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mlux;
  const std::string_view text = fuzz::as_text(data, size);
  fuzz::refuse_only_with_mlux_errors([&] {
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_json(text, "fuzz/tokenizer.json");
    const std::array<std::string_view, 4> probes = {"Hello world, it's 2026!", "  tabs\tand\nnewlines  ",
                                                    "café naïve 東京 🙂", text.substr(0, 256)};
    for (std::string_view probe : probes) {
      for (bool special : {true, false}) {
        const auto ids = tok.encode(probe, {.add_special_tokens = special});
        for (std::int32_t id : ids)
          if (id < 0 || id >= tok.vocab_size()) fuzz::property_failed("encode gave id " + std::to_string(id) + " outside the vocabulary");
        (void)tok.decode(ids);
        (void)tok.decode(ids, {.skip_special_tokens = true, .clean_up_tokenization_spaces = true});
        tokenizer::StreamingDetokenizer stream(tok);
        for (std::int32_t id : ids) {
          (void)tok.decode_one(id);
          (void)stream.push(id);
        }
        (void)stream.finish();
      }
    }
  });
  return 0;
}

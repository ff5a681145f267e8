// StreamingDetokenizer: turns ids into text one id at a time while generating, emitting only
// text that is final: never half of a UTF-8 character (a byte-level token can end mid-character;
// SentencePiece byte-fallback tokens are single bytes), and with the spacing a full decode would
// give (SentencePiece drops the space only at the very start of a text).
//
// How: it decodes a short window of ids, [context..., pending...], where the context ids were
// already emitted. The new text is decode(window) minus decode(context), held back while it
// ends in U+FFFD (a character that may still be completing) or while the last id is a
// SentencePiece byte-fallback token <0xHH> (a later byte can still change how the run decodes).
// Once emitted, the pending ids become the next context, so work per id stays small. The
// concatenation of everything push() and finish() return equals decode(all ids) (tested on the
// whole corpus and on random ids for every tokenizer).
//
//   StreamingDetokenizer stream(tokenizer);
//   for (int32_t id : generated) std::cout << stream.push(id) << std::flush;
//   std::cout << stream.finish();
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mlux/tokenizer/tokenizer.h"

namespace mlux::tokenizer {

class StreamingDetokenizer {
 public:
  /// options.clean_up_tokenization_spaces is ignored: it rewrites text across token
  /// boundaries after the fact, which a stream cannot take back.
  explicit StreamingDetokenizer(Tokenizer tokenizer, DecodeOptions options = {});

  /// Feeds one id; returns the text that became final (often empty). Throws Error for an id
  /// no token has.
  std::string push(std::int32_t id);

  /// Returns the text still held back (an unfinished character comes out as U+FFFD, as decode
  /// gives it) and starts over, ready for a new sequence.
  std::string finish();

 private:
  std::string decode(const std::vector<std::int32_t>& ids) const;

  Tokenizer tokenizer_;
  DecodeOptions options_;
  std::vector<std::int32_t> window_;  // emitted context ids, then pending ids
  std::size_t context_size_ = 0;      // how many of window_'s ids were emitted
  std::string context_text_;          // decode of the context ids
};

}  // namespace mlux::tokenizer

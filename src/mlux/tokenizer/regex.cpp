// Regex over PCRE2: compile (with the dialect translation and JIT) and match iteration.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "mlux/tokenizer/regex.h"

#include <pcre2.h>

#include "mlux/error.h"
#include "mlux/tokenizer/utf8.h"

namespace mlux::tokenizer {

struct Regex::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(code); }
};

namespace {

std::string pcre2_message(int error_code) {
  PCRE2_UCHAR buffer[256];
  const int n = pcre2_get_error_message(error_code, buffer, sizeof buffer);
  return n < 0 ? "unknown PCRE2 error " + std::to_string(error_code)
               : std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

// One match-data block per thread: a Regex is shared read-only across threads, and matching
// needs scratch space. Only the whole-match pair is read, so one ovector pair suffices
// (pcre2_match then returns 0 for patterns with groups, which still means "matched").
pcre2_match_data* thread_match_data() {
  struct Holder {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    ~Holder() { pcre2_match_data_free(data); }
  };
  thread_local Holder holder;
  return holder.data;
}

std::string escape_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 4);
  for (char c : text) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && static_cast<unsigned char>(c) < 0x80) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Regex::Regex(std::shared_ptr<const Code> code, std::string pattern)
    : code_(std::move(code)), pattern_(std::move(pattern)) {}

Regex Regex::compile(std::string_view pattern, std::string_view where) {
  const std::string translated = translate_oniguruma(pattern);
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  // Oniguruma's Ruby syntax: '.' stops at \n only, and ^/$ are line anchors.
  pcre2_set_newline(context, PCRE2_NEWLINE_LF);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &error_code,
                                   &error_offset, context);
  pcre2_compile_context_free(context);
  if (code == nullptr) {
    fail(where, ": invalid regular expression '", pattern, "': ", pcre2_message(error_code),
         " (at offset ", error_offset, " of the pattern as translated for PCRE2: '", translated,
         "'). Fix the pattern; it must be valid for Oniguruma, the engine Hugging Face tokenizers uses.");
  }
  auto owned = std::make_shared<Code>();
  owned->code = code;
  owned->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;  // no JIT: interpret, same results
  return Regex(std::move(owned), std::string(pattern));
}

Regex Regex::literal(std::string_view text, std::string_view where) {
  Regex r = compile(escape_literal(text), where);
  r.pattern_ = std::string(text);
  return r;
}

void Regex::find_all(std::string_view text, std::vector<Span>& out) const {
  pcre2_match_data* data = thread_match_data();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t search_from = 0;
  bool have_previous = false;
  std::size_t previous_end = 0;
  while (search_from <= text.size()) {
    int rc = code_->jit ? pcre2_jit_match(code_->code, subject, text.size(), search_from, 0, data, nullptr)
                        : PCRE2_ERROR_JIT_STACKLIMIT;
    // The interpreter keeps its backtracking state on the heap, so it copes where JIT's stack did not.
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
      rc = pcre2_match(code_->code, subject, text.size(), search_from, PCRE2_NO_UTF_CHECK, data, nullptr);
    if (rc == PCRE2_ERROR_NOMATCH) return;
    if (rc < 0) fail("regex '", pattern_, "': matching failed: ", pcre2_message(rc), ". The text may be too long for this pattern's backtracking; simplify the pattern.");
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    const Span m{ovector[0], ovector[1]};
    if (m.begin == m.end && have_previous && m.end == previous_end) {
      if (search_from >= text.size()) return;
      search_from += utf8::length_from_lead(static_cast<unsigned char>(text[search_from]));
      continue;
    }
    out.push_back(m);
    have_previous = true;
    previous_end = m.end;
    search_from = m.end;
  }
}

}  // namespace mlux::tokenizer

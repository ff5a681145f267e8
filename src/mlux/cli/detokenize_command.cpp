// `mlux detokenize`: token ids -> text.
//
//   mlux detokenize --model DIR 9906,1917            prints "Hello world"
//   mlux detokenize --model DIR "[1, 22557]" --skip-special
#include <charconv>
#include <iostream>
#include <memory>

#include "mlux/cli/command.h"
#include "mlux/cli/tokenizer_source.h"
#include "mlux/error.h"

namespace mlux::cli {
namespace {

struct DetokenizeArgs {
  TokenizerSource source;
  std::vector<std::string> ids;
  bool skip_special = false;
  bool clean_up = false;
};

// Ids separated by commas and/or spaces, optionally in brackets: "1,2,3", "1 2 3", "[1, 2, 3]".
std::vector<std::int32_t> parse_ids(const std::vector<std::string>& args) {
  std::vector<std::int32_t> ids;
  for (const std::string& arg : args) {
    std::size_t pos = 0;
    while (pos < arg.size()) {
      const char c = arg[pos];
      if (c == ',' || c == ' ' || c == '[' || c == ']' || c == '\t' || c == '\n') {
        ++pos;
        continue;
      }
      std::int32_t id = 0;
      const auto [end, ec] = std::from_chars(arg.data() + pos, arg.data() + arg.size(), id);
      const bool ends_well = end == arg.data() + arg.size() || std::string_view(", []\t\n").find(*end) != std::string_view::npos;
      if (ec != std::errc() || !ends_well || id < 0)
        fail("detokenize: '", arg, "' is not a list of token ids. Write ids like 1,2,3 or \"1 2 3\".");
      ids.push_back(id);
      pos = static_cast<std::size_t>(end - arg.data());
    }
  }
  return ids;
}

int run(const DetokenizeArgs& args) {
  const auto ids = parse_ids(args.ids);
  const auto tok = args.source.load();
  std::cout << tok.decode(ids, {.skip_special_tokens = args.skip_special, .clean_up_tokenization_spaces = args.clean_up})
            << '\n';
  return 0;
}

const CommandRegistrar kDetokenize("detokenize", "Turn token ids back into text", [](CLI::App& app) {
  auto args = std::make_shared<DetokenizeArgs>();
  args->source.add_options(app);
  app.add_option("ids", args->ids, "Token ids: 1,2,3 or \"1 2 3\"")->required();
  app.add_flag("--skip-special", args->skip_special, "Leave out special tokens (BOS, EOS, chat markers)");
  app.add_flag("--clean-up", args->clean_up, "transformers' clean_up_tokenization_spaces (\" .\" -> \".\")");
  return [args] { return run(*args); };
});

}  // namespace
}  // namespace mlux::cli

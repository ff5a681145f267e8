// `mlux tokenize`: text -> token ids and pieces. One text from the command line, or a JSONL file
// of texts (one JSON string per line, one JSON object out per line) for batch use.
//
//   mlux tokenize --model DIR "Hello world"           a table: index, id, piece
//   mlux tokenize --model DIR --json "Hello world"    {"ids": [...], "tokens": [...]}
//   mlux tokenize --tokenizer tokenizer.json --no-special --jsonl texts.jsonl
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "mlux/cli/command.h"
#include "mlux/cli/tokenizer_source.h"
#include "mlux/error.h"

namespace mlux::cli {
namespace {

using mlux::tokenizer::Tokenizer;

struct TokenizeArgs {
  TokenizerSource source;
  std::string text;
  bool has_text = false;
  bool no_special = false;
  bool json = false;
  std::string jsonl_file;
};

nlohmann::json encoding_json(const Tokenizer& tok, const std::vector<std::int32_t>& ids) {
  nlohmann::json tokens = nlohmann::json::array();
  for (std::int32_t id : ids) tokens.push_back(tok.id_to_piece(id));
  return {{"ids", ids}, {"tokens", std::move(tokens)}};
}

// Control characters made visible, so a piece like "\n" keeps the table on one line.
std::string printable(std::string_view piece) {
  std::string out;
  for (unsigned char c : piece) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else out += static_cast<char>(c);
  }
  return out;
}

void print_table(const Tokenizer& tok, const std::vector<std::int32_t>& ids) {
  std::printf("%6s %8s  %s\n", "#", "id", "piece");
  for (std::size_t i = 0; i < ids.size(); ++i)
    std::printf("%6zu %8d  %s\n", i, ids[i], printable(tok.id_to_piece(ids[i])).c_str());
  std::printf("%zu tokens\n", ids.size());
}

int run_jsonl(const Tokenizer& tok, const TokenizeArgs& args) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.jsonl_file != "-") {
    file.open(args.jsonl_file);
    if (!file) throw Error("tokenize: cannot open '" + args.jsonl_file + "'. Check the path.");
    in = &file;
  }
  std::string line;
  for (std::size_t number = 1; std::getline(*in, line); ++number) {
    nlohmann::json text;
    try {
      text = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {  // not JSON, or a number past double
    }
    if (!text.is_string())
      fail("tokenize: ", args.jsonl_file, " line ", number, ": expected one JSON string per line, like \"Hello\\n\", got '",
           line.substr(0, 60), "'.");
    const auto ids = tok.encode(text.get<std::string>(), {.add_special_tokens = !args.no_special});
    std::cout << encoding_json(tok, ids).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return 0;
}

int run(const TokenizeArgs& args) {
  if (args.jsonl_file.empty() && !args.has_text) throw Error("tokenize: give a text to tokenize, or --jsonl FILE.");
  if (!args.jsonl_file.empty() && args.has_text) throw Error("tokenize: give either a text or --jsonl FILE, not both.");
  const Tokenizer tok = args.source.load();
  if (!args.jsonl_file.empty()) return run_jsonl(tok, args);
  const auto ids = tok.encode(args.text, {.add_special_tokens = !args.no_special});
  if (args.json) std::cout << encoding_json(tok, ids).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  else print_table(tok, ids);
  return 0;
}

const CommandRegistrar kTokenize("tokenize", "Turn text into token ids and pieces", [](CLI::App& app) {
  auto args = std::make_shared<TokenizeArgs>();
  args->source.add_options(app);
  auto* text = app.add_option("text", args->text, "The text to tokenize");
  app.add_flag("--no-special", args->no_special, "Encode without special tokens (no BOS/EOS from the post-processor)");
  app.add_flag("--json", args->json, "Print {\"ids\": [...], \"tokens\": [...]}");
  app.add_option("--jsonl", args->jsonl_file, "Read one JSON string per line ('-' for stdin); print one JSON object per line");
  return [args, text] {
    args->has_text = text->count() > 0;
    return run(*args);
  };
});

}  // namespace
}  // namespace mlux::cli

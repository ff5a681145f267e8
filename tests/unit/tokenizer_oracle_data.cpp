// Test support for the tokenizer parity tests (see tokenizer_oracle_data.h).
#include "tokenizer_oracle_data.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace mlux::testing {
namespace {

const std::filesystem::path kOracleDir = std::filesystem::path(MLUX_TESTDATA_DIR) / "tokenizer_oracle";

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

std::vector<std::int32_t> ids_of(const nlohmann::json& j) { return j.get<std::vector<std::int32_t>>(); }

// A piece for diagnostics; ids our tokenizer does not know are shown as such.
std::string shown(const mlux::tokenizer::Tokenizer& tok, std::int32_t id) {
  try {
    return nlohmann::json(tok.id_to_piece(id)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception&) {
    return "(unknown id)";
  }
}

std::string window(const mlux::tokenizer::Tokenizer& tok, const std::vector<std::int32_t>& ids, std::size_t at) {
  std::ostringstream os;
  const std::size_t begin = at > 4 ? at - 4 : 0;
  const std::size_t end = std::min(ids.size(), at + 5);
  if (begin > 0) os << "... ";
  for (std::size_t i = begin; i < end; ++i) os << (i == at ? ">>" : "") << "[" << i << "] " << ids[i] << " " << shown(tok, ids[i]) << "  ";
  if (end < ids.size()) os << "...";
  return os.str();
}

}  // namespace

std::vector<std::string> oracle_tokenizer_names() {
  std::vector<std::string> names = {"gpt2", "llama3_2", "qwen2_5", "qwen3", "gemma2", "gemma3", "mistral_nemo", "llama2"};
  std::vector<std::string> variants;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(MLUX_SOURCE_DIR) / "tests/data/tokenizer_variants"))
    if (entry.path().extension() == ".json") variants.push_back(entry.path().stem().string());
  std::sort(variants.begin(), variants.end());
  names.insert(names.end(), variants.begin(), variants.end());
  return names;
}

std::optional<OracleData> load_oracle(const std::string& name) {
  std::ifstream in(kOracleDir / (name + ".json"));
  if (!in) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(in);
  OracleData data;
  data.tokenizer_json = std::filesystem::path(MLUX_TESTDATA_DIR) / j.at("tokenizer").get<std::string>();
  data.vocab_size = j.at("vocab_size").get<std::int32_t>();
  for (const auto& c : j.at("cases")) {
    OracleCase oc;
    oc.name = c.at("name").get<std::string>();
    oc.text = c.contains("bytes_hex") ? from_hex(c.at("bytes_hex").get<std::string>()) : c.at("text").get<std::string>();
    oc.ids = ids_of(c.at("ids"));
    oc.ids_no_special = ids_of(c.at("ids_no_special"));
    oc.decoded = c.at("decoded").get<std::string>();
    oc.decoded_skip_special = c.at("decoded_skip_special").get<std::string>();
    oc.decoded_no_special = c.at("decoded_no_special").get<std::string>();
    data.cases.push_back(std::move(oc));
  }
  for (const auto& c : j.at("decode_cases")) {
    data.decode_cases.push_back({c.at("name").get<std::string>(), ids_of(c.at("ids")), c.at("decoded").get<std::string>(),
                                 c.at("decoded_skip_special").get<std::string>()});
  }
  return data;
}

std::string missing_oracle_message(const std::string& name) {
  return "no oracle output for tokenizer '" + name + "' in " + kOracleDir.string() +
         ". Run scripts/fetch-testdata (make test does) to fetch the tokenizers and run the HF oracle.";
}

std::string describe_id_difference(const mlux::tokenizer::Tokenizer& tok, const std::vector<std::int32_t>& ours,
                                   const std::vector<std::int32_t>& expected) {
  if (ours == expected) return {};
  std::size_t at = 0;
  while (at < ours.size() && at < expected.size() && ours[at] == expected[at]) ++at;
  std::ostringstream os;
  os << "ids differ at position " << at << " (ours: " << ours.size() << " ids, Hugging Face: " << expected.size() << ")\n"
     << "  ours: " << window(tok, ours, at) << "\n"
     << "  HF:   " << window(tok, expected, at);
  return os.str();
}

::testing::AssertionResult same_text(const std::string& ours, const std::string& expected) {
  if (ours == expected) return ::testing::AssertionSuccess();
  std::size_t at = 0;
  while (at < ours.size() && at < expected.size() && ours[at] == expected[at]) ++at;
  const std::size_t begin = at > 20 ? at - 20 : 0;
  auto excerpt = [&](const std::string& s) {
    return nlohmann::json(s.substr(begin, 60)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::ostringstream os;
  os << "texts differ at byte " << at << " (ours: " << ours.size() << " bytes, Hugging Face: " << expected.size() << ")\n"
     << "  ours: " << excerpt(ours) << "\n  HF:   " << excerpt(expected);
  return ::testing::AssertionFailure() << os.str();
}

const mlux::tokenizer::Tokenizer& cached_tokenizer(const std::filesystem::path& tokenizer_json) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, mlux::tokenizer::Tokenizer> loaded;
  std::lock_guard lock(mutex);
  auto it = loaded.find(tokenizer_json);
  if (it == loaded.end()) it = loaded.emplace(tokenizer_json, mlux::tokenizer::Tokenizer::from_file(tokenizer_json)).first;
  return it->second;
}

}  // namespace mlux::testing

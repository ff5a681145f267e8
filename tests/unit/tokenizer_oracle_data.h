// Test support for the tokenizer parity tests: the names of the tokenizers the oracle
// (tests/oracle/tokenizer_oracle.mjs) covers, loading its output, and readable diffs of id
// sequences. The oracle output lives in MLUX_TESTDATA_DIR/tokenizer_oracle/<name>.json, written
// by scripts/fetch-testdata (which `make test` runs).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mlux/tokenizer/tokenizer.h"

namespace mlux::testing {

/// The real tokenizers, then every variant in tests/data/tokenizer_variants.
std::vector<std::string> oracle_tokenizer_names();

struct OracleCase {
  std::string name;
  std::string text;  // the bytes to encode (bytes_hex decoded when present)
  std::vector<std::int32_t> ids, ids_no_special;
  std::string decoded, decoded_skip_special, decoded_no_special;
};

struct OracleDecodeCase {
  std::string name;
  std::vector<std::int32_t> ids;
  std::string decoded, decoded_skip_special;
};

struct OracleData {
  std::filesystem::path tokenizer_json;
  std::int32_t vocab_size = 0;
  std::vector<OracleCase> cases;
  std::vector<OracleDecodeCase> decode_cases;
};

/// The oracle output for a tokenizer, or nullopt when it has not been generated.
std::optional<OracleData> load_oracle(const std::string& name);

/// The message to skip with when load_oracle found nothing.
std::string missing_oracle_message(const std::string& name);

/// An empty string when a == b; otherwise where the sequences first differ, with the tokens
/// around that point (pieces shown through tok).
std::string describe_id_difference(const mlux::tokenizer::Tokenizer& tok, const std::vector<std::int32_t>& ours,
                                   const std::vector<std::int32_t>& expected);

/// Success when ours == expected; otherwise a failure naming the first differing byte, with context.
::testing::AssertionResult same_text(const std::string& ours, const std::string& expected);

/// Loads each tokenizer once per test process (the big ones take most of a second).
const mlux::tokenizer::Tokenizer& cached_tokenizer(const std::filesystem::path& tokenizer_json);

/// A test run once per oracle tokenizer (the parameter is its name); skips when the oracle
/// output is missing.
class OracleTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    data_ = load_oracle(GetParam());
    if (!data_) GTEST_SKIP() << missing_oracle_message(GetParam());
  }
  const mlux::tokenizer::Tokenizer& tok() const { return cached_tokenizer(data_->tokenizer_json); }

  std::optional<OracleData> data_;
};

}  // namespace mlux::testing

// Small helpers shared by subcommands: parsing token-id lists and formatting numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlux::cli {

/// "5,17,42" → {5, 17, 42}; throws Error naming the bad entry.
std::vector<std::int64_t> parse_ids(const std::string& text);

/// Human-readable byte count: "2.30 GiB".
std::string format_bytes(std::uint64_t bytes);

/// 1235814400 → "1.24B"
std::string format_count(std::int64_t n);

}  // namespace mlux::cli

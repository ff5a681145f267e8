#include "mlux/hooks/model_input.h"

#include <algorithm>

#include "mlux/error.h"

namespace mlux::hooks {

std::vector<std::string> ModelInput::texts() const {
  if (const auto* s = std::get_if<std::string>(&value_)) return {*s};
  if (const auto* v = std::get_if<std::vector<std::string>>(&value_)) return *v;
  return {};
}

TokenBatch TokenBatch::from_rows(std::vector<std::vector<std::int32_t>> rows, std::int32_t pad_id) {
  if (rows.empty()) fail("input: the batch is empty; give at least one prompt");
  std::size_t longest = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].empty()) fail("input: prompt ", i, " has no tokens (an empty prompt). Give some text or ids.");
    longest = std::max(longest, rows[i].size());
  }
  const auto B = std::int64_t(rows.size()), T = std::int64_t(longest);
  std::vector<std::int64_t> flat(std::size_t(B * T), pad_id);
  TokenBatch b;
  bool padded = false;
  for (std::int64_t r = 0; r < B; ++r) {
    const auto& row = rows[std::size_t(r)];
    const std::int64_t start = T - std::int64_t(row.size());
    padded |= start > 0;
    b.key_start.push_back(std::int32_t(start));
    std::copy(row.begin(), row.end(), flat.begin() + r * T + start);
  }
  if (!padded) b.key_start.clear();
  b.ids = Tensor::from_data<std::int64_t>(flat, {B, T});
  b.rows = std::move(rows);
  return b;
}

}  // namespace mlux::hooks

#include "mlux/interp/token_display.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlux/error.h"

namespace mlux::interp {

std::string display_text(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += str("\\x", "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]);
        else out += char(c);
    }
  }
  const std::string space = "␣";
  if (!out.empty() && out.front() == ' ') out = space + out.substr(1);
  if (out.size() > 1 && out.back() == ' ') out = out.substr(0, out.size() - 1) + space;
  return out;
}

TokenInfo token_info(const hooks::HookedModel& model, std::int32_t id, int index) {
  TokenInfo t;
  t.index = index;
  t.id = id;
  t.text = model.has_tokenizer() ? model.tokenizer().decode_one(id) : str("[", id, "]");
  t.display = display_text(t.text);
  return t;
}

std::vector<TokenInfo> token_infos(const hooks::HookedModel& model, const std::vector<std::int32_t>& ids) {
  std::vector<TokenInfo> out;
  for (std::size_t i = 0; i < ids.size(); ++i) out.push_back(token_info(model, ids[i], int(i)));
  return out;
}

std::vector<Prediction> top_k(const hooks::HookedModel& model, const Tensor& logits_row, int k) {
  const std::vector<float> l = logits_row.to_floats();
  if (l.empty()) fail("top_k: empty logits");
  const float mx = *std::max_element(l.begin(), l.end());
  double z = 0;
  for (float v : l) z += std::exp(double(v) - mx);
  std::vector<std::int32_t> idx(l.size());
  std::iota(idx.begin(), idx.end(), 0);
  const std::size_t n = std::min<std::size_t>(std::size_t(std::max(k, 0)), l.size());
  std::partial_sort(idx.begin(), idx.begin() + std::ptrdiff_t(n), idx.end(), [&](auto a, auto b) {
    return l[std::size_t(a)] > l[std::size_t(b)];
  });
  std::vector<Prediction> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t id = idx[i];
    const float logit = l[std::size_t(id)];
    out.push_back({id, token_info(model, id).text, logit, float(std::exp(double(logit) - mx) / z)});
  }
  return out;
}

}  // namespace mlux::interp

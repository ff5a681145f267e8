#include "mlux/hooks/hook_docs.h"

#include <cctype>
#include <set>
#include <sstream>

#include "mlux/error.h"

namespace mlux::hooks {
namespace {

// Replaces every run of digits that follows "layers." or "h." with {i}.
std::string fold_layers(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size();) {
    const bool after_list = (i >= 7 && path.compare(i - 7, 7, "layers.") == 0) || (i >= 2 && path.compare(i - 2, 2, "h.") == 0 &&
                            (i == 2 || path[i - 3] == '.'));
    if (after_list && std::isdigit(static_cast<unsigned char>(path[i]))) {
      while (i < path.size() && std::isdigit(static_cast<unsigned char>(path[i]))) ++i;
      out += "{i}";
    } else {
      out += path[i++];
    }
  }
  return out;
}

std::string fold_blocks(const std::string& alias) {
  if (alias.rfind("blocks.", 0) != 0) return alias;
  const auto dot = alias.find('.', 7);
  return "blocks.{i}" + alias.substr(dot);
}

// A tiny recursive-descent evaluator: sum := product ('+' product)*, product := atom ('·' atom)*,
// atom := integer | name | '(' sum ')'.
struct DimParser {
  std::string_view s;
  std::size_t i = 0;
  const std::map<std::string, std::int64_t>& dims;
  const std::string& whole;

  void skip() { while (i < s.size() && s[i] == ' ') ++i; }
  bool eat(std::string_view tok) {
    skip();
    if (s.substr(i, tok.size()) != tok) return false;
    i += tok.size();
    return true;
  }
  std::int64_t sum() {
    std::int64_t v = product();
    while (eat("+")) v += product();
    return v;
  }
  std::int64_t product() {
    std::int64_t v = atom();
    while (eat("·")) v *= atom();
    return v;
  }
  std::int64_t atom() {
    skip();
    if (eat("(")) {
      const std::int64_t v = sum();
      if (!eat(")")) fail("hook docs: missing ')' in '", whole, "'");
      return v;
    }
    std::size_t j = i;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
    const std::string word(s.substr(i, j - i));
    i = j;
    if (word.empty()) fail("hook docs: cannot read '", whole, "'");
    if (std::isdigit(static_cast<unsigned char>(word[0]))) return std::stoll(word);
    auto it = dims.find(word);
    if (it == dims.end()) fail("hook docs: unknown dimension '", word, "' in '", whole, "'");
    return it->second;
  }
};

}  // namespace

std::string hook_points_markdown(const std::string& title, const HookPoints& points) {
  std::ostringstream md;
  md << "### " << title << "\n\n| hook point | shape | what it is |\n|---|---|---|\n";
  std::set<std::string> seen;
  for (const auto& p : points.all()) {
    const std::string path = fold_layers(p.path);
    if (!seen.insert(path).second) continue;
    md << "| `" << path << "` | " << p.shape << " | " << p.when << " |\n";
  }
  md << "\nAliases:\n\n| alias | names |\n|---|---|\n";
  std::set<std::string> seen_alias;
  for (const auto& a : points.aliases()) {
    const std::string name = fold_blocks(a.name);
    if (!seen_alias.insert(name).second) continue;
    md << "| `" << name << "` | `" << fold_layers(points.at(a.id).path) << "`"
       << (a.side == PointSide::input ? " (its input)" : "") << " |\n";
  }
  md << "\n";
  return md.str();
}

Shape resolve_dims(const std::string& named, const std::map<std::string, std::int64_t>& dims) {
  std::string_view s = named;
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') fail("hook docs: shape '", named, "' is not [dims]");
  s = s.substr(1, s.size() - 2);
  Shape out;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '(') ++depth;
    if (i < s.size() && s[i] == ')') --depth;
    if (i == s.size() || (s[i] == ',' && depth == 0)) {
      DimParser p{s.substr(start, i - start), 0, dims, named};
      out.push_back(p.sum());
      start = i + 1;
    }
  }
  return out;
}

}  // namespace mlux::hooks

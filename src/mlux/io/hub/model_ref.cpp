#include "mlux/io/hub/model_ref.h"

#include <algorithm>
#include <cctype>

#include "mlux/error.h"

namespace mlux::io::hub {
namespace {

constexpr std::size_t kMaxNameLength = 96;

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_id_char(char c) { return is_word_char(c) || c == '-' || c == '.'; }

// Why the part is not valid, or "" when it is.
std::string part_problem(std::string_view part, std::string_view what) {
  if (part.empty()) return str("the ", what, " is empty");
  for (char c : part)
    if (!is_id_char(c)) return str("the ", what, " '", part, "' contains '", std::string(1, c), "'");
  if (!is_word_char(part.front()) || !is_word_char(part.back()))
    return str("the ", what, " '", part, "' starts or ends with '-' or '.'");
  return "";
}

std::string id_problem(std::string_view id) {
  if (id.empty()) return "it is empty";
  if (std::count(id.begin(), id.end(), '/') > 1) return "it has more than one '/'";
  if (id.find("--") != std::string_view::npos) return "it contains '--'";
  if (id.find("..") != std::string_view::npos) return "it contains '..'";
  if (id.size() >= 4 && id.substr(id.size() - 4) == ".git") return "it ends with '.git'";
  const auto slash = id.find('/');
  const std::string_view name = slash == std::string_view::npos ? id : id.substr(slash + 1);
  if (slash != std::string_view::npos) {
    if (auto p = part_problem(id.substr(0, slash), "organization"); !p.empty()) return p;
  }
  if (auto p = part_problem(name, "name"); !p.empty()) return p;
  if (name.size() > kMaxNameLength) return str("the name is ", name.size(), " characters long (at most 96)");
  return "";
}

std::string revision_problem(std::string_view rev) {
  if (rev.empty()) return "the revision after '@' is empty";
  for (char c : rev)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      return "the revision contains a space or control character";
  if (rev.front() == '/' || rev.back() == '/' || rev.find("//") != std::string_view::npos)
    return "the revision has an empty '/'-separated part";
  const std::string padded = str('/', rev, '/');
  if (padded.find("/../") != std::string::npos || padded.find("/./") != std::string::npos)
    return "the revision contains a '.' or '..' part";
  return "";
}

}  // namespace

std::string ModelRef::to_string() const {
  return revision == "main" ? repo_id : repo_id + "@" + revision;
}

ModelRef parse_model_ref(std::string_view text) {
  const auto at = text.find('@');
  ModelRef ref;
  ref.repo_id = std::string(text.substr(0, at));
  if (at != std::string_view::npos) ref.revision = std::string(text.substr(at + 1));
  std::string problem = id_problem(ref.repo_id);
  if (problem.empty() && at != std::string_view::npos) problem = revision_problem(ref.revision);
  if (!problem.empty())
    fail("model '", text, "': not a Hugging Face model id (", problem,
         "). Ids look like 'org/name' or 'org/name@revision', using letters, digits, '-', '_' and '.'; "
         "for a model on disk, give the path of its directory.");
  return ref;
}

bool is_commit_hash(std::string_view revision) {
  return revision.size() == 40 &&
         std::all_of(revision.begin(), revision.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string repo_folder_name(std::string_view repo_id) {
  std::string out = "models--";
  for (char c : repo_id) {
    if (c == '/') out += "--";
    else out += c;
  }
  return out;
}

}  // namespace mlux::io::hub

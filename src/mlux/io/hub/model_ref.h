// ModelRef: a Hugging Face model id with its revision, as users type it ("org/name",
// "org/name@v1.0", "gpt2", "org/name@refs/pr/1"), checked by huggingface_hub's id rules.
#pragma once

#include <string>
#include <string_view>

namespace mlux::io::hub {

struct ModelRef {
  std::string repo_id;            // "org/name" or "name"
  std::string revision = "main";  // branch, tag, PR ref ("refs/pr/1") or 40-hex commit

  /// "org/name", or "org/name@rev" when the revision is not main.
  std::string to_string() const;
};

/// Parses "org/name[@revision]". Throws Error naming the rule broken (huggingface_hub's
/// validate_repo_id: letters, digits, '-', '_', '.'; at most one '/'; no '--' or '..'; no
/// '-' or '.' at either end of a part; name at most 96 characters).
ModelRef parse_model_ref(std::string_view text);

/// Whether `revision` is a full commit hash (40 lower-case hex digits), which needs no refs/ file.
bool is_commit_hash(std::string_view revision);

/// The cache folder of a model repo: "org/name" → "models--org--name".
std::string repo_folder_name(std::string_view repo_id);

}  // namespace mlux::io::hub

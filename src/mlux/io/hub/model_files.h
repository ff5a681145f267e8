// Which files of a repo make a model mlux can run, and whether a directory has them all. The rule
// (../shared/spec/model-formats.md §1.2): config.json, the optional generation and tokenizer
// files, and the safetensors weights: the shards model.safetensors.index.json names, else
// model.safetensors, else every top-level model*.safetensors (never consolidated.safetensors).
// Nothing else is fetched: no README, no pickles, no GGUF, no sub-folders.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlux::io::hub {

inline constexpr std::string_view kConfigFile = "config.json";
inline constexpr std::string_view kIndexFile = "model.safetensors.index.json";

/// How much of a model a caller needs: everything to run it, or only what text handling reads
/// (config.json and the optional files: tokenizer, chat template, generation config).
enum class ModelParts { everything, tokenizer };

/// Files read when present: generation settings, tokenizer, chat template.
const std::vector<std::string>& optional_model_files();

struct ModelFiles {
  std::vector<std::string> metadata;  // config.json, then the optional files the repo has
  std::optional<std::string> index;   // the index, when the repo has one
  std::vector<std::string> weights;   // known now: model.safetensors or model*.safetensors;
                                      // with an index, read it (shards_from_index) to know them
};

/// Picks the files to fetch from a repo's file list. Throws Error when there is no config.json
/// or no safetensors weights, saying what the repo has instead.
ModelFiles select_model_files(const std::vector<std::string>& repo_files, std::string_view repo);

/// The shard files an index's weight_map names: sorted, once each, each a safe relative path.
std::vector<std::string> shards_from_index(const std::filesystem::path& index_file);

/// What `dir` lacks to load as a model: config.json and, for ModelParts::everything, the weights
/// (every shard the index names, else model.safetensors or some model*.safetensors). Empty when
/// complete.
std::vector<std::string> missing_model_files(const std::filesystem::path& dir, ModelParts parts = ModelParts::everything);

/// A relative path inside a repo with no '..', '.', empty or absolute parts (server input is
/// joined to cache paths; this keeps it inside).
bool is_safe_repo_path(std::string_view path);

}  // namespace mlux::io::hub

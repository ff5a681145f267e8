// The hub's local side without a server: environment variables as huggingface_hub reads them,
// model ids, a cache laid out by hand the way huggingface_hub lays it out (found and loaded with
// no network), listing and removing cached models, and choosing a repo's files.
#include <gtest/gtest.h>

#include <map>

#include "hub_test_util.h"
#include "mlux/io/hub/cached_models.h"
#include "mlux/io/hub/content_digest.h"
#include "mlux/io/hub/model_files.h"
#include "mlux/io/hub/model_ref.h"
#include "mlux/models/causal_lm.h"
#include "test_util.h"

namespace mlux::testing {
namespace {
namespace fs = std::filesystem;
namespace hub = io::hub;

hub::HubEnvironment env_from(std::map<std::string, std::string> vars) {
  return hub::HubEnvironment::from([vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(HubEnvironment, DefaultsMatchHuggingfaceHub) {
  const auto env = env_from({{"HOME", "/home/u"}});
  EXPECT_EQ(env.endpoint, "https://huggingface.co");
  EXPECT_EQ(env.cache_dir, fs::path("/home/u/.cache/huggingface/hub"));
  EXPECT_FALSE(env.offline);
  EXPECT_FALSE(env.token.has_value());
  EXPECT_EQ(env.metadata_timeout.count(), 10);
}

TEST(HubEnvironment, CacheLocationFollowsTheVariablesInHuggingfaceHubsOrder) {
  EXPECT_EQ(env_from({{"HOME", "/h"}, {"XDG_CACHE_HOME", "/xdg"}}).cache_dir, fs::path("/xdg/huggingface/hub"));
  EXPECT_EQ(env_from({{"HOME", "/h"}, {"XDG_CACHE_HOME", "/xdg"}, {"HF_HOME", "/hf"}}).cache_dir, fs::path("/hf/hub"));
  EXPECT_EQ(env_from({{"HF_HOME", "/hf"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}}).cache_dir, fs::path("/legacy"));
  EXPECT_EQ(env_from({{"HF_HOME", "/hf"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}, {"HF_HUB_CACHE", "/c"}}).cache_dir,
            fs::path("/c"));
  EXPECT_EQ(env_from({{"HOME", "/h"}, {"DISK", "/mnt/d"}, {"HF_HUB_CACHE", "$DISK/${DISK}/~/$NOPE"}}).cache_dir,
            fs::path("/mnt/d//mnt/d/~/$NOPE"));  // like os.path.expandvars: unknown names stay
  EXPECT_EQ(env_from({{"HOME", "/h"}, {"HF_HOME", "~/hf"}}).cache_dir, fs::path("/h/hf/hub"));
}

TEST(HubEnvironment, EndpointOfflineAndTimeouts) {
  EXPECT_EQ(env_from({{"HF_ENDPOINT", "http://mirror.local:8080//"}}).endpoint, "http://mirror.local:8080");
  for (const char* yes : {"1", "true", "ON", "Yes"}) EXPECT_TRUE(env_from({{"HF_HUB_OFFLINE", yes}}).offline) << yes;
  for (const char* no : {"0", "false", "", "2"}) EXPECT_FALSE(env_from({{"HF_HUB_OFFLINE", no}}).offline) << no;
  EXPECT_TRUE(env_from({{"TRANSFORMERS_OFFLINE", "1"}}).offline);
  EXPECT_EQ(env_from({{"HF_HUB_ETAG_TIMEOUT", "30"}}).metadata_timeout.count(), 30);
  const std::string err = test::error_of([] { env_from({{"HF_HUB_DOWNLOAD_TIMEOUT", "soon"}}); });
  EXPECT_NE(err.find("HF_HUB_DOWNLOAD_TIMEOUT: 'soon'"), std::string::npos) << err;
}

TEST(HubEnvironment, TokenFromVariablesThenTheTokenFile) {
  const fs::path home = fresh_temp_dir("hub-token");
  write_file(home / "token", "  hf_from_file\n");
  write_file(home / "other", "hf_other_file\n");
  EXPECT_EQ(env_from({{"HF_HOME", home.string()}}).token, "hf_from_file");
  EXPECT_EQ(env_from({{"HF_HOME", home.string()}, {"HF_TOKEN_PATH", (home / "other").string()}}).token, "hf_other_file");
  EXPECT_EQ(env_from({{"HF_HOME", home.string()}, {"HUGGING_FACE_HUB_TOKEN", "hf_legacy"}}).token, "hf_legacy");
  EXPECT_EQ(env_from({{"HF_HOME", home.string()}, {"HUGGING_FACE_HUB_TOKEN", "hf_legacy"}, {"HF_TOKEN", "hf_env\n"}}).token,
            "hf_env");
  EXPECT_FALSE(env_from({{"HF_HOME", (home / "none").string()}}).token.has_value());
  fs::remove_all(home);
}

TEST(ModelRef, ParsesIdsAndRevisions) {
  auto r = hub::parse_model_ref("mlx-community/gemma-2-2b-it-4bit");
  EXPECT_EQ(r.repo_id, "mlx-community/gemma-2-2b-it-4bit");
  EXPECT_EQ(r.revision, "main");
  r = hub::parse_model_ref("gpt2@refs/pr/1");
  EXPECT_EQ(r.repo_id, "gpt2");
  EXPECT_EQ(r.revision, "refs/pr/1");
  EXPECT_EQ(r.to_string(), "gpt2@refs/pr/1");
  EXPECT_EQ(hub::repo_folder_name("mlx-community/Qwen2.5-7B"), "models--mlx-community--Qwen2.5-7B");
  EXPECT_EQ(hub::repo_folder_name("gpt2"), "models--gpt2");
}

TEST(ModelRef, RejectsMalformedIdsSayingWhy) {
  const std::map<std::string, std::string> cases = {
      {"a/b/c", "more than one '/'"}, {"", "empty"},          {"..", "'..'"},
      {"a/..", "'..'"},               {"-org/name", "starts or ends"}, {"org/name.", "starts or ends"},
      {"a--b/c", "'--'"},             {"org/na me", "contains ' '"},   {"org/name.git", ".git"},
      {"org/name@", "after '@' is empty"}, {"org/name@../x", "'..' part"}, {"org/", "name is empty"},
      {std::string("org/") + std::string(97, 'x'), "at most 96"}};
  for (const auto& [id, why] : cases) {
    const std::string err = test::error_of([&id = id] { hub::parse_model_ref(id); });
    EXPECT_NE(err.find(why), std::string::npos) << "'" << id << "': " << err;
    EXPECT_NE(err.find("org/name@revision"), std::string::npos) << err;
  }
}

TEST(ContentDigest, MatchesKnownVectors) {
  hub::ContentDigest sha(hub::DigestKind::sha256, 3);
  sha.update("abc");
  EXPECT_EQ(sha.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  hub::ContentDigest git(hub::DigestKind::git_blob_sha1, 6);  // `echo hello | git hash-object --stdin`
  git.update("hel");
  git.update("lo\n");
  EXPECT_EQ(git.hex(), "ce013625030ba8dba906f756967f9e9ca394464a");
  EXPECT_EQ(hub::digest_kind_of_etag("ce013625030ba8dba906f756967f9e9ca394464a"), hub::DigestKind::git_blob_sha1);
  EXPECT_EQ(hub::digest_kind_of_etag("abc-123"), hub::DigestKind::none);
}

TEST(ModelFiles, PicksConfigTokenizerAndWeightsOnly) {
  auto f = hub::select_model_files({"README.md", "config.json", "tokenizer.json", "model-00002-of-00002.safetensors",
                                    "model-00001-of-00002.safetensors", "consolidated.safetensors", "pytorch_model.bin"},
                                   "org/x");
  EXPECT_EQ(f.metadata, (std::vector<std::string>{"config.json", "tokenizer.json"}));
  EXPECT_EQ(f.weights, (std::vector<std::string>{"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}));
  f = hub::select_model_files({"config.json", "model.safetensors.index.json", "model-00001-of-00001.safetensors"}, "org/x");
  EXPECT_EQ(f.index, "model.safetensors.index.json");
  EXPECT_TRUE(f.weights.empty());  // the index names them
  EXPECT_NE(test::error_of([] { hub::select_model_files({"model.safetensors"}, "org/x"); }).find("no config.json"),
            std::string::npos);
  EXPECT_NE(test::error_of([] { hub::select_model_files({"config.json", "pytorch_model.bin"}, "org/x"); }).find("pytorch_model.bin"),
            std::string::npos);
  for (const char* bad : {"../x", "/etc/passwd", "a//b", "a/./b", "", "a\\b"}) EXPECT_FALSE(hub::is_safe_repo_path(bad)) << bad;
  EXPECT_TRUE(hub::is_safe_repo_path("sub/dir/file.json"));
}

// A cache built the way huggingface_hub builds one (file_download.py): content in blobs/ named by
// etag, refs/main holding the commit, snapshots/<commit>/ of relative symlinks.
class HandBuiltCache : public HubTest {
 protected:
  static constexpr const char* kCommit = "0123456789abcdef0123456789abcdef01234567";
  void build(const std::string& folder, const std::vector<std::string>& files) {
    const fs::path repo = cache_ / folder;
    const auto content = fixture_repo_files("llama-gqa");
    fs::create_directories(repo / "refs");
    fs::create_directories(repo / "blobs");
    write_file(repo / "refs" / "main", kCommit);
    for (const auto& f : files) {
      const std::string etag = FakeHub::etag_of(f, content.at(f));
      write_file(repo / "blobs" / etag, content.at(f));
      const fs::path link = repo / "snapshots" / kCommit / f;
      fs::create_directories(link.parent_path());
      fs::create_symlink(fs::path("../../blobs") / etag, link);
    }
  }
};

TEST_F(HandBuiltCache, IsFoundAndLoadedWithoutAnyNetwork) {
  build("models--org--tiny", {"config.json", "model.safetensors"});
  env_.endpoint = closed_endpoint();  // a request would fail the test
  env_.offline = true;
  const fs::path dir = resolve("org/tiny");
  EXPECT_EQ(dir, cache_ / "models--org--tiny" / "snapshots" / kCommit);
  EXPECT_EQ(models::CausalLM::load(dir)->config().model_type, "llama");

  env_.offline = false;  // a commit hash needs no network either
  EXPECT_EQ(resolve(std::string("org/tiny@") + kCommit), dir);
  EXPECT_EQ(hub::find_cached_model(hub::parse_model_ref("org/tiny"), cache_), dir);
}

TEST_F(HandBuiltCache, OfflineSaysWhatIsMissingAndWhere) {
  env_.offline = true;
  std::string err = test::error_of([&] { resolve("org/absent"); });
  EXPECT_NE(err.find("HF_HUB_OFFLINE is set"), std::string::npos) << err;
  EXPECT_NE(err.find((cache_ / "models--org--absent").string()), std::string::npos) << err;
  EXPECT_NE(err.find("mlux pull org/absent"), std::string::npos) << err;

  build("models--org--noweights", {"config.json"});
  err = test::error_of([&] { resolve("org/noweights"); });
  EXPECT_NE(err.find("lacks model.safetensors"), std::string::npos) << err;

  err = test::error_of([&] { resolve("org/noweights@v2"); });
  EXPECT_NE(err.find("no refs/v2"), std::string::npos) << err;
}

TEST_F(HandBuiltCache, LocalDirectoriesAndBadPaths) {
  const fs::path golden = fs::path(MLUX_GOLDEN_DIR) / "llama-gqa";
  EXPECT_EQ(resolve(golden.string()), golden);
  EXPECT_NE(test::error_of([&] { resolve("./no/such/dir"); }).find("is not a directory"), std::string::npos);
  EXPECT_NE(test::error_of([&] { resolve((golden / "config.json").string()); }).find("is a file"), std::string::npos);
  EXPECT_NE(test::error_of([&] { resolve("a/b/c"); }).find("not a Hugging Face model id"), std::string::npos);
}

TEST_F(HandBuiltCache, ListsModelsWithRevisionSizeArchitectureAndWeights) {
  build("models--org--tiny", {"config.json", "model.safetensors"});
  build("models--org--half", {"config.json"});
  write_file(cache_ / "models--org--half" / "blobs" / "abc.incomplete", "12345");
  fs::create_directories(cache_ / "datasets--org--data" / "blobs");
  const auto models = hub::list_cached_models(cache_);
  ASSERT_EQ(models.size(), 2u);
  const auto& half = models[0];
  const auto& tiny = models[1];
  EXPECT_EQ(tiny.repo_id, "org/tiny");
  ASSERT_EQ(tiny.snapshots.size(), 1u);
  EXPECT_EQ(tiny.snapshots[0].commit, kCommit);
  EXPECT_EQ(tiny.snapshots[0].refs, (std::vector<std::string>{"main"}));
  EXPECT_TRUE(tiny.snapshots[0].complete);
  const auto content = fixture_repo_files("llama-gqa");
  EXPECT_EQ(tiny.size_on_disk, content.at("config.json").size() + content.at("model.safetensors").size());
  EXPECT_EQ(tiny.model_type, "llama");
  EXPECT_EQ(tiny.weights, "float32");
  EXPECT_FALSE(tiny.partial_download);
  EXPECT_EQ(half.repo_id, "org/half");
  EXPECT_FALSE(half.snapshots[0].complete);
  EXPECT_TRUE(half.partial_download);
}

TEST_F(HandBuiltCache, DescribesQuantizedWeights) {
  write_file(cache_ / "q.json", R"({"model_type": "gemma2", "quantization": {"group_size": 64, "bits": 4}, "torch_dtype": "bfloat16"})");
  EXPECT_EQ(hub::describe_weights(cache_ / "q.json"), "4-bit (group 64)");
  write_file(cache_ / "g.json", R"({"quantization_config": {"quant_method": "gptq"}})");
  EXPECT_EQ(hub::describe_weights(cache_ / "g.json"), "gptq");
  write_file(cache_ / "v5.json", R"({"dtype": "bfloat16"})");
  EXPECT_EQ(hub::describe_weights(cache_ / "v5.json"), "bfloat16");
}

TEST_F(HandBuiltCache, RemovesAModelAndNothingElse) {
  build("models--org--tiny", {"config.json", "model.safetensors"});
  build("models--org--keep", {"config.json"});
  fs::create_directories(cache_ / ".locks" / "models--org--tiny");
  const auto before = hub::list_cached_models(cache_);
  const std::uint64_t freed = hub::remove_cached_model("org/tiny", cache_);
  EXPECT_EQ(freed, before[1].size_on_disk);
  EXPECT_FALSE(fs::exists(cache_ / "models--org--tiny"));
  EXPECT_FALSE(fs::exists(cache_ / ".locks" / "models--org--tiny"));
  EXPECT_TRUE(fs::exists(cache_ / "models--org--keep" / "refs" / "main"));
  EXPECT_NE(test::error_of([&] { hub::remove_cached_model("org/tiny", cache_); }).find("not in the cache"), std::string::npos);
  EXPECT_NE(test::error_of([&] { hub::remove_cached_model("org/keep@main", cache_); }).find("without '@revision'"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { hub::remove_cached_model("../..", cache_); }).find("not a Hugging Face model id"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(cache_ / "models--org--keep"));
}

}  // namespace
}  // namespace mlux::testing

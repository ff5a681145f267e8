// Pulling models from a hub (FakeHub on loopback) into a huggingface_hub-layout cache: the layout
// file by file, only the needed files, resuming after a dropped connection, errors users meet
// (gated, missing, network down), and the pulled model loading and running offline.
#include <gtest/gtest.h>

#include <thread>

#include "hub_test_util.h"
#include "mlux/io/hub/pull.h"
#include "mlux/io/safetensors.h"
#include "mlux/models/causal_lm.h"
#include "test_util.h"

namespace mlux::testing {
namespace {
namespace fs = std::filesystem;
namespace hub = io::hub;

Tensor logits_of(const fs::path& dir) {
  const auto model = models::CausalLM::load(dir);
  const std::vector<std::int64_t> tokens = {1, 5, 9, 2, 7};
  const Tensor ids = Tensor::from_data<std::int64_t>(tokens, {1, 5});
  return model->forward(ids).logits;
}

int count(const std::vector<RecordedRequest>& log, const std::string& method, const std::string& path_part) {
  int n = 0;
  for (const auto& r : log) n += r.method == method && r.path.find(path_part) != std::string::npos;
  return n;
}

class HubPull : public HubTest {};

TEST_F(HubPull, LaysOutTheCacheAsHuggingfaceHubDoes) {
  const fs::path dir = resolve("org/tiny");
  const std::string commit = hub_.commit_of("org/tiny");
  EXPECT_EQ(dir, repo_dir() / "snapshots" / commit);
  EXPECT_EQ(read_bytes(repo_dir() / "refs" / "main"), commit);  // no newline, as huggingface_hub writes it
  const auto files = fixture_repo_files("llama-gqa");
  for (const auto& name : expected_model_files()) {
    SCOPED_TRACE(name);
    const fs::path link = dir / name;
    ASSERT_TRUE(fs::is_symlink(link));
    const std::string etag = FakeHub::etag_of(name, files.at(name));
    EXPECT_EQ(fs::read_symlink(link), fs::path("../../blobs") / etag);  // relative, into blobs/
    EXPECT_EQ(read_bytes(repo_dir() / "blobs" / etag), files.at(name));
  }
  // LFS files are named by sha256 (64 hex), small files by their git blob sha1 (40 hex).
  EXPECT_EQ(FakeHub::etag_of("model.safetensors", files.at("model.safetensors")).size(), 64u);
  EXPECT_EQ(FakeHub::etag_of("config.json", files.at("config.json")).size(), 40u);
  std::vector<std::string> present;
  for (const auto& e : fs::recursive_directory_iterator(dir)) present.push_back(e.path().lexically_relative(dir).string());
  std::sort(present.begin(), present.end());
  EXPECT_EQ(present, expected_model_files());  // no README, reference, consolidated, original/
  for (const auto& e : fs::directory_iterator(repo_dir() / "blobs")) EXPECT_NE(e.path().extension(), ".incomplete");
  EXPECT_TRUE(fs::exists(cache_ / ".locks" / "models--org--tiny"));
}

TEST_F(HubPull, FetchesOnlyWhatTheModelNeedsAndRunsIt) {
  const fs::path dir = resolve("org/tiny");
  const auto log = hub_.requests();
  for (const char* unwanted : {"README.md", "reference.safetensors", "consolidated", ".gitattributes", "original/"})
    EXPECT_EQ(count(log, "GET", unwanted) + count(log, "HEAD", unwanted), 0) << unwanted;
  EXPECT_EQ(count(log, "GET", "/api/models/org/tiny/revision/main"), 1);
  EXPECT_EQ(test::max_abs_diff(logits_of(dir), logits_of(fs::path(MLUX_GOLDEN_DIR) / "llama-gqa")), 0.0f);
}

TEST_F(HubPull, CachedModelCostsOneRequestAndRunsOffline) {
  const fs::path first = resolve("org/tiny");
  hub_.clear_requests();
  EXPECT_EQ(resolve("org/tiny"), first);
  const auto log = hub_.requests();
  ASSERT_EQ(log.size(), 1u);  // the listing; every file is already in the snapshot
  EXPECT_EQ(log[0].method, "GET");

  env_.offline = true;
  env_.endpoint = closed_endpoint();
  EXPECT_EQ(resolve("org/tiny"), first);
  EXPECT_EQ(test::max_abs_diff(logits_of(first), logits_of(fs::path(MLUX_GOLDEN_DIR) / "llama-gqa")), 0.0f);
}

TEST_F(HubPull, ResumesWithARangeRequestAfterTheConnectionDrops) {
  hub_.drop_once("model.safetensors", 100000);
  const fs::path dir = resolve("org/tiny");
  const auto log = hub_.requests();
  auto resumed = std::find_if(log.begin(), log.end(), [](const auto& r) { return r.range == "bytes=100000-"; });
  ASSERT_NE(resumed, log.end()) << "no request resumed at the byte where the connection dropped";
  EXPECT_EQ(resumed->path.rfind("/cdn/", 0), 0u);  // the absolute Location, read directly
  EXPECT_EQ(read_bytes(dir / "model.safetensors"), fixture_repo_files("llama-gqa").at("model.safetensors"));
  // After the retry the server answered 206 and the file continued where it stopped.
  auto retry = std::find_if(events_.begin(), events_.end(), [](const auto& e) { return e.kind == hub::DownloadEventKind::retrying; });
  ASSERT_NE(retry, events_.end());
  auto restart = std::find_if(retry, events_.end(), [](const auto& e) { return e.kind == hub::DownloadEventKind::file_started; });
  ASSERT_NE(restart, events_.end());
  EXPECT_EQ(restart->bytes_done, 100000u);
}

TEST_F(HubPull, InterruptedPullLeavesOnlyAnIncompleteFileThatTheNextPullResumes) {
  hub_.drop_once("model.safetensors", 100000);
  auto opt = options();
  opt.fetch.max_retries = 0;  // as if the user pressed Ctrl-C at the drop
  const std::string err = test::error_of([&] { hub::resolve_model("org/tiny", opt); });
  EXPECT_NE(err.find("run the same command again to resume"), std::string::npos) << err;

  const auto weights = fixture_repo_files("llama-gqa").at("model.safetensors");
  const std::string etag = FakeHub::etag_of("model.safetensors", weights);
  EXPECT_EQ(fs::file_size(repo_dir() / "blobs" / (etag + ".incomplete")), 100000u);
  EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / etag));
  EXPECT_FALSE(fs::exists(repo_dir() / "refs" / "main"));  // no ref to a snapshot without weights
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots" / hub_.commit_of("org/tiny") / "model.safetensors"));

  env_.offline = true;
  const std::string offline = test::error_of([&] { resolve("org/tiny"); });
  EXPECT_NE(offline.find("HF_HUB_OFFLINE"), std::string::npos) << offline;

  env_.offline = false;
  hub_.clear_requests();
  const fs::path dir = resolve("org/tiny");
  const auto log = hub_.requests();
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const auto& r) { return r.range == "bytes=100000-"; }));
  EXPECT_EQ(count(log, "GET", "/config.json"), 0);  // files that were done stay done
  EXPECT_EQ(read_bytes(dir / "model.safetensors"), weights);
  EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / (etag + ".incomplete")));
}

TEST_F(HubPull, ReportsBytesOfEachFileUpToItsSize) {
  resolve("org/tiny");
  const auto size = fixture_repo_files("llama-gqa").at("model.safetensors").size();
  std::vector<hub::DownloadEventKind> kinds;
  std::uint64_t last = 0;
  for (const auto& e : events_) {
    if (e.file != "model.safetensors") continue;
    kinds.push_back(e.kind);
    EXPECT_EQ(e.bytes_total, size);
    EXPECT_GE(e.bytes_done, last);
    last = e.bytes_done;
  }
  ASSERT_GE(kinds.size(), 3u);
  EXPECT_EQ(kinds.front(), hub::DownloadEventKind::file_started);
  EXPECT_EQ(kinds.back(), hub::DownloadEventKind::file_finished);
  EXPECT_EQ(last, size);
}

TEST_F(HubPull, ShardedModelGetsItsIndexAndEveryShard) {
  const auto ckpt = io::Checkpoint::open(fs::path(MLUX_GOLDEN_DIR) / "llama-gqa");
  const fs::path tmp = cache_ / "shards";
  fs::create_directories(tmp);
  std::vector<std::pair<std::string, Tensor>> a, b;
  nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", nlohmann::json::object()}};
  for (const auto& name : ckpt.names()) {
    const bool first = a.size() <= b.size();
    (first ? a : b).emplace_back(name, ckpt.tensor(name));
    index["weight_map"][name] = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  io::save_safetensors(tmp / "1", a);
  io::save_safetensors(tmp / "2", b);
  FakeRepo repo;
  repo.files = fixture_repo_files("llama-gqa");
  repo.files.erase("model.safetensors");
  repo.files["model-00001-of-00002.safetensors"] = read_bytes(tmp / "1");
  repo.files["model-00002-of-00002.safetensors"] = read_bytes(tmp / "2");
  repo.files["model-00003-of-00002.safetensors"] = "a stray shard the index does not name";
  repo.files["model.safetensors.index.json"] = index.dump();
  hub_.add_repo("org/sharded", repo);

  const fs::path dir = resolve("org/sharded");
  EXPECT_TRUE(fs::is_symlink(dir / "model.safetensors.index.json"));
  EXPECT_TRUE(fs::is_symlink(dir / "model-00001-of-00002.safetensors"));
  EXPECT_TRUE(fs::is_symlink(dir / "model-00002-of-00002.safetensors"));
  EXPECT_FALSE(fs::exists(dir / "model-00003-of-00002.safetensors"));
  EXPECT_EQ(test::max_abs_diff(logits_of(dir), logits_of(fs::path(MLUX_GOLDEN_DIR) / "llama-gqa")), 0.0f);
}

TEST_F(HubPull, PinnedRevisionWritesItsOwnRef) {
  FakeRepo repo;
  repo.files = fixture_repo_files("llama-gqa");
  repo.refs = {{"main", ""}, {"v1.0", ""}};
  hub_.add_repo("org/versions", repo);
  const fs::path dir = resolve("org/versions@v1.0");
  const std::string commit = hub_.commit_of("org/versions", "v1.0");
  EXPECT_EQ(dir.filename(), commit);
  EXPECT_EQ(read_bytes(repo_dir("models--org--versions") / "refs" / "v1.0"), commit);
  EXPECT_FALSE(fs::exists(repo_dir("models--org--versions") / "refs" / "main"));

  // A commit hash needs no ref, and once cached, no request.
  hub_.clear_requests();
  EXPECT_EQ(resolve("org/versions@" + commit), dir);
  EXPECT_TRUE(hub_.requests().empty());
}

TEST_F(HubPull, GatedRepoAsksForTheLicenceAndAToken) {
  FakeRepo repo;
  repo.files = fixture_repo_files("llama-gqa");
  repo.gated = true;
  hub_.add_repo("org/gated", repo);
  const std::string err = test::error_of([&] { resolve("org/gated"); });
  EXPECT_NE(err.find("gated"), std::string::npos) << err;
  EXPECT_NE(err.find("accept"), std::string::npos) << err;
  EXPECT_NE(err.find("HF_TOKEN"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(repo_dir("models--org--gated") / "refs"));

  env_.token = FakeHub::kToken;
  hub_.clear_requests();
  const fs::path dir = resolve("org/gated");
  EXPECT_TRUE(fs::is_regular_file(dir / "model.safetensors"));
  for (const auto& r : hub_.requests()) {  // the token goes to the hub, never to the CDN
    if (r.path.rfind("/cdn/", 0) == 0) EXPECT_EQ(r.authorization, "") << r.path;
    else EXPECT_EQ(r.authorization, std::string("Bearer ") + FakeHub::kToken) << r.path;
  }
}

TEST_F(HubPull, MissingModelRevisionOrWeightsAreNamed) {
  std::string err = test::error_of([&] { resolve("org/nothing-here"); });
  EXPECT_NE(err.find("no such model"), std::string::npos) << err;
  err = test::error_of([&] { resolve("org/tiny@no-such-branch"); });
  EXPECT_NE(err.find("no revision 'no-such-branch'"), std::string::npos) << err;

  FakeRepo gguf;
  gguf.files = {{"config.json", "{}"}, {"model-q4.gguf", "GGUF"}};
  hub_.add_repo("org/gguf-only", gguf);
  err = test::error_of([&] { resolve("org/gguf-only"); });
  EXPECT_NE(err.find("model-q4.gguf"), std::string::npos) << err;
  EXPECT_NE(err.find("safetensors"), std::string::npos) << err;
}

TEST_F(HubPull, CorruptDownloadIsRejectedAndNotKept) {
  hub_.corrupt("model.safetensors");
  const std::string err = test::error_of([&] { resolve("org/tiny"); });
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
  EXPECT_NE(err.find("sha256"), std::string::npos) << err;
  const std::string etag = FakeHub::etag_of("model.safetensors", fixture_repo_files("llama-gqa").at("model.safetensors"));
  EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / etag));
  for (const auto& e : fs::directory_iterator(repo_dir() / "blobs")) EXPECT_NE(e.path().extension(), ".incomplete");

  hub_.corrupt("tokenizer_config.json");  // small files are checked against their git blob sha1
  hub_.add_repo("org/tiny2", [] { FakeRepo r; r.files = fixture_repo_files("llama-gqa"); return r; }());
  const std::string small = test::error_of([&] { resolve("org/tiny2"); });
  EXPECT_NE(small.find("git blob sha1"), std::string::npos) << small;
}

TEST_F(HubPull, NetworkDownSaysSoAndSuggestsOfflineMode) {
  env_.endpoint = closed_endpoint();
  const std::string err = test::error_of([&] { resolve("org/tiny"); });
  EXPECT_NE(err.find("cannot reach"), std::string::npos) << err;
  EXPECT_NE(err.find("HF_HUB_OFFLINE=1"), std::string::npos) << err;
}

TEST_F(HubPull, NetworkDownFallsBackToACompleteCachedCopy) {
  const fs::path dir = resolve("org/tiny");
  env_.endpoint = closed_endpoint();
  events_.clear();
  EXPECT_EQ(resolve("org/tiny"), dir);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].kind, hub::DownloadEventKind::using_cache);
}

TEST_F(HubPull, MirrorWithoutTheListingApiStillWorks) {
  hub_.set_api_enabled(false);
  const fs::path dir = resolve("org/tiny");
  for (const auto& f : expected_model_files()) EXPECT_TRUE(fs::is_regular_file(dir / f)) << f;
  // Absent optional files are remembered as huggingface_hub remembers them.
  EXPECT_TRUE(fs::exists(repo_dir() / ".no_exist" / hub_.commit_of("org/tiny") / "special_tokens_map.json"));
  EXPECT_EQ(read_bytes(repo_dir() / "refs" / "main"), hub_.commit_of("org/tiny"));
}

TEST_F(HubPull, RenamedRepoFollowsTheHubsRelativeRedirect) {
  hub_.rename_repo("old-org/tiny", "org/tiny");
  const fs::path dir = resolve("old-org/tiny");
  EXPECT_EQ(dir, repo_dir("models--old-org--tiny") / "snapshots" / hub_.commit_of("org/tiny"));
  EXPECT_TRUE(fs::is_regular_file(dir / "model.safetensors"));
}

TEST_F(HubPull, TokenizerOnlySkipsTheWeights) {
  auto opt = options();
  opt.parts = hub::ModelParts::tokenizer;
  const fs::path dir = hub::resolve_model("org/tiny", opt);
  EXPECT_TRUE(fs::is_regular_file(dir / "tokenizer.json"));
  EXPECT_FALSE(fs::exists(dir / "model.safetensors"));
  EXPECT_EQ(resolve("org/tiny"), dir);  // a full resolve completes the same snapshot
  EXPECT_TRUE(fs::is_regular_file(dir / "model.safetensors"));
}

TEST_F(HubPull, TwoPullsAtOnceShareTheWorkSafely) {
  std::string errors[2];
  fs::path dirs[2];
  std::thread t0([&] { errors[0] = test::error_of([&] { dirs[0] = resolve("org/tiny"); }); });
  std::thread t1([&] {
    auto opt = options();
    opt.fetch.progress = nullptr;
    errors[1] = test::error_of([&] { dirs[1] = hub::resolve_model("org/tiny", opt); });
  });
  t0.join();
  t1.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(dirs[0], dirs[1]);
  EXPECT_EQ(read_bytes(dirs[0] / "model.safetensors"), fixture_repo_files("llama-gqa").at("model.safetensors"));
}

}  // namespace
}  // namespace mlux::testing

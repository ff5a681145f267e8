// Model switching through the Hugging Face hub, against a fake hub on loopback (tests/unit/
// fake_hub.h): the model list marks the defaults "select to download" and lists what the cache
// holds, and loading an uncached model streams its download's progress, then serves it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "fake_hub.h"
#include "server_test_util.h"

namespace mlux::test {
namespace {

/// Points the process's hub environment at `endpoint` and `cache` for the test's lifetime.
struct HubEnv {
  HubEnv(const std::string& endpoint, const std::filesystem::path& cache) {
    ::setenv("HF_ENDPOINT", endpoint.c_str(), 1);
    ::setenv("HF_HUB_CACHE", cache.c_str(), 1);
    ::unsetenv("HF_HUB_OFFLINE");
  }
  ~HubEnv() {
    ::unsetenv("HF_ENDPOINT");
    ::unsetenv("HF_HUB_CACHE");
  }
};

TEST(ServerDownloads, PickingAnUncachedModelDownloadsItWithProgress) {
  mlux::testing::FakeHub hub;
  mlux::testing::FakeRepo repo;
  for (const char* f : {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"})
    repo.files[f] = mlux::testing::read_bytes(std::filesystem::path(MLUX_SOURCE_DIR) / "models/demo" / f);
  hub.add_repo("mlux-test/tiny-it", repo);
  const auto cache = std::filesystem::temp_directory_path() / ("mlux-server-hub-" + std::to_string(::getpid()));
  std::filesystem::remove_all(cache);
  HubEnv env(hub.endpoint(), cache);
  LiveServer s;

  auto [s1, before] = s.get("/api/models");
  ASSERT_EQ(s1, 200);
  EXPECT_EQ(before["downloads"], true);
  EXPECT_EQ(before["cache_dir"], cache.string());
  bool offered = false;
  for (const auto& m : before["models"])
    if (m["id"] == "mlx-community/gemma-2-2b-it-4bit")
      offered = m["cached"] == false && m["group"] == "instruct" && m["display"].get<std::string>().find("select to download") != std::string::npos;
  EXPECT_TRUE(offered) << before;

  auto [s2, events] = s.stream("/api/model/load", {{"model", "mlux-test/tiny-it"}});
  ASSERT_EQ(s2, 200);
  ASSERT_EQ(of_type(events, "done").size(), 1u) << events.back();
  bool saw_bytes = false;
  for (const auto& e : of_type(events, "progress"))
    saw_bytes = saw_bytes || (e["stage"] == "download" && e["file"] == "model.safetensors" && e["bytes_total"].get<std::uint64_t>() > 0 &&
                              e["bytes_done"] == e["bytes_total"]);
  EXPECT_TRUE(saw_bytes) << "a download progress event with the weights' size";
  EXPECT_EQ(s.get("/api/health").second["model"], "mlux-test/tiny-it");
  auto [s3, lens] = s.post("/api/lens", nlohmann::json{{"text", "Le contraire de \"petit\" est \""}, {"positions", {-1}}});
  EXPECT_EQ(s3, 200);
  EXPECT_EQ(lens["grid"].back()[0][0]["token"], "grand");  // the downloaded copy is the demo model

  auto [s4, after] = s.get("/api/models");
  bool listed = false;
  for (const auto& m : after["models"]) listed = listed || (m["id"] == "mlux-test/tiny-it" && m["cached"] == true);
  EXPECT_TRUE(listed) << after;

  auto [s5, missing] = s.stream("/api/model/load", {{"model", "mlux-test/no-such-model"}});
  ASSERT_FALSE(of_type(missing, "error").empty());
  EXPECT_EQ(s.get("/api/health").second["model"], "mlux-test/tiny-it");  // kept
  std::filesystem::remove_all(cache);
}

TEST(ServerDownloads, OfflineTheListExplainsHowToGetAModel) {
  const auto cache = std::filesystem::temp_directory_path() / ("mlux-server-offline-" + std::to_string(::getpid()));
  HubEnv env("http://127.0.0.1:9", cache);
  ::setenv("HF_HUB_OFFLINE", "1", 1);
  LiveServer s;
  auto [status, list] = s.get("/api/models");
  ::unsetenv("HF_HUB_OFFLINE");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(list["downloads"], false);
  EXPECT_NE(list["note"].get<std::string>().find("HF_HUB_OFFLINE"), std::string::npos);
}

}  // namespace
}  // namespace mlux::test

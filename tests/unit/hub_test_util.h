// Shared set-up for the hub tests: a FakeHub serving the llama-gqa fixture as "org/tiny", a fresh
// cache directory, an environment pointing at both, and the progress events a pull reported.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "fake_hub.h"
#include "mlux/io/hub/environment.h"
#include "mlux/io/hub/resolve.h"
#include "tiny_tokenizer.h"

namespace mlux::testing {

/// The files mlux fetches from the fixture repo: everything else there is noise.
inline const std::vector<std::string>& expected_model_files() {
  static const std::vector<std::string> files = {"config.json", "generation_config.json", "model.safetensors",
                                                 "tokenizer.json", "tokenizer_config.json"};
  return files;
}

/// A port nothing listens on: bound, then closed.
inline std::string closed_endpoint() {
  FakeHub gone;
  return gone.endpoint();
}

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = fresh_temp_dir(std::string("hub-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    FakeRepo tiny;
    tiny.files = fixture_repo_files("llama-gqa");
    hub_.add_repo("org/tiny", tiny);
    env_.endpoint = hub_.endpoint();
    env_.cache_dir = cache_;
    env_.metadata_timeout = env_.download_timeout = std::chrono::seconds(5);
  }
  void TearDown() override { std::filesystem::remove_all(cache_); }

  io::hub::ResolveOptions options() {
    io::hub::ResolveOptions opt;
    opt.env = env_;
    opt.fetch.retry_delay = std::chrono::milliseconds(0);
    opt.fetch.progress = [this](const io::hub::DownloadEvent& e) { events_.push_back(e); };
    return opt;
  }
  std::filesystem::path resolve(const std::string& ref) { return io::hub::resolve_model(ref, options()); }
  std::filesystem::path repo_dir(const std::string& folder = "models--org--tiny") const { return cache_ / folder; }

  FakeHub hub_;
  io::hub::HubEnvironment env_;
  std::filesystem::path cache_;
  std::vector<io::hub::DownloadEvent> events_;
};

}  // namespace mlux::testing

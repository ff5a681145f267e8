// The server's request limits (server::Limits) over real HTTP: each one, set low, refuses a request
// past it with a 4xx JSON answer that names the limit and the `mlux serve` flag raising it
// ({"error", "field", "limit": "--max-new-tokens"}); the same request to a server with the default
// (higher) limits goes through. The connection-level limits are in server_connection_test.cpp.
#include <gtest/gtest.h>

#include <future>

#include "mlux/server/http_error.h"
#include "mlux/server/model_manager.h"
#include "mlux/server/work_lock.h"
#include "server_test_util.h"

namespace mlux::test {
namespace {

server::Limits tight_limits() {
  server::Limits l = LiveServer::quick_limits();
  l.max_body_bytes = 2 * 1024;
  l.max_prompt_chars = 1024;
  l.max_prompt_tokens = 16;
  l.max_new_tokens = 4;
  l.max_sweep_cells = 10;
  l.max_pattern_tokens = 8;
  return l;
}

/// One server with every request limit set low, one with the defaults.
class ServerLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tight_ = new LiveServer(tight_limits());
    roomy_ = new LiveServer(server::Limits{});
  }
  static void TearDownTestSuite() {
    delete tight_;
    delete roomy_;
  }
  static LiveServer& tight() { return *tight_; }
  static LiveServer& roomy() { return *roomy_; }

 private:
  inline static LiveServer* tight_ = nullptr;
  inline static LiveServer* roomy_ = nullptr;
};

/// `answer` is `status` with a JSON error naming `flag` (in words and in its "limit" field).
void expect_limit(const std::pair<int, nlohmann::json>& answer, int status, const std::string& flag, const std::string& field = "") {
  const auto& [got, body] = answer;
  EXPECT_EQ(got, status) << body;
  ASSERT_TRUE(body.is_object() && body.contains("error")) << body;
  EXPECT_EQ(body.value("limit", ""), flag) << body;
  EXPECT_NE(body["error"].get<std::string>().find(flag), std::string::npos) << body;
  if (!field.empty()) {
    EXPECT_EQ(body.value("field", ""), field) << body;
  }
}

/// The first event of a stream, or its JSON error body.
std::pair<int, nlohmann::json> first_event(const LiveServer& s, const std::string& path, const nlohmann::json& body) {
  auto [status, events] = s.stream(path, body);
  return {status, events.empty() ? nlohmann::json() : events[0]};
}

std::string words(int n) {
  std::string text = "The";
  for (int i = 0; i < n; ++i) text += " cat";
  return text;
}

TEST_F(ServerLimits, BodySize) {
  const std::string body = "{\"text\": \"hello\"}" + std::string(3000, ' ');  // 3 KiB
  expect_limit(tight().post_raw("/api/tokenize", body), 413, "--max-body-kb");
  EXPECT_NE(tight().post_raw("/api/tokenize", body).second["error"].get<std::string>().find("2 KiB"), std::string::npos);
  EXPECT_EQ(roomy().post_raw("/api/tokenize", body).first, 200);
}

TEST_F(ServerLimits, PromptBytes) {
  std::string text;  // 1.5 KiB, 381 tokens
  for (int i = 0; i < 190; ++i) text += "the cat ";
  expect_limit(tight().post("/api/tokenize", {{"text", text}}), 400, "--max-prompt-kb", "text");
  expect_limit(tight().post("/api/chat_template", {{"prompt", "hi"}, {"system", text}}), 400, "--max-prompt-kb", "system");
  EXPECT_EQ(roomy().post("/api/tokenize", {{"text", text}}).first, 200);
}

TEST_F(ServerLimits, PromptTokens) {
  const std::string text = words(20);
  expect_limit(tight().post("/api/tokenize", {{"text", text}}), 400, "--max-prompt-tokens", "text");
  expect_limit(tight().post("/api/lens", {{"text", text}}), 400, "--max-prompt-tokens", "text");
  expect_limit(first_event(tight(), "/api/generate", {{"prompt", text}, {"max_tokens", 2}}), 400, "--max-prompt-tokens", "prompt");
  EXPECT_EQ(roomy().post("/api/lens", {{"text", text}}).first, 200);
}

TEST_F(ServerLimits, NewTokens) {
  const nlohmann::json ask = {{"prompt", "Once upon a time"}, {"max_tokens", 5}, {"stop", {"zzzz"}}};
  expect_limit(first_event(tight(), "/api/generate", ask), 400, "--max-new-tokens", "max_tokens");
  auto [status, events] = roomy().stream("/api/generate", ask);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(of_type(events, "done").at(0)["rows"][0]["tokens"], 5);
  // A page's default (200 tokens) larger than the limit is lowered to it, not refused.
  auto [s2, clamped] = tight().stream("/api/generate", {{"prompt", "Once upon a time"}, {"stop", {"zzzz"}}});
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(of_type(clamped, "done").at(0)["rows"][0]["tokens"], 4);
}

TEST_F(ServerLimits, SweepCells) {
  const nlohmann::json patch = {{"source", "a b c d"}, {"target", "a b c d"}};
  expect_limit(first_event(tight(), "/api/patch", patch), 400, "--max-sweep-cells", "positions");
  expect_limit(first_event(tight(), "/api/ablate", {{"prompt", "a b c d"}}), 400, "--max-sweep-cells", "prompt");
  EXPECT_EQ(roomy().stream("/api/patch", patch).first, 200);
  EXPECT_EQ(roomy().stream("/api/ablate", {{"prompt", "a b c d"}}).first, 200);
}

TEST_F(ServerLimits, AttentionPatternTokens) {
  const nlohmann::json ask = {{"text", words(10)}, {"layer", 0}};
  expect_limit(tight().post("/api/attention", ask), 400, "--max-pattern-tokens", "text");
  EXPECT_EQ(roomy().post("/api/attention", ask).first, 200);
}

TEST_F(ServerLimits, BusyWait) {
  auto& lock = tight().server().models().work();
  {
    const auto held = lock.acquire("a test job", std::chrono::seconds(5));
    auto answer = tight().post("/api/lens", {{"text", "Hello"}});
    expect_limit(answer, 409, "--busy-wait-ms");
    EXPECT_EQ(answer.second["busy"], "a test job");
  }
  // With the default wait (3 s) a request outlasts a short job instead.
  auto& roomy_lock = roomy().server().models().work();
  auto held = std::make_shared<server::WorkLock::Guard>(roomy_lock.acquire("a short job", std::chrono::seconds(5)));
  auto release = std::async(std::launch::async, [held] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    held->reset();
  });
  EXPECT_EQ(roomy().post("/api/lens", {{"text", "Hello"}}).first, 200);
  release.get();
}

TEST(WorkLockLine, RequestsPastTheWaitingLimitAreRefusedAtOnce) {
  server::WorkLock lock;
  auto held = lock.acquire("a long job", std::chrono::milliseconds(0));
  auto waiter = std::async(std::launch::async, [&lock] {
    return bool(lock.acquire("waiting", {.wait = std::chrono::seconds(30), .max_waiting = 1}));
  });
  for (int i = 0; i < 3000 && lock.waiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(lock.waiting(), 1);
  try {
    lock.acquire("one too many", {.wait = std::chrono::seconds(30), .max_waiting = 1});
    ADD_FAILURE() << "the second waiter was let in";
  } catch (const server::HttpError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(e.body()["limit"], "--max-waiting-jobs");
    EXPECT_EQ(e.body()["busy"], "a long job");
  }
  held.reset();
  EXPECT_TRUE(waiter.get());  // the one in line got the lock
  EXPECT_EQ(lock.waiting(), 0);
}

TEST(WorkLockLine, NoLineMeansBusyAtOnce) {
  server::Limits l = LiveServer::quick_limits();
  l.busy_wait = std::chrono::seconds(30);
  l.max_waiting_jobs = 0;
  LiveServer s(l);
  const auto held = s.server().models().work().acquire("a test job", std::chrono::seconds(5));
  expect_limit(s.post("/api/lens", {{"text", "Hello"}}), 409, "--max-waiting-jobs");
}

}  // namespace
}  // namespace mlux::test

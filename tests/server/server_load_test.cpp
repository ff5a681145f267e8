// The server under load, over loopback on the demo model: concurrent clients mixing valid requests
// (whose answers are checked), malformed ones, oversized ones, slow ones that stall mid-request, and
// clients that hang up in the middle of a generation stream, for two identical rounds. The server
// must keep answering, answer every valid request 2xx (or 409 busy, the documented answer while the
// model is taken), refuse every bad one with a 4xx JSON error, never answer 5xx, stop every
// abandoned generation (the work lock comes free within a bound far below the generation's own
// length) and not grow in memory from the first round to the second. It prints a tally (counts by
// class and status, error rates, resident memory) for docs/benchmarks.md, "Server under load":
//
//   build/release/mlux_server_tests --gtest_filter='ServerLoad.*'
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <random>
#include <thread>
#include <vector>

#include "load_tally.h"
#include "mlux/server/model_manager.h"
#include "raw_client.h"
#include "server_test_util.h"

namespace mlux::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

/// An abandoned generation asks for this many tokens; stopped, it frees the lock within kFreedWithin
/// (a few tokens' time), while running on would hold it for several seconds.
constexpr int kAbandonedTokens = 1000;
constexpr auto kFreedWithin = milliseconds(2000);
/// Resident memory may grow this much from the first round to the second (allocator slack).
constexpr long kRssSlackKib = 32 * 1024;
/// Whether this is an AddressSanitizer build (GCC says so with a macro, Clang with __has_feature).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif
constexpr int kClients = 21;

const std::string kWords[] = {"the", "cat", "sat", "on", "mat", "Le", "contraire", "de", "petit", "\n", "  ", "é", "日本", "🙂", "42", "!"};
const std::string kFrench = "Le contraire de \"petit\" est \"";
const std::string kSteerPrompt = "The movie was";

std::string request_text(const std::string& method, const std::string& path, const std::string& body, const std::string& extra = "") {
  return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

/// "" when `status`/`body` is a 4xx with a JSON error, else what is wrong.
std::string refusal_problem(int status, const nlohmann::json& body, int expected = 0) {
  if (status < 400 || status > 499) return "expected a 4xx";
  if (expected && status != expected) return "expected " + std::to_string(expected);
  if (!body.is_object() || !body.contains("error")) return "no JSON error body";
  return "";
}

class ServerLoad : public ::testing::Test {
 protected:
  static server::Limits load_limits() {
    server::Limits l;  // the defaults, except that slow clients are cut sooner (the test stays short)
    l.request_timeout = seconds(1);
    return l;
  }

  void SetUp() override {
    server_ = std::make_unique<LiveServer>(load_limits());
    auto& model = *server_->server().models().current()->model;
    std::mt19937 rng(7);
    for (int i = 0; i < 16; ++i) {
      std::string text;
      for (int w = 0; w < 1 + i; ++w) text += kWords[rng() % std::size(kWords)] + (rng() % 2 ? " " : "");
      texts_.push_back(text);
      expected_ids_.push_back(model.tokenize(text, true));
    }
    // The valid streams are steered generations (their busy name differs from base generation's, so
    // the abandoned-stream client can tell its own job from theirs).
    const auto [status, vector] = server_->post("/api/steering/vector", {{"positive", "I love this"}, {"negative", "I hate this"}});
    ASSERT_EQ(status, 200) << vector;
    auto [s2, events] = server_->stream("/api/steering/generate", steer_request());
    ASSERT_EQ(s2, 200);
    ASSERT_EQ(of_type(events, "done").size(), 1u);
    steered_text_ = of_type(events, "done")[0]["rows"][0]["text"];
  }

  static nlohmann::json steer_request() {
    return {{"prompt", kSteerPrompt}, {"alpha", 4}, {"max_tokens", 8}, {"temperature", 0}, {"stop", {"zzzz"}}};
  }

  // One client of each kind makes `n` requests, recording each in the tally.
  void tokenize_client(int seed, int n) {
    for (int i = 0; i < n; ++i) {
      const std::size_t k = std::size_t(seed * 7 + i) % texts_.size();
      const auto [status, body] = server_->post("/api/tokenize", {{"text", texts_[k]}});
      std::string problem;
      if (status == 200) {
        std::vector<std::int64_t> ids;
        for (const auto& t : body["tokens"]) ids.push_back(t["id"].get<std::int64_t>());
        if (ids != std::vector<std::int64_t>(expected_ids_[k].begin(), expected_ids_[k].end()))
          problem = "tokens differ from the model's tokenizer for '" + texts_[k] + "'";
      } else if (status != 409) {
        problem = body.dump();
      }
      tally_.record("tokenize", status, problem);
    }
  }
  void health_client(int n) {
    for (int i = 0; i < n; ++i) {
      const auto [status, body] = server_->get("/api/health");
      tally_.record("health", status, status == 200 && body["status"] == "ok" && body["model"] == "demo" ? "" : body.dump());
    }
  }
  void lens_client(int n) {
    for (int i = 0; i < n; ++i) {
      const auto [status, body] = server_->post("/api/lens", {{"text", kFrench}, {"positions", {-1}}});
      std::string problem;
      if (status == 200) {
        if (body["grid"].size() != 9 || body["grid"][8][0][0]["token"] != "grand") problem = "unexpected lens grid";
      } else if (status != 409) {
        problem = body.dump();
      }
      tally_.record("lens", status, problem);
    }
  }
  void stream_client(int n) {
    for (int i = 0; i < n; ++i) {
      const auto [status, events] = server_->stream("/api/steering/generate", steer_request());
      std::string problem;
      if (status == 200) {
        std::string text;
        for (const auto& e : of_type(events, "token")) text += e["token"].get<std::string>();
        const auto done = of_type(events, "done");
        if (done.size() != 1 || done[0]["rows"][0]["text"] != steered_text_ || text != steered_text_)
          problem = "the stream did not complete with the expected text: " + events.back().dump();
      } else if (status != 409) {
        problem = events.empty() ? "no answer" : events[0].dump();
      }
      tally_.record("stream", status, problem);
    }
  }
  void malformed_client(int seed, int n) {
    static const char* const paths[] = {"/api/tokenize", "/api/lens", "/api/attention", "/api/patch", "/api/generate", "/api/ablate"};
    for (int i = 0; i < n; ++i) {
      const std::string path = paths[std::size_t(seed + i) % std::size(paths)];
      switch ((seed + i) % 5) {
        case 0: record_refusal("malformed", server_->post_raw(path, "{\"text\": \"unterminated")); break;
        case 1: record_refusal("malformed", server_->post_raw(path, "{\"no_such_field\": 1}")); break;
        case 2: record_refusal("malformed", server_->post_raw(path, "[1, 2, 3]")); break;
        case 3: record_raw_refusal("malformed", "\x16\x03\x01\x02 not HTTP\r\n\r\n", 400); break;
        default: record_raw_refusal("malformed", "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n", 400);
      }
    }
  }
  void oversized_client(int n) {
    for (int i = 0; i < n; ++i) {
      switch (i % 6) {
        case 0: record_raw_refusal("oversized", request_text("POST", "/api/tokenize", std::string(300 * 1024, ' ')), 413); break;
        case 1: record_refusal("oversized", server_->post("/api/lens", {{"text", std::string(20 * 1024, 'a')}}), 400); break;
        case 2: {
          std::string many;
          for (int w = 0; w < 1500; ++w) many += " q";
          record_refusal("oversized", server_->post("/api/tokenize", {{"text", many}}), 400);
          break;
        }
        case 3: {
          const auto [status, events] = server_->stream("/api/generate", {{"prompt", "a"}, {"max_tokens", 5000}});
          record_refusal("oversized", {status, events.empty() ? nlohmann::json() : events[0]}, 400);
          break;
        }
        case 4:
          record_raw_refusal("oversized", "GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + std::string(80 * 1024, 'x') + "\r\n\r\n",
                             431);
          break;
        default: record_raw_refusal("oversized", "POST /api/lens HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999\r\n\r\n{", 413);
      }
    }
  }
  void slow_client(int n) {
    for (int i = 0; i < n; ++i) {
      RawClient c(server_->port());
      const std::string whole = request_text("POST", "/api/tokenize", "{\"text\": \"slow\"}");
      c.send(whole.substr(0, i % 2 ? 30 : whole.size() - 4));  // stalls in the headers, or in the body
      const auto a = c.read_answer(seconds(20));
      tally_.record("slow", a.status, refusal_problem(a.status, a.json, 408));
    }
  }
  void abandoning_client(int n) {
    for (int i = 0; i < n; ++i) {
      RawClient c(server_->port());
      const auto body = nlohmann::json{{"prompt", "Once upon a time"}, {"max_tokens", kAbandonedTokens}, {"stop", {"zzzz"}}}.dump();
      c.send(request_text("POST", "/api/generate", body));
      std::string got;
      const bool streaming = c.read_until(got, "data: ", 2, seconds(20));
      const int status = got.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(got.c_str() + 9) : -1;
      c.close();  // mid-stream
      if (!streaming) {
        tally_.record("abandoned", status, status == 409 ? "" : "no stream: " + got.substr(0, 200));
        continue;
      }
      // Only this client runs base generation, so a "generation" holding the lock is its own job.
      const auto until = Clock::now() + kFreedWithin;
      bool freed = false;
      while (!freed && Clock::now() < until) {
        freed = server_->server().models().work().holder() != "generation";
        if (!freed) std::this_thread::sleep_for(milliseconds(5));
      }
      tally_.record("abandoned", status, freed ? "" : "the generation went on after its client hung up");
    }
  }

  void record_refusal(const std::string& name, const std::pair<int, nlohmann::json>& answer, int expected = 0) {
    tally_.record(name, answer.first, refusal_problem(answer.first, answer.second, expected));
  }
  void record_raw_refusal(const std::string& name, const std::string& request, int expected) {
    RawClient c(server_->port());
    c.send(request);
    const auto a = c.read_answer(seconds(20));
    tally_.record(name, a.status, refusal_problem(a.status, a.json, expected));
  }

  /// One round: every client on its own thread, all at once (kClients of them).
  void round() {
    std::vector<std::function<void()>> clients;
    for (int i = 0; i < 4; ++i) clients.push_back([this, i] { tokenize_client(i, 40); });
    for (int i = 0; i < 2; ++i) clients.push_back([this] { health_client(30); });
    for (int i = 0; i < 2; ++i) clients.push_back([this] { lens_client(5); });
    for (int i = 0; i < 3; ++i) clients.push_back([this] { stream_client(5); });
    for (int i = 0; i < 3; ++i) clients.push_back([this, i] { malformed_client(i * 2, 20); });
    for (int i = 0; i < 2; ++i) clients.push_back([this] { oversized_client(12); });
    for (int i = 0; i < 4; ++i) clients.push_back([this] { slow_client(3); });
    clients.push_back([this] { abandoning_client(5); });  // one only: see abandoning_client
    ASSERT_EQ(int(clients.size()), kClients);
    std::vector<std::thread> threads;
    for (auto& c : clients) threads.emplace_back(c);
    for (auto& t : threads) t.join();
  }

  std::unique_ptr<LiveServer> server_;
  LoadTally tally_;
  std::vector<std::string> texts_;
  std::vector<std::vector<std::int32_t>> expected_ids_;
  std::string steered_text_;
};

TEST_F(ServerLoad, StaysUpAnswersCorrectlyRefusesCleanlyStopsAbandonedWorkAndHoldsItsMemory) {
  for (const char* name : {"tokenize", "health", "lens", "stream", "abandoned"}) tally_.add_class(name, true);
  for (const char* name : {"malformed", "oversized", "slow"}) tally_.add_class(name, false);

  const long rss_start = resident_kib();
  const auto t0 = Clock::now();
  round();
  const long rss_first = resident_kib();
  const auto t1 = Clock::now();
  round();
  const long rss_second = resident_kib();
  const auto t2 = Clock::now();

  // Still serving, and nothing holds the model.
  EXPECT_EQ(server_->get("/api/health").first, 200);
  EXPECT_EQ(server_->server().models().work().holder(), "");
  const auto [status, tokens] = server_->post("/api/tokenize", {{"text", texts_[3]}});
  EXPECT_EQ(status, 200) << tokens;

  const long valid = tally_.total(true, false), bad = tally_.total(false, true);
  const long busy = tally_.with_status(409, 409), ok = tally_.with_status(200, 299);
  const long refused = tally_.with_status(400, 499) - busy, server_errors = tally_.with_status(500, 599);
  const long no_answer = tally_.with_status(-1, -1);
  std::printf("\n[server under load] %d clients × 2 rounds over loopback, demo model\n", kClients);
  tally_.print(stdout);
  std::printf("valid requests:   %ld (2xx %ld, 409 busy %ld: %.1f%%)\n", valid, ok, busy, valid ? 100.0 * busy / valid : 0.0);
  std::printf("bad requests:     %ld (4xx JSON %ld: %.1f%%)\n", bad, refused, bad ? 100.0 * refused / bad : 0.0);
  std::printf("5xx: %ld, no answer: %ld, unexpected outcomes: %ld\n", server_errors, no_answer, tally_.unexpected());
  std::printf("resident memory:  start %ld KiB, after round 1 %ld KiB, after round 2 %ld KiB (%+ld KiB)\n", rss_start, rss_first,
              rss_second, rss_second - rss_first);
  std::printf("round times:      %.1f s, %.1f s\n", std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count());
  std::printf("tally: %s\n", tally_.json().dump().c_str());
  for (const auto& p : tally_.problems()) ADD_FAILURE() << p;

  EXPECT_EQ(tally_.unexpected(), 0);
  EXPECT_EQ(server_errors, 0);
  EXPECT_EQ(no_answer, 0);
  EXPECT_GT(ok, valid / 2) << "most valid requests should be served, not refused busy";
  // AddressSanitizer holds freed memory in quarantine (up to 256 MiB), so resident memory grows
  // there whatever the code does; in that build LeakSanitizer checks for leaks at exit instead.
  if (!kAddressSanitizer)
    EXPECT_LT(rss_second - rss_first, kRssSlackKib) << "memory grew from the first round to the identical second";
}

}  // namespace
}  // namespace mlux::test

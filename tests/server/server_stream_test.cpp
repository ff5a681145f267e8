// The explorer server's event streams over real HTTP on loopback, against the demo model:
// patching (one pair and a sweep), steering (vector, generation, comparison, download), ablation,
// base generation, model switching (a failed load keeps the old model), the work lock (a second
// job gets 409 busy) and cancellation (a client that hangs up frees the server at once).
#include <gtest/gtest.h>

#include <filesystem>

#include "server_test_util.h"

namespace mlux::test {
namespace {

class ServerStreams : public SharedServerTest {};

const std::string kSource = "Setup: Josh has a yellow book. Jesse has a black book. Alex has a green book.\nAnswer: The color of Josh's book is";
const std::string kTarget = "Setup: Jesse has a black book. Alex has a green book. Josh has a yellow book.\nAnswer: The color of Alex's book is";

int position_of(const nlohmann::json& tokens, const std::string& text) {
  int at = -1;
  for (const auto& t : tokens)
    if (t["text"].get<std::string>().find(text) != std::string::npos) at = t["index"];
  return at;
}

TEST_F(ServerStreams, PatchingTheNameMovesTheAnswerAtEarlyLayers) {
  auto [s1, tok] = s().post("/api/tokenize", nlohmann::json{{"text", kSource}});
  auto [s2, tok2] = s().post("/api/tokenize", nlohmann::json{{"text", kTarget}});
  const int sp = position_of(tok["tokens"], "Josh"), tp = position_of(tok2["tokens"], "Alex");
  ASSERT_GE(sp, 0);
  ASSERT_GE(tp, 0);
  auto [status, events] = s().stream("/api/patch", {{"source", kSource}, {"target", kTarget}, {"positions", {{sp, tp}}}});
  ASSERT_EQ(status, 200);
  ASSERT_EQ(of_type(events, "init").size(), 1u);
  const auto clean = of_type(events, "clean");
  ASSERT_EQ(clean.size(), 1u);
  EXPECT_EQ(clean[0]["clean"]["top"][0]["token"], " green");
  const auto layers = of_type(events, "layer");
  ASSERT_EQ(layers.size(), 8u);
  EXPECT_EQ(layers[0]["cells"][0]["outcome"]["top"][0]["token"], " yellow");  // the name carries the answer early on
  EXPECT_EQ(layers[7]["cells"][0]["outcome"]["top"][0]["token"], " green");   // too late at the top
  EXPECT_EQ(of_type(events, "done").size(), 1u);
  EXPECT_FALSE(of_type(events, "progress").empty());
}

TEST_F(ServerStreams, PatchingSweepsEveryPositionOfEqualLengthPrompts) {
  auto [status, events] = s().stream("/api/patch", {{"source", "The movie was good"}, {"target", "The movie was bad"},
                                                   {"layers", {0, 4}}, {"logit_diff", {" good", " bad"}}});
  ASSERT_EQ(status, 200) << events[0];
  const auto clean = of_type(events, "clean");
  ASSERT_EQ(clean.size(), 1u);
  const auto T = clean[0]["positions"].size();
  const auto layers = of_type(events, "layer");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[1]["layer"], 4);
  EXPECT_EQ(layers[0]["cells"].size(), T);
  auto [s2, unequal] = s().stream("/api/patch", {{"source", "a b c"}, {"target", "a b c d e"}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(unequal[0]["field"], "positions");
  auto [s3, range] = s().stream("/api/patch", {{"source", "a b"}, {"target", "a b"}, {"positions", {{0, 9}}}});
  EXPECT_EQ(s3, 400);
  EXPECT_NE(range[0]["error"].get<std::string>().find("out of range"), std::string::npos);
  auto [s4, site] = s().stream("/api/patch", {{"source", "a"}, {"target", "a"}, {"site", "neuron"}});
  EXPECT_EQ(s4, 400);
  EXPECT_EQ(site[0]["field"], "site");
}

TEST_F(ServerStreams, PatchingSweepsAreBoundedInCells) {
  server::Limits small = LiveServer::quick_limits();
  small.max_sweep_cells = 10;
  LiveServer tiny(small);
  auto [status, events] = tiny.stream("/api/patch", {{"source", "a b c d"}, {"target", "a b c d"}});
  EXPECT_EQ(status, 400);
  EXPECT_NE(events[0]["error"].get<std::string>().find("the limit is 10"), std::string::npos) << events[0];
}

TEST_F(ServerStreams, SteeringComputesAVectorStreamsAndCompares) {
  auto [s0, none] = s().stream("/api/steering/generate", {{"prompt", "The movie was"}});
  EXPECT_EQ(s0, 400);
  EXPECT_NE(none[0]["error"].get<std::string>().find("compute one first"), std::string::npos);
  auto [s1, v] = s().post("/api/steering/vector", nlohmann::json{{"positive", "I absolutely love this! It's amazing and wonderful!"},
                                                                  {"negative", "I absolutely hate this! It's terrible and awful!"},
                                                                  {"layer", 4}});
  ASSERT_EQ(s1, 200) << v;
  EXPECT_EQ(v["layer"], 4);
  EXPECT_GT(v["norm"].get<double>(), 0.0);
  EXPECT_GT(v["suggested_alpha"].get<double>(), 0.0);
  auto [s2, gen] = s().stream("/api/steering/generate", {{"prompt", "The movie was"}, {"alpha", 8}, {"max_tokens", 12}, {"temperature", 0}});
  ASSERT_EQ(s2, 200);
  EXPECT_FALSE(of_type(gen, "token").empty());
  const auto done = of_type(gen, "done");
  ASSERT_EQ(done.size(), 1u);
  const std::string positive = done[0]["rows"][0]["text"];
  auto [s3, cmp] = s().stream("/api/steering/compare", {{"prompt", "The movie was"}, {"alphas", {-8, 0, 8}}, {"max_tokens", 12},
                                                       {"temperature", 0}});
  ASSERT_EQ(s3, 200);
  const auto rows = of_type(cmp, "done");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0]["rows"].size(), 3u);
  EXPECT_EQ(rows[0]["rows"][2]["text"], positive);  // alpha 8 alone or in the batch: the same greedy text
  EXPECT_NE(rows[0]["rows"][0]["text"], rows[0]["rows"][2]["text"]);
  auto file = s().client().Get("/api/steering/vector.safetensors");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200);
  ASSERT_GT(file->body.size(), 8u + 256 * 4);
  EXPECT_EQ(file->body[8], '{');  // safetensors: an 8-byte header length, then the JSON header
  auto [s4, bad] = s().post("/api/steering/vector", nlohmann::json{{"positive", "a"}, {"negative", "b"}, {"layer", 99}});
  EXPECT_EQ(s4, 400);
  EXPECT_EQ(bad["field"], "layer");
}

TEST_F(ServerStreams, AblationStreamsEveryLayer) {
  auto [status, events] = s().stream("/api/ablate", {{"prompt", "X A V P Q R T X A V P Q R"}});
  ASSERT_EQ(status, 200);
  const auto init = of_type(events, "init");
  ASSERT_EQ(init.size(), 1u);
  const auto T = init[0]["tokens"].size();
  EXPECT_GT(init[0]["baseline_prob"].get<double>(), 0.0);
  const auto layers = of_type(events, "layer");
  ASSERT_EQ(layers.size(), 8u);
  double largest = 0;
  for (std::size_t l = 0; l < 8; ++l) {
    EXPECT_EQ(layers[l]["layer"], int(l));
    ASSERT_EQ(layers[l]["effects"].size(), T);
    for (const auto& e : layers[l]["effects"]) largest = std::max(largest, std::abs(e.get<double>()));
  }
  EXPECT_GT(largest, 0.05);  // something matters for the copied token
  EXPECT_EQ(of_type(events, "done").size(), 1u);
  auto [s2, bad] = s().stream("/api/ablate", {{"prompt", "a b"}, {"kind", "resample"}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(bad[0]["field"], "resample");
}

TEST_F(ServerStreams, BaseGenerationStreamsTokens) {
  auto [status, events] = s().stream("/api/generate", {{"prompt", "Q M T X B R F J K Q M T X"}, {"max_tokens", 8}, {"temperature", 0}});
  ASSERT_EQ(status, 200);
  std::string text;
  for (const auto& e : of_type(events, "token")) text += e["token"].get<std::string>();
  EXPECT_EQ(text.substr(0, 6), " B R F");
  const auto done = of_type(events, "done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["rows"][0]["text"], text);
  EXPECT_EQ(done[0]["rows"][0]["finish"], "length");
  auto raw = s().client().Post("/api/generate", nlohmann::json{{"prompt", "a"}, {"max_tokens", 2}}.dump(), "application/json");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->get_header_value("Content-Type"), "text/event-stream");
  EXPECT_EQ(raw->body.rfind("data: {", 0), 0u);  // "data: {json}\n\n" frames
  EXPECT_EQ(raw->body.substr(raw->body.size() - 2), "\n\n");
  auto [s2, bad] = s().stream("/api/generate", {{"prompt", "a"}, {"temperature", "hot"}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(bad[0]["field"], "temperature");
}

TEST_F(ServerStreams, ASecondJobGetsBusy) {
  {
    // Waits a little: the previous test's stream may still be letting go of the lock.
    auto held = s().server().models().work().acquire("a test job", std::chrono::seconds(5));
    auto [status, events] = s().stream("/api/generate", {{"prompt", "Hello"}});
    EXPECT_EQ(status, 409);
    EXPECT_EQ(events[0]["busy"], "a test job");
    EXPECT_NE(events[0]["error"].get<std::string>().find("busy"), std::string::npos);
    auto [s2, lens] = s().post("/api/lens", nlohmann::json{{"text", "Hello"}});
    EXPECT_EQ(s2, 409);
    auto [s3, health] = s().get("/api/health");
    EXPECT_EQ(health["busy"], "a test job");
  }
  auto [status, events] = s().stream("/api/generate", {{"prompt", "Hello"}, {"max_tokens", 2}});
  EXPECT_EQ(status, 200);
}

TEST_F(ServerStreams, AClientThatHangsUpStopsItsWork) {
  int frames = 0;
  auto client = s().client();
  const auto start = std::chrono::steady_clock::now();
  httplib::Request req;
  req.method = "POST";
  req.path = "/api/generate";
  req.set_header("Content-Type", "application/json");
  req.body = nlohmann::json{{"prompt", "Once upon a time"}, {"max_tokens", 1000}}.dump();
  req.content_receiver = [&](const char*, std::size_t, std::uint64_t, std::uint64_t) { return ++frames < 3; };
  auto r = client.send(req);
  EXPECT_FALSE(r);  // we cut it
  // The server notices at its next write and frees the lock long before 1000 tokens are done.
  bool freed = false;
  for (int i = 0; i < 200 && !freed; ++i) {
    freed = s().get("/api/health").second["busy"].is_null();
    if (!freed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(freed);
  const auto cut = std::chrono::steady_clock::now() - start;
  auto [status, events] = s().stream("/api/generate", {{"prompt", "Once upon a time"}, {"max_tokens", 1000}, {"stop", {"zzzzzz"}}});
  ASSERT_EQ(status, 200);
  const auto full = std::chrono::steady_clock::now() - start - cut;
  EXPECT_LT(cut * 2, full) << "stopping should take far less than generating everything";
}

TEST_F(ServerStreams, ModelSwitchingKeepsThePreviousModelOnFailure) {
  auto [s1, failed] = s().stream("/api/model/load", {{"model", "/no/such/model"}});
  ASSERT_EQ(s1, 200);
  ASSERT_FALSE(of_type(failed, "error").empty());
  EXPECT_NE(of_type(failed, "error")[0]["error"].get<std::string>().find("/no/such/model"), std::string::npos);
  EXPECT_EQ(s().get("/api/health").second["model"], "demo");

  const auto copy = std::filesystem::temp_directory_path() / ("mlux-server-test-model-" + std::to_string(::getpid()));
  std::filesystem::create_directories(copy);
  for (const char* f : {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"})
    std::filesystem::copy_file(std::filesystem::path(MLUX_SOURCE_DIR) / "models/demo" / f, copy / f,
                               std::filesystem::copy_options::overwrite_existing);
  auto [s2, loaded] = s().stream("/api/model/load", {{"model", copy.string()}});
  ASSERT_EQ(s2, 200);
  ASSERT_EQ(of_type(loaded, "done").size(), 1u) << loaded.back();
  EXPECT_FALSE(of_type(loaded, "progress").empty());
  EXPECT_EQ(s().get("/api/health").second["model"], copy.string());
  EXPECT_EQ(s().get("/api/models").second["models"][1]["id"], copy.string());  // offered again
  auto [s3, back] = s().stream("/api/model/load", {{"model", "demo"}});
  ASSERT_EQ(of_type(back, "done").size(), 1u);
  EXPECT_EQ(s().get("/api/health").second["model"], "demo");
  std::filesystem::remove_all(copy);
  auto [s4, bad] = s().stream("/api/model/load", {{"model", ""}});
  EXPECT_EQ(s4, 400);
}

}  // namespace
}  // namespace mlux::test

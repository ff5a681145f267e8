// The explorer server's JSON endpoints over real HTTP on loopback, against the demo model: pages
// and assets, health, models, tokenize, chat template, logit lens, attention, head scores — and
// what every endpoint must do with malformed, oversized or out-of-range requests (a 4xx JSON
// answer naming the problem, and the server keeps serving).
#include <gtest/gtest.h>

#include "server_test_util.h"

namespace mlux::test {
namespace {

class ServerApi : public SharedServerTest {};

const std::string kFrench = "Le contraire de \"petit\" est \"";

TEST_F(ServerApi, ServesEveryPageAndAssetFromTheBinary) {
  for (const char* page : {"/", "/logit-lens", "/patching", "/steering", "/ablation", "/base", "/attention"}) {
    auto r = s().client().Get(page);
    ASSERT_TRUE(r) << page;
    EXPECT_EQ(r->status, 200) << page;
    EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos) << page;
    EXPECT_NE(r->body.find("<html"), std::string::npos) << page;
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  }
  auto js = s().client().Get("/common.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_NE(js->get_header_value("Content-Type").find("javascript"), std::string::npos);
  auto css = s().client().Get("/style.css");
  ASSERT_TRUE(css);
  EXPECT_NE(css->get_header_value("Content-Type").find("text/css"), std::string::npos);
}

TEST_F(ServerApi, UnknownPathsAndFilesystemPathsAre404) {
  for (const char* path : {"/nope", "/../CMakeLists.txt", "/web/index.html", "/%2e%2e/CMakeLists.txt", "/api/nope", "/etc/passwd"}) {
    auto [status, body] = s().get(path);
    EXPECT_EQ(status, 404) << path;
    EXPECT_TRUE(body.contains("error")) << path;
  }
  auto [status, body] = s().post_raw("/api/nope", "{}");
  EXPECT_EQ(status, 404);
  EXPECT_NE(body["error"].get<std::string>().find("not found"), std::string::npos);
}

TEST_F(ServerApi, RefusesRequestsAddressedToOtherHosts) {
  auto r = s().client().Get("/api/health", {{"Host", "attacker.example:5050"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
}

TEST_F(ServerApi, HealthModelAndModelList) {
  auto [status, health] = s().get("/api/health");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["model"], "demo");
  EXPECT_EQ(health["n_layers"], 8);
  auto [s2, model] = s().get("/api/model");
  EXPECT_EQ(s2, 200);
  EXPECT_EQ(model["n_layers"], 8);
  EXPECT_EQ(model["n_heads"], 8);
  EXPECT_EQ(model["steering_layer"], 5);
  EXPECT_EQ(model["chat_template"], true);
  auto [s3, list] = s().get("/api/models");
  EXPECT_EQ(s3, 200);
  EXPECT_EQ(list["current"], "demo");
  ASSERT_FALSE(list["models"].empty());
  EXPECT_EQ(list["models"][0]["id"], "demo");
  bool has_gemma = false;
  for (const auto& m : list["models"]) has_gemma = has_gemma || m["id"] == "mlx-community/gemma-2-2b-it-4bit";
  EXPECT_TRUE(has_gemma);
}

TEST_F(ServerApi, TokenizeAddsBosAndShowsTokens) {
  auto [status, body] = s().post("/api/tokenize", nlohmann::json{{"text", "Hello world\n"}});
  ASSERT_EQ(status, 200) << body;
  const auto& t = body["tokens"];
  ASSERT_GE(t.size(), 3u);
  EXPECT_EQ(t[0]["text"], "<|endoftext|>");
  EXPECT_EQ(t[0]["index"], 0);
  EXPECT_EQ(t.back()["display"], "\\n");
  auto [s2, no_bos] = s().post("/api/tokenize", nlohmann::json{{"text", "Hello"}, {"add_bos", false}});
  EXPECT_EQ(s2, 200);
  EXPECT_NE(no_bos["tokens"][0]["text"], "<|endoftext|>");
}

TEST_F(ServerApi, MalformedBodiesAre400WithAMessage) {
  struct Case {
    std::string body, expect;
  } cases[] = {
      {"{not json", "not valid JSON"},
      {"[1, 2]", "must be a JSON object"},
      {"{\"text\": 5}", "field 'text': must be a string"},
      {"{\"txt\": \"hi\"}", "field 'txt': unknown field"},
      {"{}", "field 'text': is required"},
      {"{\"text\": \"hi\", \"add_bos\": \"yes\"}", "field 'add_bos': must be true or false"},
      {"\"\\ud800\"", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto [status, body] = s().post_raw("/api/tokenize", c.body);
    EXPECT_EQ(status, 400) << c.body;
    ASSERT_TRUE(body.contains("error")) << c.body;
    EXPECT_NE(body["error"].get<std::string>().find(c.expect), std::string::npos) << body["error"];
  }
  auto [status, health] = s().get("/api/health");  // still serving
  EXPECT_EQ(status, 200);
}

TEST_F(ServerApi, EveryPostEndpointRefusesMalformedOversizedAndUnknownFields) {
  for (const char* path : {"/api/tokenize", "/api/chat_template", "/api/lens", "/api/attention", "/api/heads", "/api/patch",
                           "/api/steering/vector", "/api/steering/generate", "/api/steering/compare", "/api/ablate",
                           "/api/generate", "/api/model/load"}) {
    auto [s1, b1] = s().post_raw(path, "{\"text\": ");
    EXPECT_EQ(s1, 400) << path;
    EXPECT_NE(b1.value("error", "").find("not valid JSON"), std::string::npos) << path << b1;
    auto [s2, b2] = s().post_raw(path, "{\"no_such_field\": 1}");
    EXPECT_EQ(s2, 400) << path;
    EXPECT_EQ(b2.value("field", ""), "no_such_field") << path << b2;
    auto [s3, b3] = s().post_raw(path, std::string(300 * 1024, ' '));
    EXPECT_EQ(s3, 413) << path;
    EXPECT_TRUE(b3.contains("error")) << path;
  }
  EXPECT_EQ(s().get("/api/health").first, 200);
}

TEST_F(ServerApi, OversizedBodiesAndPromptsAreRefused) {
  auto [s1, b1] = s().post("/api/tokenize", nlohmann::json{{"text", std::string(300 * 1024, 'a')}});
  EXPECT_EQ(s1, 413);
  EXPECT_TRUE(b1.contains("error"));
  auto [s2, b2] = s().post("/api/lens", nlohmann::json{{"text", std::string(20 * 1024, 'a')}});
  EXPECT_EQ(s2, 400);
  EXPECT_NE(b2["error"].get<std::string>().find("the limit is 16384"), std::string::npos) << b2;
  std::string many;
  for (int i = 0; i < 1500; ++i) many += " q";
  auto [s3, b3] = s().post("/api/lens", nlohmann::json{{"text", many}});
  EXPECT_EQ(s3, 400);
  EXPECT_NE(b3["error"].get<std::string>().find("tokens long; the limit is 1024"), std::string::npos) << b3;
  auto [s4, b4] = s().post("/api/generate", nlohmann::json{{"prompt", "Hi"}, {"max_tokens", 100000}});
  EXPECT_EQ(s4, 400);
  EXPECT_EQ(b4["field"], "max_tokens");
}

TEST_F(ServerApi, ChatTemplateWrapsAUserMessage) {
  auto [status, body] = s().post("/api/chat_template", nlohmann::json{{"prompt", "Describe a movie."}});
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(body["supported"], true);
  EXPECT_EQ(body["formatted"], "<|user|>\nDescribe a movie.\n<|assistant|>\n");
  auto [s2, b2] = s().post("/api/chat_template", nlohmann::json{{"prompt", 3}});
  EXPECT_EQ(s2, 400);
}

TEST_F(ServerApi, LogitLensShowsGrandAtTheTopWithProbabilities) {
  auto [status, body] = s().post("/api/lens", nlohmann::json{{"text", kFrench}});
  ASSERT_EQ(status, 200) << body;
  const auto& tokens = body["tokens"];
  const auto& grid = body["grid"];
  ASSERT_EQ(grid.size(), 9u);  // the embedding row, then 8 layers
  EXPECT_EQ(body["rows"][0], "embed");
  ASSERT_EQ(grid[0].size(), tokens.size());
  const auto& top = grid[8][tokens.size() - 1];
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0]["token"], "grand");
  EXPECT_GE(top[0]["prob"].get<double>(), top[1]["prob"].get<double>());
  EXPECT_GT(top[0]["prob"].get<double>(), 0.0);
  EXPECT_LE(top[0]["prob"].get<double>(), 1.0);
  EXPECT_TRUE(top[0].contains("logit"));
  auto [s2, mlp] = s().post("/api/lens", nlohmann::json{{"text", kFrench}, {"probe", "mlp"}, {"top_k", 5}, {"positions", {-1}}});
  ASSERT_EQ(s2, 200) << mlp;
  EXPECT_EQ(mlp["grid"].size(), 8u);
  EXPECT_EQ(mlp["grid"][0].size(), 1u);
  EXPECT_EQ(mlp["grid"][0][0].size(), 5u);
  auto [s3, bad] = s().post("/api/lens", nlohmann::json{{"text", kFrench}, {"probe", "resdi"}});
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(bad["field"], "probe");
  auto [s4, bad_pos] = s().post("/api/lens", nlohmann::json{{"text", "ab"}, {"positions", {40}}});
  EXPECT_EQ(s4, 400);
  EXPECT_EQ(bad_pos["field"], "positions");
}

TEST_F(ServerApi, AttentionPatternsAreCausalDistributions) {
  auto [status, body] = s().post("/api/attention", nlohmann::json{{"text", "Q M T X B Q M T X"}, {"layer", 3}});
  ASSERT_EQ(status, 200) << body;
  const auto& p = body["pattern"];
  ASSERT_EQ(p.size(), 8u);
  const auto T = body["tokens"].size();
  ASSERT_EQ(p[0].size(), T);
  for (std::size_t q = 0; q < T; ++q) {
    ASSERT_EQ(p[2][q].size(), q + 1);
    double sum = 0;
    for (const auto& w : p[2][q]) sum += w.get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-3);
  }
  auto [s2, two] = s().post("/api/attention", nlohmann::json{{"text", "a b c"}, {"layer", 0}, {"heads", {1, 2}}});
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(two["heads"], nlohmann::json({1, 2}));
  EXPECT_EQ(two["pattern"].size(), 2u);
  auto [s3, bad] = s().post("/api/attention", nlohmann::json{{"text", "a"}, {"layer", 8}});
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(bad["field"], "layer");
  auto [s4, missing] = s().post("/api/attention", nlohmann::json{{"text", "a"}});
  EXPECT_EQ(s4, 400);
  EXPECT_NE(missing["error"].get<std::string>().find("is required"), std::string::npos);
}

TEST_F(ServerApi, HeadScoresFindTheInductionHeads) {
  auto [status, body] = s().post("/api/heads", nlohmann::json{{"trials", 1}, {"length", 30}});
  ASSERT_EQ(status, 200) << body;
  ASSERT_EQ(body["layers"].size(), 8u);
  EXPECT_GT(body["induction"][3][2].get<double>(), 0.5);
  auto [s2, bad] = s().post("/api/heads", nlohmann::json{{"trials", 0}});
  EXPECT_EQ(s2, 400);
}

}  // namespace
}  // namespace mlux::test

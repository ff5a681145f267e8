// The server's connection limits over bare loopback sockets (raw_client.h): how many connections
// it serves at once (429 past it), how long a request may take to arrive (408), how large its head
// may be (431), bodies it will not read (411 chunked, 415 compressed, 413 declared too large), and
// how long and how often a kept-alive connection is reused. Every refusal is JSON, and the server
// keeps answering afterwards. Waits are bounded; nothing here asserts how fast anything is.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "raw_client.h"
#include "server_test_util.h"

namespace mlux::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string post_request(const std::string& path, const std::string& body, const std::string& extra_headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

const std::string kHealth = "GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n";

void expect_refusal(const RawAnswer& a, int status, const std::string& flag) {
  EXPECT_EQ(a.status, status) << a.head << "\n" << a.body;
  ASSERT_TRUE(a.json.is_object() && a.json.contains("error")) << a.body;
  if (flag.empty()) return;
  EXPECT_EQ(a.json.value("limit", ""), flag) << a.body;
  EXPECT_NE(a.json["error"].get<std::string>().find(flag), std::string::npos) << a.body;
}

server::Limits quick_connections() {
  server::Limits l = LiveServer::quick_limits();
  l.request_timeout = seconds(1);
  l.keep_alive_timeout = seconds(1);
  l.keep_alive_requests = 2;
  return l;
}

class ServerConnections : public SharedServer<&quick_connections> {};

TEST_F(ServerConnections, ARequestThatStallsGets408) {
  RawClient c(s().port());
  ASSERT_TRUE(c.send(post_request("/api/tokenize", "{\"text\": \"hello\"}").substr(0, 90)));
  expect_refusal(c.read_answer(seconds(10)), 408, "--request-timeout-s");
  EXPECT_TRUE(c.closed_by_server(seconds(5)));
  RawClient head_only(s().port());  // stalls inside the headers
  ASSERT_TRUE(head_only.send("GET /api/health HTTP/1.1\r\nHost: loc"));
  expect_refusal(head_only.read_answer(seconds(10)), 408, "--request-timeout-s");
  RawClient trickler(s().port());  // every byte comes in time, the whole request does not
  trickler.trickle(kHealth, 1, milliseconds(60));
  expect_refusal(trickler.read_answer(seconds(10)), 408, "--request-timeout-s");
  EXPECT_EQ(s().get("/api/health").first, 200);
}

TEST_F(ServerConnections, ASlowButTimelyRequestIsServedUnderALongerTimeout) {
  server::Limits l = quick_connections();
  l.request_timeout = seconds(10);
  LiveServer patient(l);
  RawClient c(patient.port());
  ASSERT_TRUE(c.trickle(post_request("/api/tokenize", "{\"text\": \"hello\"}"), 8, milliseconds(100)));  // ~1.5 s
  const auto a = c.read_answer(seconds(10));
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_TRUE(a.json.contains("tokens"));
}

TEST_F(ServerConnections, AConnectionThatSaysNothingIsClosed) {
  RawClient c(s().port());
  EXPECT_TRUE(c.closed_by_server(seconds(10)));
}

TEST_F(ServerConnections, HugeHeadersGet431) {
  RawClient c(s().port());
  const std::string header = "X-Padding: " + std::string(100 * 1024, 'x') + "\r\n";
  c.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\n");
  expect_refusal(c.read_answer(seconds(10)), 431, "");
  RawClient many(s().port());
  std::string headers;
  for (int i = 0; i < 2000; ++i) headers += "X-H" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  many.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n");
  expect_refusal(many.read_answer(seconds(10)), 431, "");
  EXPECT_EQ(s().get("/api/health").first, 200);
}

TEST_F(ServerConnections, BodiesItWillNotReadAreRefusedOnTheirHeaders) {
  {
    RawClient c(s().port());
    c.send("POST /api/tokenize HTTP/1.1\r\nHost: localhost\r\nContent-Length: 104857600\r\n\r\n{\"text\": ");
    expect_refusal(c.read_answer(seconds(10)), 413, "--max-body-kb");  // answered before 100 MB arrive
  }
  {
    RawClient c(s().port());
    c.send("POST /api/tokenize HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"te\r\n");
    expect_refusal(c.read_answer(seconds(10)), 411, "");
  }
  {
    RawClient c(s().port());
    c.send(post_request("/api/tokenize", "\x1f\x8b garbage", "Content-Encoding: gzip\r\n"));
    expect_refusal(c.read_answer(seconds(10)), 415, "");
  }
  {
    RawClient c(s().port());
    c.send("POST /api/tokenize HTTP/1.1\r\nHost: localhost\r\nContent-Length: lots\r\n\r\n{}");
    expect_refusal(c.read_answer(seconds(10)), 400, "");
  }
  {
    RawClient c(s().port());
    c.send("\x16\x03\x01 this is not HTTP at all\r\n\r\n");
    expect_refusal(c.read_answer(seconds(10)), 400, "");
  }
  EXPECT_EQ(s().get("/api/health").first, 200);
}

TEST_F(ServerConnections, KeepAliveIsBoundedInRequestsAndIdleTime) {
  RawClient c(s().port());
  ASSERT_TRUE(c.send(kHealth));
  EXPECT_EQ(c.read_answer(seconds(10)).status, 200);
  ASSERT_TRUE(c.send(kHealth));
  const auto last = c.read_answer(seconds(10));  // the second of --keep-alive-requests 2
  EXPECT_EQ(last.status, 200);
  EXPECT_NE(last.head.find("Connection: close"), std::string::npos) << last.head;
  EXPECT_TRUE(c.closed_by_server(seconds(5)));
  RawClient idle(s().port());
  ASSERT_TRUE(idle.send(kHealth));
  EXPECT_EQ(idle.read_answer(seconds(10)).status, 200);
  EXPECT_TRUE(idle.closed_by_server(seconds(10)));  // --keep-alive-s 1
}

TEST(ServerConnectionLimit, ConnectionsPastTheLimitGet429AndTheServerRecovers) {
  server::Limits l = LiveServer::quick_limits();
  l.max_connections = 2;
  LiveServer s(l);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 2; ++i) {
    idle.push_back(std::make_unique<RawClient>(s.port()));
    ASSERT_TRUE(idle.back()->connected());
    EXPECT_FALSE(idle.back()->closed_by_server(milliseconds(200)));  // served (waiting for a request), not turned away
  }
  RawClient extra(s.port());
  ASSERT_TRUE(extra.send(kHealth));
  const auto refused = extra.read_answer(seconds(10));
  expect_refusal(refused, 429, "--max-connections");
  EXPECT_NE(refused.head.find("Retry-After: 1"), std::string::npos);
  idle.clear();  // the taken connections go; the server serves again
  int status = -1;
  for (int i = 0; i < 200 && status != 200; ++i) {
    status = s.get("/api/health").first;
    if (status != 200) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(status, 200);
}

TEST(ServerConnectionLimit, TheDefaultLimitServesManyIdleConnections) {
  LiveServer s;
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(std::make_unique<RawClient>(s.port()));
  EXPECT_EQ(s.get("/api/health").first, 200);
}

}  // namespace
}  // namespace mlux::test

// `mlux serve`'s limit flags (cli/server_limit_options.h): each sets its field of server::Limits,
// values out of range or not numbers are command-line errors naming the flag, and `mlux serve
// --help` (and the page commands') lists every one.
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "mlux/cli/server_limit_options.h"

namespace mlux::test {
namespace {

using std::chrono::milliseconds;

const char* const kFlags[] = {"--max-body-kb",      "--max-prompt-kb",    "--max-prompt-tokens", "--max-new-tokens",
                              "--max-sweep-cells",  "--max-pattern-tokens", "--busy-wait-ms",    "--max-waiting-jobs",
                              "--max-connections",  "--request-timeout-s",  "--write-timeout-s", "--keep-alive-s",
                              "--keep-alive-requests"};

server::Limits parse(const std::string& args) {
  CLI::App app;
  server::Limits limits;
  cli::add_limit_options(app, limits);
  app.parse(args, false);
  return limits;
}

TEST(ServerLimitFlags, EachFlagSetsItsLimit) {
  const auto l = parse(
      "--max-body-kb 8 --max-prompt-kb 2 --max-prompt-tokens 50 --max-new-tokens 7 --max-sweep-cells 99 "
      "--max-pattern-tokens 33 --busy-wait-ms 250 --max-waiting-jobs 3 --max-connections 5 --request-timeout-s 4 "
      "--write-timeout-s 6 --keep-alive-s 2 --keep-alive-requests 9");
  EXPECT_EQ(l.max_body_bytes, 8u * 1024);
  EXPECT_EQ(l.max_prompt_chars, 2u * 1024);
  EXPECT_EQ(l.max_prompt_tokens, 50);
  EXPECT_EQ(l.max_new_tokens, 7);
  EXPECT_EQ(l.max_sweep_cells, 99u);
  EXPECT_EQ(l.max_pattern_tokens, 33);
  EXPECT_EQ(l.busy_wait, milliseconds(250));
  EXPECT_EQ(l.max_waiting_jobs, 3);
  EXPECT_EQ(l.max_connections, 5);
  EXPECT_EQ(l.request_timeout, milliseconds(4000));
  EXPECT_EQ(l.write_timeout, milliseconds(6000));
  EXPECT_EQ(l.keep_alive_timeout, milliseconds(2000));
  EXPECT_EQ(l.keep_alive_requests, 9);
}

TEST(ServerLimitFlags, FlagsNotGivenKeepTheDefaults) {
  const auto l = parse("--max-new-tokens 7");
  const server::Limits d;
  EXPECT_EQ(l.max_body_bytes, d.max_body_bytes);
  EXPECT_EQ(l.max_connections, d.max_connections);
  EXPECT_EQ(l.request_timeout, d.request_timeout);
}

TEST(ServerLimitFlags, BadValuesAreErrorsNamingTheFlag) {
  for (const std::string args : {"--max-new-tokens 0", "--max-body-kb lots", "--max-connections 100000", "--request-timeout-s 1.5",
                                 "--busy-wait-ms=-1", "--max-sweep-cells 0"}) {
    const std::string flag = args.substr(0, args.find_first_of(" ="));
    try {
      parse(args);
      ADD_FAILURE() << args << " was accepted";
    } catch (const CLI::ParseError& e) {
      EXPECT_NE(std::string(e.what()).find(flag), std::string::npos) << args << ": " << e.what();
    }
  }
}

TEST(ServerLimitFlags, ServeHelpListsEveryLimitFlagWithItsDefault) {
  for (const char* command : {"serve", "logit-lens"}) {
    const auto r = run_mlux({command, "--help"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* flag : kFlags) EXPECT_NE(r.out.find(flag), std::string::npos) << command << " --help lacks " << flag;
    EXPECT_NE(r.out.find("(default 1000)"), std::string::npos) << r.out;  // --max-new-tokens
  }
}

TEST(ServerLimitFlags, ABadValueStopsServeBeforeItStarts) {
  const auto r = run_mlux({"serve", "--no-browser", "--port", "0", "--max-connections", "0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--max-connections"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mlux::test

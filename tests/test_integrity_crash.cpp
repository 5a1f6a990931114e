#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "tests/support/process.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;

namespace {

struct Counts {
  std::int64_t observations = 0;
  std::int64_t audits = 0;
  bool operator==(const Counts&) const = default;
};

// After whatever happened: the database opens, passes db check and verify.
Counts check_whole(const std::string& db) {
  const auto check = test::run_cli({"--db", db, "db", "check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out == "ok\n");
  const auto verify = test::run_cli({"--json", "--db", db, "verify", "--case", "IR-1"});
  CHECK(verify.exit_code == 0);
  const auto report = nlohmann::json::parse(verify.out);
  CHECK(report.at("problems") == nlohmann::json::array());
  return {report.at("observations").get<std::int64_t>(), report.at("audit_records").get<std::int64_t>()};
}

}  // namespace

TEST_CASE("processes killed with SIGKILL at 20 random points leave whole transactions only",
          "[integrity]") {
  const auto binary = test::casetrail_binary();
  REQUIRE_FALSE(binary.empty());
  test::TempDir dir;
  const auto db = (dir / "case.db").string();
  REQUIRE(test::run_cli({"--db", db, "case", "new", "IR-1", "--title", "crash"}).exit_code == 0);
  // A 1 MB command line: a large single write (imports make larger ones).
  const auto big = dir / "big-cmd";
  test::write_file(big, std::string(1 << 20, 'A'));

  const std::vector<std::string> statuses = {"verified", "benign", "false-positive", "unverified"};
  // `round` < 0: the uncut runs that measure how long each kind takes.
  auto command = [&](int round, int kind) -> std::vector<std::string> {
    const std::string r = std::to_string(round);
    switch (kind) {
      case 0:
        return {"--db", db, "log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z", "--host",
                "WS1", "--cmd-file", big.string(), "--note", "big " + r};
      case 1:
        return {"--db", db, "log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z", "--host",
                "WS2", "--cmd", "small " + r, "--technique", "T1059", "--attr", "round=" + r};
      case 2:
        return {"--db", db, "obs", "correct", "--case", "IR-1", "1", "--field", "note", "--value",
                "corrected in round " + r, "--reason", "crash test"};
      default:
        // Consecutive marks differ, so each one is a change.
        return {"--db", db, "obs", "mark", "--case", "IR-1", "1",
                round < 0 ? "false-positive" : statuses[static_cast<std::size_t>(round / 4) % 4],
                "--reason", "crash test"};
    }
  };
  auto run_whole = [&](const std::vector<std::string>& args) {
    return test::wait_for(test::spawn(binary.string(), args, {{"CASETRAIL_ANALYST", "crash"}}));
  };

  // How long each kind of command takes uncut, so that kill points fall
  // anywhere from start-up to commit. (Only where the kill lands depends on
  // timing; what is checked afterwards does not.)
  std::vector<std::chrono::microseconds> duration(4);
  for (int kind = 0; kind < 4; ++kind) {
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(run_whole(command(-1 - kind, kind)) == 0);
    duration[static_cast<std::size_t>(kind)] =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  }
  Counts before = check_whole(db);
  REQUIRE(before == Counts{2, 2});

  std::mt19937 random(20260301);  // fixed: the same kill points on every run
  int committed = 0;
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    const auto args = command(round, round % 4);
    const auto limit = duration[static_cast<std::size_t>(round % 4)].count() * 6 / 5;
    const auto delay = std::uniform_int_distribution<long long>(0, limit)(random);
    const auto pid = test::spawn(binary.string(), args, {{"CASETRAIL_ANALYST", "crash"}});
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
    ::kill(pid, SIGKILL);
    const int status = test::wait_for(pid);
    CHECK((status == 128 + SIGKILL || status == 0));

    const Counts after = check_whole(db);
    const bool is_log = round % 4 < 2;
    const Counts one_more = is_log ? Counts{before.observations + 1, before.audits}
                                   : Counts{before.observations, before.audits + 1};
    // Whole transactions only: the command happened entirely or not at all.
    CHECK((after == before || after == one_more));
    const bool applied = after == one_more;
    committed += applied ? 1 : 0;

    // The re-run completes exactly: a log adds one more observation; an
    // audit change that was already applied is refused as a no-op.
    const int rerun = run_whole(args);
    const Counts final_counts = check_whole(db);
    if (is_log) {
      CHECK(rerun == 0);
      CHECK(final_counts == Counts{after.observations + 1, after.audits});
    } else {
      CHECK(rerun == (applied ? 1 : 0));
      CHECK(final_counts == one_more);
    }
    before = final_counts;
  }
  // Informational: how many kills came after the commit.
  WARN(committed << " of 20 killed commands had committed before the kill");
}

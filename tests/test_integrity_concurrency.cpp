#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "tests/support/process.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;

namespace {

// `writers` processes at a time, each running `casetrail log` `calls` times
// one after the other, all into one database file; then every observation
// must be there exactly once and the chain must verify.
void log_concurrently(int writers, int calls) {
  const auto binary = test::casetrail_binary();
  REQUIRE_FALSE(binary.empty());
  test::TempDir dir;
  const auto db = (dir / "case.db").string();
  REQUIRE(test::run_cli({"--db", db, "case", "new", "IR-1", "--title", "many writers"}).exit_code == 0);

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const std::string log = (dir / ("writer-" + std::to_string(w) + ".log")).string();
      for (int i = 0; i < calls; ++i) {
        const auto pid = test::spawn(
            binary.string(),
            {"--db", db, "log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z", "--host",
             "WS" + std::to_string(w), "--cmd", "writer " + std::to_string(w) + " call " + std::to_string(i),
             "--technique", "T1059"},
            {{"CASETRAIL_ANALYST", "writer-" + std::to_string(w)}}, log);
        if (test::wait_for(pid) != 0) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  if (failures != 0) {
    for (int w = 0; w < writers; ++w) {
      WARN(test::read_file(dir / ("writer-" + std::to_string(w) + ".log")));
    }
  }

  const auto list = test::run_cli({"--json", "--db", db, "obs", "list", "--case", "IR-1"});
  REQUIRE(list.exit_code == 0);
  std::multiset<std::string> commands;
  std::set<std::int64_t> numbers;
  for (const auto& o : nlohmann::json::parse(list.out)) {
    commands.insert(o.at("command_line").get<std::string>());
    numbers.insert(o.at("number").get<std::int64_t>());
  }
  std::multiset<std::string> expected;
  for (int w = 0; w < writers; ++w) {
    for (int i = 0; i < calls; ++i) {
      expected.insert("writer " + std::to_string(w) + " call " + std::to_string(i));
    }
  }
  CHECK(commands == expected);
  CHECK(numbers.size() == static_cast<std::size_t>(writers * calls));
  CHECK(*numbers.begin() == 1);
  CHECK(*numbers.rbegin() == writers * calls);

  const auto verify = test::run_cli({"--json", "--db", db, "verify", "--case", "IR-1"});
  CHECK(verify.exit_code == 0);
  const auto report = nlohmann::json::parse(verify.out);
  CHECK(report.at("intact") == true);
  CHECK(report.at("observations") == writers * calls);
  CHECK(report.at("chain_records") == writers * calls + 1);
  CHECK(test::run_cli({"--db", db, "db", "check"}).out == "ok\n");
}

}  // namespace

TEST_CASE("4 processes logging 100 times each into one file lose nothing and keep one chain",
          "[integrity]") {
  log_concurrently(4, 100);
}

// 4,000 process starts: about a minute on two cores, so it runs as its own
// CTest entry (tests/integrity.cmake) rather than with every change.
TEST_CASE("4 processes logging 1000 times each into one file lose nothing and keep one chain",
          "[integrity][.slow]") {
  log_concurrently(4, 1000);
}

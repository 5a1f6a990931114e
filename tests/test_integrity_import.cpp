// Imports among many writers and imports killed part way: the import
// variants of the integrity issue's concurrency and crash checks. The input
// is generated here: flat Windows event JSON lines of Sysmon 1 process
// creations, each with its own RecordNumber, so every record is one
// observation.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <random>
#include <set>
#include <thread>

#include "tests/support/process.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;
using nlohmann::json;

namespace {

// `records` Sysmon 1 events on 5 hosts, command lines of about 300 bytes.
void write_events(const std::filesystem::path& path, int records) {
  std::string out;
  for (int i = 0; i < records; ++i) {
    char time[40];
    std::snprintf(time, sizeof time, "2026-03-01 %02d:%02d:%02d.%03d", 8 + i / 3600 % 12,
                  i / 60 % 60, i % 60, i % 1000);
    char guid[64];
    std::snprintf(guid, sizeof guid, "{39e4a257-0ed3-5f91-6f03-%012x}", i);
    json e = {{"EventID", 1},
              {"SourceName", "Microsoft-Windows-Sysmon"},
              {"Channel", "Microsoft-Windows-Sysmon/Operational"},
              {"Hostname", "WS" + std::to_string(i % 5) + ".corp.local"},
              {"RecordNumber", 100000 + i},
              {"UtcTime", time},
              {"ProcessGuid", guid},
              {"ProcessId", std::to_string(4000 + i % 3000)},
              {"Image", "C:\\Windows\\System32\\cmd.exe"},
              {"CommandLine", "cmd.exe /c echo record " + std::to_string(i) + " " +
                                  std::string(260, static_cast<char>('a' + i % 26))},
              {"User", "CORP\\alice"},
              {"LogonId", "0xc61d9"},
              {"ParentImage", "C:\\Windows\\explorer.exe"},
              {"ParentProcessId", "700"},
              {"ParentCommandLine", "C:\\Windows\\explorer.exe"}};
    out += e.dump();
    out += '\n';
  }
  test::write_file(path, out);
}

struct Verified {
  std::int64_t observations = 0;
  std::int64_t import_runs = 0;
};

// db check and verify pass; the counts verify reports.
Verified check_whole(const std::string& db) {
  const auto check = test::run_cli({"--db", db, "db", "check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out == "ok\n");
  const auto verify = test::run_cli({"--json", "--db", db, "verify", "--case", "IR-1"});
  CHECK(verify.exit_code == 0);
  const auto report = json::parse(verify.out);
  CHECK(report.at("intact") == true);
  CHECK(report.at("problems") == json::array());
  return {report.at("observations").get<std::int64_t>(),
          report.at("import_runs").get<std::int64_t>()};
}

}  // namespace

TEST_CASE("an import among 4 processes logging lose nothing and keep one chain", "[integrity]") {
  const auto binary = test::casetrail_binary();
  REQUIRE_FALSE(binary.empty());
  test::TempDir dir;
  const auto db = (dir / "case.db").string();
  REQUIRE(test::run_cli({"--db", db, "case", "new", "IR-1", "--title", "writers"}).exit_code == 0);
  const auto events = dir / "events.jsonl";
  constexpr int k_records = 5000;
  constexpr int k_writers = 4;
  constexpr int k_calls = 50;
  write_events(events, k_records);

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    const auto pid = test::spawn(binary.string(),
                                 {"--db", db, "import", "--case", "IR-1", events.string()},
                                 {{"CASETRAIL_ANALYST", "importer"}},
                                 (dir / "import.log").string());
    if (test::wait_for(pid) != 0) ++failures;
  });
  for (int w = 0; w < k_writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < k_calls; ++i) {
        const auto pid = test::spawn(
            binary.string(),
            {"--db", db, "log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z", "--host",
             "LOG" + std::to_string(w), "--cmd", "writer " + std::to_string(w) + " call " +
                                                     std::to_string(i)},
            {{"CASETRAIL_ANALYST", "writer"}}, (dir / ("writer-" + std::to_string(w))).string());
        if (test::wait_for(pid) != 0) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  if (failures != 0) WARN(test::read_file(dir / "import.log"));

  const auto list = test::run_cli({"--json", "--db", db, "obs", "list", "--case", "IR-1"});
  REQUIRE(list.exit_code == 0);
  std::multiset<std::string> logged;
  std::set<std::int64_t> numbers;
  std::int64_t imported = 0;
  for (const auto& o : json::parse(list.out)) {
    numbers.insert(o.at("number").get<std::int64_t>());
    const auto cmd = o.at("command_line").get<std::string>();
    if (cmd.rfind("writer ", 0) == 0) {
      logged.insert(cmd);
    } else {
      ++imported;
    }
  }
  std::multiset<std::string> expected;
  for (int w = 0; w < k_writers; ++w) {
    for (int i = 0; i < k_calls; ++i) {
      expected.insert("writer " + std::to_string(w) + " call " + std::to_string(i));
    }
  }
  CHECK(logged == expected);
  CHECK(imported == k_records);
  CHECK(numbers.size() == static_cast<std::size_t>(k_records + k_writers * k_calls));
  const auto whole = check_whole(db);
  CHECK(whole.observations == k_records + k_writers * k_calls);
  CHECK(whole.import_runs == 1);
}

TEST_CASE("imports killed with SIGKILL at random points leave whole batches; a re-run completes "
          "exactly",
          "[integrity]") {
  const auto binary = test::casetrail_binary();
  REQUIRE_FALSE(binary.empty());
  test::TempDir dir;
  const auto db = (dir / "case.db").string();
  REQUIRE(test::run_cli({"--db", db, "case", "new", "IR-1", "--title", "crash"}).exit_code == 0);
  const auto events = dir / "events.jsonl";
  constexpr int k_records = 20000;
  write_events(events, k_records);
  const std::vector<std::string> args = {"--db", db, "import", "--case", "IR-1", events.string()};

  // How long a whole import takes, in a scratch database, so that the kill
  // points spread from start-up to the end. (Only where a kill lands depends
  // on timing; what is checked afterwards does not.)
  const auto scratch = (dir / "scratch.db").string();
  REQUIRE(test::run_cli({"--db", scratch, "case", "new", "IR-1", "--title", "t"}).exit_code == 0);
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(test::wait_for(test::spawn(binary.string(),
                                     {"--db", scratch, "import", "--case", "IR-1", events.string()},
                                     {})) == 0);
  const auto whole_run = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);

  std::mt19937 random(20260302);  // fixed: the same kill points on every run
  std::int64_t previous = 0;
  int cut = 0;
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    const auto delay =
        std::uniform_int_distribution<long long>(0, whole_run.count() * 9 / 10)(random);
    const auto pid = test::spawn(binary.string(), args, {{"CASETRAIL_ANALYST", "crash"}});
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
    ::kill(pid, SIGKILL);
    const int status = test::wait_for(pid);
    CHECK((status == 128 + SIGKILL || status == 0));
    cut += status == 128 + SIGKILL ? 1 : 0;
    const auto after = check_whole(db);
    // Whole batches only, never fewer than before, never more than the file.
    CHECK(after.observations >= previous);
    CHECK(after.observations <= k_records);
    previous = after.observations;
  }
  // The re-run completes exactly what the killed runs left.
  const auto rerun = test::run_cli({"--json", "--db", db, "import", "--case", "IR-1",
                                    events.string()});
  CHECK(rerun.exit_code == 0);
  const auto summary = json::parse(rerun.out).at("files").at(0);
  CHECK(summary.at("read") == k_records);
  CHECK(summary.at("imported").get<std::int64_t>() + summary.at("already_present").get<std::int64_t>() ==
        k_records);
  CHECK(summary.at("already_present") == previous);
  const auto final_counts = check_whole(db);
  CHECK(final_counts.observations == k_records);
  // And once more: nothing to add.
  const auto again = test::run_cli({"--json", "--db", db, "import", "--case", "IR-1",
                                    events.string()});
  CHECK(json::parse(again.out).at("files").at(0).at("imported") == 0);
  CHECK(check_whole(db).observations == k_records);
  // At least one run was cut before its end (the delays are below the
  // length of a whole run, and a killed run restarts from nothing).
  CHECK(cut >= 1);
}

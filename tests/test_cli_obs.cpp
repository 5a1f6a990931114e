#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;
using casetrail::test::TempDir;

namespace {

struct Logged {
  TempDir dir;
  std::string db = (dir / "case.db").string();
  Logged() {
    REQUIRE(run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"}).exit_code == 0);
    auto log = [&](std::vector<std::string> args) {
      std::vector<std::string> full = {"--db", db, "log", "--case", "IR-1"};
      full.insert(full.end(), args.begin(), args.end());
      REQUIRE(run_cli(full).exit_code == 0);
    };
    log({"--time", "2026-03-01T10:00:00Z", "--host", "WS1", "--account", "CORP\\bob", "--cmd",
         "whoami /all", "--technique", "T1033"});
    log({"--time", "2026-03-01T09:00:00Z", "--host", "ws2.corp.local", "--account",
         "alice@corp.local", "--cmd", "net user", "--technique", "T1087.001"});
    log({"--time", "2026-03-01T11:00:00Z", "--host", "WS1", "--kind", "note", "--note",
         "user called helpdesk"});
  }
  casetrail::test::CliResult run(std::vector<std::string> args) {
    std::vector<std::string> full = {"--db", db};
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full);
  }
};

}  // namespace

TEST_CASE("obs list prints a table in time order", "[cli]") {
  Logged l;
  auto r = l.run({"obs", "list", "--case", "IR-1"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "#  TIME (UTC)                   KIND     STATUS      HOST  ACCOUNT     TECHNIQUES  WHAT\n"
        "2  2026-03-01T09:00:00.000000Z  process  unverified  ws2   corp\\alice  T1087.001   net user\n"
        "1  2026-03-01T10:00:00.000000Z  process  unverified  ws1   corp\\bob    T1033       whoami /all\n"
        "3  2026-03-01T11:00:00.000000Z  note     unverified  ws1   -           -           user called helpdesk\n");
}

TEST_CASE("obs list filters by window, host, account, technique, kind and status", "[cli]") {
  Logged l;
  auto numbers = [&](std::vector<std::string> filter) {
    std::vector<std::string> args = {"--json", "obs", "list", "--case", "IR-1"};
    args.insert(args.end(), filter.begin(), filter.end());
    auto r = l.run(args);
    REQUIRE(r.exit_code == 0);
    std::vector<int> out;
    for (const auto& o : nlohmann::json::parse(r.out)) out.push_back(o.at("number"));
    return out;
  };
  CHECK(numbers({}) == std::vector<int>{2, 1, 3});
  CHECK(numbers({"--from", "2026-03-01T10:00:00Z", "--to", "2026-03-01T11:00:00Z"}) ==
        std::vector<int>{1, 3});
  CHECK(numbers({"--host", "WS1.corp.local"}) == std::vector<int>{1, 3});
  CHECK(numbers({"--account", "CORP\\Alice"}) == std::vector<int>{2});
  CHECK(numbers({"--technique", "T1087"}) == std::vector<int>{2});
  CHECK(numbers({"--kind", "note"}) == std::vector<int>{3});
  REQUIRE(l.run({"obs", "mark", "--case", "IR-1", "1", "verified", "--reason", "EDR confirms"})
              .exit_code == 0);
  CHECK(numbers({"--status", "verified"}) == std::vector<int>{1});
  CHECK(numbers({"--status", "unverified"}) == std::vector<int>{2, 3});
  auto bad = l.run({"obs", "list", "--case", "IR-1", "--status", "sure"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "casetrail: error: invalid --status \"sure\": expected unverified, verified, "
                   "benign or false-positive\n");
}

TEST_CASE("obs list shows times in --tz", "[cli]") {
  Logged l;
  auto r = l.run({"--tz", "Asia/Tokyo", "obs", "list", "--case", "IR-1", "--kind", "note"});
  CHECK(r.out ==
        "#  TIME (Asia/Tokyo)                 KIND  STATUS      HOST  ACCOUNT  TECHNIQUES  WHAT\n"
        "3  2026-03-01T20:00:00.000000+09:00  note  unverified  ws1   -        -           user called helpdesk\n");
}

TEST_CASE("obs mark needs a reason and records the history obs show prints", "[cli]") {
  Logged l;
  auto no_reason = l.run({"obs", "mark", "--case", "IR-1", "1", "verified"});
  CHECK(no_reason.exit_code == 2);
  CHECK(no_reason.err == "casetrail: error: missing --reason: say why the status changes\n");
  auto mark = l.run({"--analyst", "alice", "obs", "mark", "--case", "IR-1", "#1", "false-positive",
                     "--reason", "scheduled inventory job"});
  CHECK(mark.exit_code == 0);
  CHECK(mark.out == "#1 unverified -> false_positive\n");
  auto show = l.run({"obs", "show", "--case", "IR-1", "1"});
  CHECK_THAT(show.out, Catch::Contains("status            false_positive\n"));
  CHECK_THAT(show.out, Catch::Contains("history           2025-11-30T14:00:00.000000Z alice: status "
                                       "unverified -> false_positive (scheduled inventory job)\n"));
  auto j = nlohmann::json::parse(l.run({"--json", "obs", "show", "--case", "IR-1", "1"}).out);
  CHECK(j.at("history").at(0).at("reason") == "scheduled inventory job");
  CHECK(j.at("history").at(0).at("old") == "unverified");
  CHECK(j.at("history").at(0).at("new") == "false_positive");
  auto unknown = l.run({"obs", "mark", "--case", "IR-1", "99", "verified", "--reason", "x"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err == "casetrail: error: no observation #99 in case \"IR-1\"\n");
  auto bad_ref = l.run({"obs", "show", "--case", "IR-1", "#x"});
  CHECK(bad_ref.exit_code == 1);
  CHECK(bad_ref.err == "casetrail: error: invalid observation \"#x\": expected an observation "
                       "number such as 42 or #42\n");
}

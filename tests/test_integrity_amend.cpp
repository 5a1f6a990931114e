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
    REQUIRE(run({"case", "new", "IR-1", "--title", "t", "--tz", "Europe/Berlin"}).exit_code == 0);
    REQUIRE(run({"log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z", "--host", "WS1",
                 "--account", "CORP\\bob", "--cmd", "whoami /all", "--pid", "4242",
                 "--technique", "T1033"})
                .exit_code == 0);
    REQUIRE(run({"log", "--case", "IR-1", "--time", "2026-03-01T09:00:00Z", "--host", "WS2",
                 "--kind", "note", "--note", "user called helpdesk"})
                .exit_code == 0);
  }
  casetrail::test::CliResult run(std::vector<std::string> args) {
    std::vector<std::string> full = {"--db", db};
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full);
  }
  void verify_intact() {
    auto v = run({"verify", "--case", "IR-1"});
    CHECK(v.exit_code == 0);
    CHECK_THAT(v.out, Catch::Contains("\nintact\n"));
  }
};

}  // namespace

TEST_CASE("a correction shows both values and keeps the chain valid", "[integrity]") {
  Logged l;
  auto r = l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "cmd", "--value",
                  "whoami /priv", "--reason", "typo when logging"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "#1 command_line: whoami /all -> whoami /priv\n");
  r = l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "time", "--value",
             "2026-03-01 11:02:00", "--reason", "EDR clock"});
  CHECK(r.out == "#1 observed_at: 2026-03-01T10:00:00.000000Z -> 2026-03-01T10:02:00.000000Z\n");
  auto show = l.run({"obs", "show", "--case", "IR-1", "1"});
  CHECK_THAT(show.out, Catch::Contains(
                           "observed at       2026-03-01T10:00:00.000000Z\n"
                           "observed (local)  2026-03-01T11:00:00.000000+01:00\n"
                           "observed as       2026-03-01T10:00:00Z (offset +00:00)\n"
                           "  corrected       2026-03-01T10:02:00.000000Z (2025-11-30T14:00:00.000000Z "
                           "by tester: EDR clock)\n"));
  CHECK_THAT(show.out, Catch::Contains(
                           "command line      whoami /all\n"
                           "  corrected       whoami /priv (2025-11-30T14:00:00.000000Z by tester: "
                           "typo when logging)\n"));
  auto json = nlohmann::json::parse(l.run({"--json", "obs", "show", "--case", "IR-1", "1"}).out);
  CHECK(json.at("command_line") == "whoami /all");
  CHECK(json.at("corrections").at("command_line") ==
        nlohmann::json{{"value", "whoami /priv"},
                       {"original", "whoami /all"},
                       {"analyst", "tester"},
                       {"at", "2025-11-30T14:00:00.000000Z"},
                       {"reason", "typo when logging"}});
  CHECK(json.at("corrections").at("observed_at").at("value") == "2026-03-01T10:02:00.000000Z");
  l.verify_intact();
}

TEST_CASE("a second correction replaces the first and keeps the logged value as original",
          "[integrity]") {
  Logged l;
  REQUIRE(l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "pid", "--value", "0x10",
                 "--reason", "hex"})
              .out == "#1 pid: 4242 -> 16\n");
  REQUIRE(l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "pid", "--value", "17",
                 "--reason", "off by one"})
              .out == "#1 pid: 16 -> 17\n");
  auto json = nlohmann::json::parse(l.run({"--json", "obs", "show", "--case", "IR-1", "1"}).out);
  CHECK(json.at("pid") == 4242);
  CHECK(json.at("corrections").at("pid").at("value") == "17");
  CHECK(json.at("corrections").at("pid").at("original") == "4242");
  CHECK(json.at("history").size() == 2);
  auto same = l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "pid", "--value", "17",
                     "--reason", "again"});
  CHECK(same.exit_code == 1);
  CHECK(same.err == "casetrail: error: observation #1 pid is already \"17\"\n");
  l.verify_intact();
}

TEST_CASE("a field that was not logged can be corrected and shows as corrected", "[integrity]") {
  Logged l;
  REQUIRE(l.run({"obs", "correct", "--case", "IR-1", "2", "--field", "account", "--value",
                 "CORP\\alice", "--reason", "helpdesk ticket"})
              .out == "#2 account: - -> CORP\\alice\n");
  auto show = l.run({"obs", "show", "--case", "IR-1", "2"});
  CHECK_THAT(show.out, Catch::Contains("account           -\n"
                                       "  corrected       CORP\\alice (2025-11-30T14:00:00.000000Z "
                                       "by tester: helpdesk ticket)\n"));
}

TEST_CASE("a correction is refused without a reason, for an unknown field or a bad value",
          "[integrity]") {
  Logged l;
  auto r = l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "cmd", "--value", "x"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "casetrail: error: missing --reason: say why the value is corrected\n");
  r = l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "uuid", "--value", "x",
             "--reason", "r"});
  CHECK(r.exit_code == 1);
  CHECK(r.err ==
        "casetrail: error: invalid --field \"uuid\": not correctable; one of time, kind, host, "
        "account, cmd, image, pid, guid, parent-image, parent-cmd, parent-pid, parent-guid, cwd, "
        "logon-id, integrity-level, hashes, source, source-ref, note\n");
  r = l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "time", "--value",
             "2026-13-01T00:00:00Z", "--reason", "r"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "casetrail: error: invalid --value \"2026-13-01T00:00:00Z\": month 13\n");
  r = l.run({"obs", "correct", "--case", "IR-1", "7", "--field", "cmd", "--value", "x",
             "--reason", "r"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "casetrail: error: no observation #7 in case \"IR-1\"\n");
  auto history = nlohmann::json::parse(l.run({"--json", "obs", "show", "--case", "IR-1", "1"}).out);
  CHECK_FALSE(history.contains("history"));
}

TEST_CASE("a command line correction keeps bytes that are not UTF-8", "[integrity]") {
  Logged l;
  const std::string bytes("cmd /c \xff\xfe", 9);
  REQUIRE(l.run({"obs", "correct", "--case", "IR-1", "1", "--field", "command_line", "--value",
                 bytes, "--reason", "exact bytes from the EDR"})
              .exit_code == 0);
  auto json = nlohmann::json::parse(l.run({"--json", "obs", "show", "--case", "IR-1", "1"}).out);
  CHECK(json.at("corrections").at("command_line").at("value_base64") == "Y21kIC9jIP/+");
  l.verify_intact();
}

TEST_CASE("notes are added beside the logged note", "[integrity]") {
  Logged l;
  auto r = l.run({"obs", "note", "--case", "IR-1", "2", "--text", "ticket INC-42 opened"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "#2 note added\n");
  auto show = l.run({"obs", "show", "--case", "IR-1", "2"});
  CHECK_THAT(show.out, Catch::Contains("note              user called helpdesk\n"
                                       "note added        ticket INC-42 opened "
                                       "(2025-11-30T14:00:00.000000Z by tester)\n"));
  auto json = nlohmann::json::parse(l.run({"--json", "obs", "show", "--case", "IR-1", "2"}).out);
  CHECK(json.at("note") == "user called helpdesk");
  CHECK(json.at("notes_added") ==
        nlohmann::json::array({{{"text", "ticket INC-42 opened"},
                                {"analyst", "tester"},
                                {"at", "2025-11-30T14:00:00.000000Z"},
                                {"reason", nullptr}}}));
  auto empty = l.run({"obs", "note", "--case", "IR-1", "2", "--text", ""});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err == "casetrail: error: missing --text: the note to add\n");
  l.verify_intact();
}

TEST_CASE("tagging adds and removes techniques that list, filters and show reflect",
          "[integrity]") {
  Logged l;
  auto r = l.run({"obs", "tag", "--case", "IR-1", "1", "--technique", "t1059.003", "--reason",
                  "cmd.exe launched it"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "#1 + T1059.003\n");
  r = l.run({"obs", "tag", "--case", "IR-1", "1", "--technique", "T1033", "--remove", "--reason",
             "discovery is covered by #2"});
  CHECK(r.out == "#1 - T1033\n");
  auto list = l.run({"obs", "list", "--case", "IR-1"});
  CHECK_THAT(list.out, Catch::Contains("T1059.003   whoami /all\n"));
  auto numbers = [&](const std::string& technique) {
    std::vector<int> out;
    for (const auto& o : nlohmann::json::parse(
             l.run({"--json", "obs", "list", "--case", "IR-1", "--technique", technique}).out)) {
      out.push_back(o.at("number"));
    }
    return out;
  };
  CHECK(numbers("T1059") == std::vector<int>{1});
  CHECK(numbers("T1033").empty());
  auto again = l.run({"obs", "tag", "--case", "IR-1", "1", "--technique", "T1033", "--remove",
                      "--reason", "twice"});
  CHECK(again.exit_code == 1);
  CHECK(again.err == "casetrail: error: observation #1 does not have technique T1033\n");
  auto dup = l.run({"obs", "tag", "--case", "IR-1", "1", "--technique", "T1059.003", "--reason", "x"});
  CHECK(dup.err == "casetrail: error: observation #1 already has technique T1059.003\n");
  auto readd = l.run({"obs", "tag", "--case", "IR-1", "1", "--technique", "T1033", "--reason",
                      "it was discovery after all"});
  CHECK(readd.exit_code == 0);
  CHECK(numbers("T1033") == std::vector<int>{1});
  auto no_reason = l.run({"obs", "tag", "--case", "IR-1", "1", "--technique", "T1082"});
  CHECK(no_reason.exit_code == 2);
  CHECK(no_reason.err == "casetrail: error: missing --reason: say why the technique changes\n");
  auto bad = l.run({"obs", "tag", "--case", "IR-1", "1", "--technique", "T10", "--reason", "x"});
  CHECK(bad.exit_code == 1);
  auto json = nlohmann::json::parse(l.run({"--json", "obs", "show", "--case", "IR-1", "1"}).out);
  std::vector<std::string> ids;
  for (const auto& t : json.at("techniques")) ids.push_back(t.at("id"));
  CHECK(ids == std::vector<std::string>{"T1033", "T1059.003"});
  l.verify_intact();
}

TEST_CASE("closing and reopening a case are chained audit records", "[integrity]") {
  Logged l;
  REQUIRE(l.run({"case", "close", "IR-1", "--reason", "contained and eradicated"}).exit_code == 0);
  REQUIRE(l.run({"case", "reopen", "IR-1", "--reason", "new beacon"}).exit_code == 0);
  auto v = l.run({"verify", "--case", "IR-1"});
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::StartsWith("case IR-1: 5 chain records (1 case, 0 import runs, "
                                      "2 observations, 2 audit records)\nintact\n"));
}

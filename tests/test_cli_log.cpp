#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;
using casetrail::test::TempDir;

namespace {

struct CaseDb {
  TempDir dir;
  std::string db = (dir / "case.db").string();
  CaseDb(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--db", db, "case", "new", "IR-1", "--title", "test"};
    args.insert(args.end(), extra.begin(), extra.end());
    REQUIRE(run_cli(args).exit_code == 0);
  }
  casetrail::test::CliResult log(std::vector<std::string> args) {
    std::vector<std::string> full = {"--db", db, "log", "--case", "IR-1"};
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full);
  }
  nlohmann::json show(int number, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--db", db, "--json", "obs", "show", "--case", "IR-1",
                                     std::to_string(number)};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_cli(args);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }
  std::string count() {
    auto r = run_cli({"--db", db, "--json", "obs", "list", "--case", "IR-1"});
    return std::to_string(nlohmann::json::parse(r.out).size());
  }
};

}  // namespace

TEST_CASE("log prints the observation's number and stores every field", "[cli]") {
  CaseDb c;
  auto r = c.log({"--time", "2026-11-30T14:02:11.123456+01:00", "--host", "WS01.corp.local",
                  "--platform", "windows", "--account", "CORP\\Alice", "--technique", "T1059.001",
                  "--cmd", "powershell.exe -nop -enc SQBFAFgA", "--image",
                  "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "--pid",
                  "0x2564", "--guid", "{aaaa-bbbb}", "--parent-image", "C:\\Windows\\System32\\cmd.exe",
                  "--parent-cmd", "cmd.exe /c run.bat", "--parent-pid", "812", "--parent-guid",
                  "{cccc}", "--cwd", "C:\\Users\\alice", "--logon-id", "0xC61D9", "--attr",
                  "ticket=INC-1", "--source", "Sysmon 1", "--source-ref", "WS01.evtx:4711",
                  "--note", "first sighting"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "#1\n");
  CHECK(r.err ==
        "casetrail: warning: no ATT&CK catalogue imported: technique IDs were checked for form "
        "only (run `casetrail attack import enterprise-attack.json`)\n");
  auto j = c.show(1);
  CHECK(j.at("number") == 1);
  CHECK(j.at("kind") == "process");
  CHECK(j.at("status") == "unverified");
  CHECK(j.at("observed_at") == "2026-11-30T13:02:11.123456Z");
  CHECK(j.at("observed_offset") == 3600);
  CHECK(j.at("observed_text") == "2026-11-30T14:02:11.123456+01:00");
  CHECK(j.at("time_precision") == 6);
  CHECK(j.at("host") == "ws01");
  CHECK(j.at("host_observed") == "WS01.corp.local");
  CHECK(j.at("host_fqdn") == "ws01.corp.local");
  CHECK(j.at("host_platform") == "windows");
  CHECK(j.at("account") == "corp\\alice");
  CHECK(j.at("account_observed") == "CORP\\Alice");
  CHECK(j.at("techniques").at(0).at("id") == "T1059.001");
  CHECK(j.at("command_line") == "powershell.exe -nop -enc SQBFAFgA");
  CHECK(j.at("args") == nlohmann::json::array({"powershell.exe", "-nop", "-enc", "SQBFAFgA"}));
  CHECK(j.at("args_source") == "windows");
  CHECK(j.at("pid") == 0x2564);
  CHECK(j.at("process_guid") == "{aaaa-bbbb}");
  CHECK(j.at("parent_image") == "C:\\Windows\\System32\\cmd.exe");
  CHECK(j.at("parent_command_line") == "cmd.exe /c run.bat");
  CHECK(j.at("parent_pid") == 812);
  CHECK(j.at("parent_process_guid") == "{cccc}");
  CHECK(j.at("cwd") == "C:\\Users\\alice");
  CHECK(j.at("logon_id") == "0xc61d9");
  CHECK(j.at("attrs") == nlohmann::json{{"ticket", "INC-1"}});
  CHECK(j.at("source") == "Sysmon 1");
  CHECK(j.at("source_ref") == "WS01.evtx:4711");
  CHECK(j.at("note") == "first sighting");
  CHECK(j.at("analyst") == "tester");
  CHECK(j.at("logged_at") == "2025-11-30T14:00:00.000000Z");
  CHECK(j.contains("uuid"));
  CHECK(j.at("uuid").get<std::string>().size() == 36);
}

TEST_CASE("a hostile command line comes back byte for byte through --cmd-file", "[cli]") {
  CaseDb c;
  // Quotes, backslashes, Unicode, invalid UTF-8 and a NUL byte.
  static const char literal[] = "cmd.exe /c \"C:\\Program Files\\x\\\" \xe2\x82\xac \xff\xfe tail\x00" "end";
  const std::string bytes(literal, sizeof literal - 1);
  REQUIRE(bytes.find('\0') != std::string::npos);
  casetrail::test::write_file(c.dir / "cmd.bin", bytes);
  auto r = c.log({"--time", "2026-01-01T00:00:00Z", "--host", "ws1", "--cmd-file",
                  (c.dir / "cmd.bin").string()});
  REQUIRE(r.exit_code == 0);
  auto j = c.show(1);
  REQUIRE(j.contains("command_line_base64"));
  CHECK(casetrail::util::base64_decode(j.at("command_line_base64").get<std::string>()) == bytes);
  // The text form replaces what is not UTF-8 but keeps the rest.
  CHECK_THAT(j.at("command_line").get<std::string>(), Catch::StartsWith("cmd.exe /c \"C:\\Program"));
}

TEST_CASE("a valid UTF-8 command line has no base64 twin", "[cli]") {
  CaseDb c;
  REQUIRE(c.log({"--time", "2026-01-01T00:00:00Z", "--host", "ws1", "--cmd",
                 "echo \"caf\xc3\xa9\" 'x'\\y"})
              .exit_code == 0);
  auto j = c.show(1);
  CHECK(j.at("command_line") == "echo \"caf\xc3\xa9\" 'x'\\y");
  CHECK_FALSE(j.contains("command_line_base64"));
  CHECK(j.at("args_source") == "posix");
  // 'x'\y is one shell word: the quoted x joined with the escaped y.
  CHECK(j.at("args") == nlohmann::json::array({"echo", "caf\xc3\xa9", "xy"}));
}

TEST_CASE("an unreadable --cmd-file is an error and nothing is written", "[cli]") {
  CaseDb c;
  auto r = c.log({"--time", "2026-01-01T00:00:00Z", "--host", "ws1", "--cmd-file",
                  (c.dir / "missing.bin").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "casetrail: error: cannot read --cmd-file \"" + (c.dir / "missing.bin").string() +
                     "\"\n");
  CHECK(c.count() == "0");
}

TEST_CASE("bad input names the field, quotes the value and writes nothing", "[cli]") {
  CaseDb c;
  struct Case {
    std::vector<std::string> args;
    int exit;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"--time", "2026-13-01T00:00:00Z", "--host", "h"}, 1,
       "casetrail: error: invalid --time \"2026-13-01T00:00:00Z\": month 13\n"},
      {{"--time", "2026-01-01T00:00:00Z", "--host", "h", "--technique", "T59"}, 1,
       "casetrail: error: invalid --technique \"T59\": expected an ATT&CK technique ID such as "
       "T1059 or T1059.001\n"},
      {{"--time", "2026-01-01T00:00:00", "--host", "h", "--tz", "Nowhere/City"}, 1,
       "casetrail: error: invalid --tz \"Nowhere/City\": unknown time zone\n"},
      {{"--host", "h"}, 2, "casetrail: error: missing --time\n"},
      {{"--time", "2026-01-01T00:00:00Z"}, 2, "casetrail: error: missing --host\n"},
      {{"--time", "2026-01-01T00:00:00Z", "--host", "h", "--pid", "12ab"}, 1,
       "casetrail: error: invalid --pid \"12ab\": expected a process id (decimal, or hex with "
       "0x)\n"},
      {{"--time", "2026-01-01T00:00:00Z", "--host", "h", "--kind", "telepathy"}, 1,
       "casetrail: error: invalid --kind \"telepathy\": expected process, logon, network, file, "
       "registry, dns, image_load, email, web or note\n"},
      {{"--time", "2026-01-01T00:00:00Z", "--host", "h", "--attr", "novalue"}, 1,
       "casetrail: error: invalid --attr \"novalue\": expected key=value\n"},
  };
  for (const auto& k : cases) {
    INFO(k.err);
    auto r = c.log(k.args);
    CHECK(r.exit_code == k.exit);
    CHECK(r.out == "");
    CHECK(r.err == k.err);
  }
  CHECK(c.count() == "0");
  auto unknown = run_cli({"--db", c.db, "log", "--case", "IR-404", "--time", "2026-01-01T00:00:00Z",
                          "--host", "h"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err == "casetrail: error: unknown case \"IR-404\"\n");
}

TEST_CASE("a local time needs a zone: --tz or the case's", "[cli]") {
  CaseDb plain;
  auto no_zone = plain.log({"--time", "2026-07-01 12:00:00", "--host", "h"});
  CHECK(no_zone.exit_code == 1);
  CHECK_THAT(no_zone.err, Catch::StartsWith("casetrail: error: invalid --time \"2026-07-01 12:00:00\": "));
  auto with_tz = plain.log({"--time", "2026-07-01 12:00:00", "--tz", "Europe/Berlin", "--host", "h"});
  CHECK(with_tz.exit_code == 0);
  auto j = plain.show(1);
  CHECK(j.at("observed_at") == "2026-07-01T10:00:00.000000Z");
  CHECK(j.at("observed_offset") == 7200);
  CHECK(j.at("time_zone") == "Europe/Berlin");

  CaseDb zoned({"--tz", "America/New_York"});
  REQUIRE(zoned.log({"--time", "2026-01-15T09:30:00", "--host", "h"}).exit_code == 0);
  auto k = zoned.show(1);
  CHECK(k.at("observed_at") == "2026-01-15T14:30:00.000000Z");
  CHECK(k.at("observed_at_local") == "2026-01-15T09:30:00.000000-05:00");
}

TEST_CASE("a local time in a DST gap or overlap is an error unless --ambiguous chooses", "[cli]") {
  CaseDb c({"--tz", "Europe/Berlin"});
  auto gap = c.log({"--time", "2026-03-29 02:30:00", "--host", "h"});
  CHECK(gap.exit_code == 1);
  CHECK_THAT(gap.err, Catch::Contains("does not exist"));
  auto overlap = c.log({"--time", "2026-10-25 02:30:00", "--host", "h"});
  CHECK(overlap.exit_code == 1);
  CHECK_THAT(overlap.err, Catch::Contains("2026-10-25T00:30:00") && Catch::Contains("2026-10-25T01:30:00"));
  CHECK(c.count() == "0");
  REQUIRE(c.log({"--time", "2026-10-25 02:30:00", "--host", "h", "--ambiguous", "latest"}).exit_code == 0);
  CHECK(c.show(1).at("observed_at") == "2026-10-25T01:30:00.000000Z");
  REQUIRE(c.log({"--time", "2026-10-25 02:30:00", "--host", "h", "--ambiguous", "earliest"}).exit_code == 0);
  CHECK(c.show(2).at("observed_at") == "2026-10-25T00:30:00.000000Z");
}

TEST_CASE("epoch times are accepted when marked", "[cli]") {
  CaseDb c;
  REQUIRE(c.log({"--time", "@1732975331.123", "--host", "h"}).exit_code == 0);
  CHECK(c.show(1).at("observed_at") == "2024-11-30T14:02:11.123000Z");
  CHECK(c.show(1).at("time_precision") == 3);
}

TEST_CASE("the analyst comes from --analyst, then CASETRAIL_ANALYST, then the login name", "[cli]") {
  CaseDb c;
  casetrail::test::CliOptions login;
  login.env = {{"USER", "loginname"}};
  run_cli({"--db", c.db, "log", "--case", "IR-1", "--time", "@0", "--host", "h"}, login);
  run_cli({"--db", c.db, "log", "--case", "IR-1", "--time", "@0", "--host", "h"});
  run_cli({"--db", c.db, "--analyst", "carol", "log", "--case", "IR-1", "--time", "@0", "--host", "h"});
  CHECK(c.show(1).at("analyst") == "loginname");
  CHECK(c.show(2).at("analyst") == "tester");
  CHECK(c.show(3).at("analyst") == "carol");
}

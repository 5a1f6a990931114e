#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::test::CliResult;
using casetrail::test::run_cli;
using casetrail::test::TempDir;

namespace {

std::string fixture(const std::string& name) {
  return std::string(CASETRAIL_FIXTURES_DIR) + "/attack/" + name;
}

std::string sha256_of(const std::string& path) {
  return casetrail::util::sha256_hex(casetrail::test::read_file(path));
}

const std::string k_no_catalogue =
    "casetrail: warning: no ATT&CK catalogue imported: technique IDs were checked for form only "
    "(run `casetrail attack import enterprise-attack.json`)\n";

struct Db {
  TempDir dir;
  std::string db = (dir / "case.db").string();
  Db() { REQUIRE(run({"case", "new", "IR-1", "--title", "t"}).exit_code == 0); }
  CliResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db});
    return run_cli(args);
  }
  CliResult import(const std::string& name) const {
    return run({"attack", "import", fixture(name)});
  }
  CliResult log(std::vector<std::string> args) const {
    args.insert(args.begin(), {"log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z"});
    return run(args);
  }
  nlohmann::json show_json(int number) const {
    auto r = run({"--json", "obs", "show", "--case", "IR-1", std::to_string(number)});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }
};

}  // namespace

TEST_CASE("attack import prints the release it stored and its counts", "[attack]") {
  Db d;
  const std::string file = fixture("enterprise-mini-stix21.json");
  auto r = d.run({"attack", "import", file});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(r.out == "imported ATT&CK 18.1\n"
                 "release           18.1 (from the file's x-mitre-collection)\n"
                 "file              " + file + " (42724 bytes, STIX 2.1)\n"
                 "sha256            " + sha256_of(file) + "\n"
                 "newest modified   2025-11-13T00:00:00.000000Z\n"
                 "imported          2025-11-30T14:00:00.000000Z by tester\n"
                 "techniques        11 (4 sub-techniques): 7 active, 3 revoked, 1 deprecated\n"
                 "tactics           4\n"
                 "log sources       4\n");
  CHECK(d.run({"attack", "status"}).out ==
        "release           18.1 (from the file's x-mitre-collection)\n"
        "file              " + file + " (42724 bytes, STIX 2.1)\n"
        "sha256            " + sha256_of(file) + "\n"
        "newest modified   2025-11-13T00:00:00.000000Z\n"
        "imported          2025-11-30T14:00:00.000000Z by tester\n"
        "techniques        11 (4 sub-techniques): 7 active, 3 revoked, 1 deprecated\n"
        "tactics           4\n"
        "log sources       4\n");

  // The STIX 2.0 form has no version: --attack-version gives it, and the
  // import says what it replaced.
  const std::string v20 = fixture("enterprise-mini-stix20.json");
  auto again = d.run({"--json", "attack", "import", v20, "--attack-version", "18.1"});
  CHECK(again.exit_code == 0);
  const auto j = nlohmann::json::parse(again.out);
  CHECK(j.at("release") == "18.1");
  CHECK(j.at("version") == "18.1");
  CHECK(j.at("version_source") == "option");
  CHECK(j.at("spec_version") == "2.0");
  CHECK(j.at("file") == v20);
  CHECK(j.at("file_size") == 35388);
  CHECK(j.at("sha256") == sha256_of(v20));
  CHECK(j.at("newest_modified") == "2025-11-12T22:03:39.105000Z");
  CHECK(j.at("imported_at") == "2025-11-30T14:00:00.000000Z");
  CHECK(j.at("imported_by") == "tester");
  CHECK(j.at("counts") == nlohmann::json{{"techniques", 11}, {"sub_techniques", 4}, {"active", 7},
                                         {"revoked", 3}, {"deprecated", 1}, {"tactics", 4},
                                         {"log_sources", 4}});
  CHECK(j.at("replaced").at("release") == "18.1");
  CHECK(j.at("replaced").at("version_source") == "collection");

  // Without a version anywhere, the release is unknown with the newest modified.
  auto unknown = d.run({"attack", "import", v20});
  CHECK(unknown.out.substr(0, unknown.out.find('\n')) ==
        "imported ATT&CK unknown (newest modified 2025-11-12T22:03:39.105000Z)");
  CHECK_THAT(unknown.out, Catch::EndsWith("replaced          ATT&CK 18.1 (imported "
                                          "2025-11-30T14:00:00.000000Z by tester)\n"));
}

TEST_CASE("attack status without a catalogue says so and names the built-in tactics", "[attack]") {
  Db d;
  auto r = d.run({"attack", "status"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no ATT&CK catalogue imported (the 14 Enterprise tactics are built in): run "
                 "`casetrail attack import enterprise-attack.json`\n");
  auto j = d.run({"--json", "attack", "status"});
  CHECK(nlohmann::json::parse(j.out) == nlohmann::json{{"release", nullptr}, {"builtin_tactics", 14}});
}

TEST_CASE("a bad bundle is refused with its reason and the stored catalogue stays", "[attack]") {
  Db d;
  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  const std::string before = d.run({"--json", "attack", "status"}).out;
  const std::string bad = (d.dir / "bad.json").string();
  casetrail::test::write_file(bad, "{\"type\": \"bundle\", \"objects\": [");
  auto r = d.run({"attack", "import", bad});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "");
  CHECK(r.err == "casetrail: error: invalid ATT&CK bundle \"" + bad +
                     "\": the JSON ends early, inside an object, array or string (truncated file?)\n");
  auto missing = d.run({"attack", "import", (d.dir / "none.json").string()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "casetrail: error: ATT&CK bundle \"" + (d.dir / "none.json").string() +
                           "\" does not exist\n");
  auto version = d.run({"attack", "import", fixture("enterprise-mini-stix20.json"),
                        "--attack-version", "eighteen"});
  CHECK(version.exit_code == 1);
  CHECK(version.err == "casetrail: error: invalid --attack-version \"eighteen\": expected a "
                       "release number such as 18.1\n");
  CHECK(d.run({"--json", "attack", "status"}).out == before);
}

TEST_CASE("attack show prints a technique with tactics, platforms, family and grouped log sources",
          "[attack]") {
  Db d;
  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  auto r = d.run({"attack", "show", "t1059.001"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "sub-technique     T1059.001 PowerShell\n"
                 "status            active\n"
                 "tactic            TA0002 Execution (execution)\n"
                 "platforms         Windows\n"
                 "parent            T1059 Command and Scripting Interpreter\n"
                 "version           1.5\n"
                 "modified          2025-10-24T17:49:07.660000Z\n"
                 "release           ATT&CK 18.1\n"
                 "log sources\n"
                 "  DC0032 Process Creation\n"
                 "    WinEventLog:Security    EventCode=4688\n"
                 "    WinEventLog:Sysmon      EventCode=1\n"
                 "  DC0064 Command Execution\n"
                 "    WinEventLog:PowerShell  EventCode=4103, 4104, 4105, 4106\n"
                 "description\n"
                 "  Adversaries may use PowerShell.\n"
                 "\n"
                 "  Second paragraph.(Citation: Example Reference)\n");
  CHECK(d.run({"attack", "show", "T1059"}).out ==
        "technique         T1059 Command and Scripting Interpreter\n"
        "status            active\n"
        "tactic            TA0002 Execution (execution)\n"
        "platforms         Windows, macOS, Linux\n"
        "sub-technique     T1059.001 PowerShell\n"
        "sub-technique     T1059.004 Unix Shell\n"
        "version           2.6\n"
        "modified          2025-10-24T17:48:55.897000Z\n"
        "release           ATT&CK 18.1\n"
        "description\n"
        "  Adversaries may use Command and Scripting Interpreter.\n"
        "\n"
        "  Second paragraph.(Citation: Example Reference)\n");
  auto revoked = d.run({"attack", "show", "T1150"});
  CHECK_THAT(revoked.out, Catch::StartsWith(
                              "technique         T1150 Plist Modification\n"
                              "status            revoked: replaced by T1547.011 Plist Modification, "
                              "itself replaced by T1647 Plist File Modification\n"
                              "tactic            TA0003 Persistence (persistence)\n"
                              "tactic            TA0005 Defense Evasion (defense-evasion)\n"));
  CHECK_THAT(d.run({"attack", "show", "T1064"}).out,
             Catch::StartsWith("technique         T1064 Scripting\n"
                               "status            deprecated\n"
                               "tactic            TA0002 Execution (execution)\n"
                               "tactic            TA0005 Defense Evasion (defense-evasion)\n"));

  auto j = nlohmann::json::parse(d.run({"--json", "attack", "show", "T1059.001"}).out);
  CHECK(j.at("kind") == "sub-technique");
  CHECK(j.at("id") == "T1059.001");
  CHECK(j.at("name") == "PowerShell");
  CHECK(j.at("status") == "active");
  CHECK(j.at("revoked") == false);
  CHECK(j.at("deprecated") == false);
  CHECK(j.at("replaced_by") == nlohmann::json::array());
  CHECK(j.at("tactics") == nlohmann::json::parse(
                               R"([{"id": "TA0002", "shortname": "execution", "name": "Execution", "order": 2}])"));
  CHECK(j.at("platforms") == nlohmann::json::array({"Windows"}));
  CHECK(j.at("parent").at("id") == "T1059");
  CHECK(j.at("sub_techniques") == nlohmann::json::array());
  CHECK(j.at("version") == "1.5");
  CHECK(j.at("modified") == "2025-10-24T17:49:07.660000Z");
  CHECK(j.at("release") == "18.1");
  CHECK(j.at("log_sources") == nlohmann::json::parse(R"([
    {"data_component_id": "DC0032", "data_component": "Process Creation", "data_source": null,
     "sources": [{"name": "WinEventLog:Security", "channel": "EventCode=4688"},
                 {"name": "WinEventLog:Sysmon", "channel": "EventCode=1"}]},
    {"data_component_id": "DC0064", "data_component": "Command Execution", "data_source": null,
     "sources": [{"name": "WinEventLog:PowerShell", "channel": "EventCode=4103, 4104, 4105, 4106"}]}
  ])"));
  auto chain = nlohmann::json::parse(d.run({"--json", "attack", "show", "T1150"}).out);
  CHECK(chain.at("status") == "revoked");
  CHECK(chain.at("replaced_by").size() == 2);
  CHECK(chain.at("replaced_by").at(0).at("id") == "T1547.011");
  CHECK(chain.at("replaced_by").at(0).at("status") == "revoked");
  CHECK(chain.at("replaced_by").at(1).at("id") == "T1647");
  CHECK(chain.at("replaced_by").at(1).at("status") == "active");

  // v17: the data source strings, one group each.
  REQUIRE(d.import("enterprise-mini-v17.json").exit_code == 0);
  CHECK_THAT(d.run({"attack", "show", "T1033"}).out,
             Catch::Contains("release           ATT&CK 17.1\n"
                             "log sources\n"
                             "  Command: Command Execution\n"
                             "  Process: Process Creation\n"
                             "description\n"));
}

TEST_CASE("attack show finds tactics by ID or shortname, built in without a catalogue", "[attack]") {
  Db d;
  auto offline = d.run({"attack", "show", "TA0002"});
  CHECK(offline.exit_code == 0);
  CHECK(offline.out == "tactic            TA0002 Execution\n"
                       "shortname         execution\n"
                       "order             4 of 14\n"
                       "release           built in (no catalogue imported)\n"
                       "description\n"
                       "  The adversary is trying to run malicious code.\n");
  auto json = nlohmann::json::parse(d.run({"--json", "attack", "show", "Impact"}).out);
  CHECK(json == nlohmann::json{{"kind", "tactic"},
                               {"id", "TA0040"},
                               {"shortname", "impact"},
                               {"name", "Impact"},
                               {"order", 14},
                               {"tactic_count", 14},
                               {"release", nullptr},
                               {"description", "The adversary is trying to manipulate, interrupt, "
                                               "or destroy your systems and data."},
                               {"techniques", nlohmann::json::array()}});
  auto technique = d.run({"attack", "show", "T1059"});
  CHECK(technique.exit_code == 1);
  CHECK(technique.err == "casetrail: error: no ATT&CK catalogue imported to show technique "
                         "\"T1059\": run `casetrail attack import enterprise-attack.json`\n");

  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  CHECK(d.run({"attack", "show", "execution"}).out ==
        "tactic            TA0002 Execution\n"
        "shortname         execution\n"
        "order             2 of 4\n"
        "release           ATT&CK 18.1\n"
        "description\n"
        "  The adversary is trying to run malicious code.\n"
        "techniques\n"
        "  T1059      Command and Scripting Interpreter  active\n"
        "  T1059.001  PowerShell                         active\n"
        "  T1059.004  Unix Shell                         active\n"
        "  T1064      Scripting                          deprecated\n");
}

TEST_CASE("attack show of an unknown ID is not found, with close matches", "[attack]") {
  Db d;
  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  auto r = d.run({"attack", "show", "T1059.099"});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "");
  CHECK(r.err == "casetrail: error: no technique \"T1059.099\" in ATT&CK 18.1; close matches: T1059 "
                 "(Command and Scripting Interpreter), T1059.001 (PowerShell), T1059.004 (Unix Shell)\n");
  CHECK(d.run({"attack", "show", "Power shell"}).err ==
        "casetrail: error: no ATT&CK technique or tactic \"Power shell\" in ATT&CK 18.1; by name: "
        "T1059.001 (PowerShell)\n");
  CHECK(d.run({"attack", "show", "TA0099"}).err ==
        "casetrail: error: no ATT&CK technique or tactic \"TA0099\" in ATT&CK 18.1\n");
}

TEST_CASE("attack search matches ID prefixes and name words", "[attack]") {
  Db d;
  auto offline = d.run({"attack", "search", "defense"});
  CHECK(offline.exit_code == 0);
  CHECK(offline.out == "ID      KIND    NAME             TACTICS          STATUS\n"
                       "TA0005  tactic  Defense Evasion  defense-evasion  -\n");
  CHECK(offline.err == "casetrail: warning: no ATT&CK catalogue imported: only the built-in tactics "
                       "were searched\n");

  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  auto words = d.run({"attack", "search", "SHELL"});
  CHECK(words.err == "");
  CHECK(words.out == "ID         KIND           NAME        TACTICS    STATUS\n"
                     "T1059.001  sub-technique  PowerShell  execution  active\n"
                     "T1059.004  sub-technique  Unix Shell  execution  active\n"
                     "T1086      technique      PowerShell  execution  revoked\n");
  CHECK(d.run({"attack", "search", "plist", "file"}).out ==
        "ID     KIND       NAME                     TACTICS          STATUS\n"
        "T1647  technique  Plist File Modification  defense-evasion  active\n");
  CHECK(d.run({"attack", "search", "t1059."}).out ==
        "ID         KIND           NAME        TACTICS    STATUS\n"
        "T1059.001  sub-technique  PowerShell  execution  active\n"
        "T1059.004  sub-technique  Unix Shell  execution  active\n");
  CHECK(d.run({"attack", "search", "TA000"}).out ==
        "ID      KIND    NAME             TACTICS          STATUS\n"
        "TA0002  tactic  Execution        execution        -\n"
        "TA0003  tactic  Persistence      persistence      -\n"
        "TA0005  tactic  Defense Evasion  defense-evasion  -\n");
  auto j = nlohmann::json::parse(d.run({"--json", "attack", "search", "execution"}).out);
  CHECK(j == nlohmann::json::parse(R"({
    "release": "18.1",
    "tactics": [{"id": "TA0002", "shortname": "execution", "name": "Execution", "order": 2}],
    "techniques": [{"id": "T1547", "name": "Boot or Logon Autostart Execution",
                    "tactics": ["persistence"], "status": "active"}]
  })"));
  CHECK(d.run({"attack", "search", "nothing-like-it"}).out == "ID  KIND  NAME  TACTICS  STATUS\n");
}

TEST_CASE("log checks techniques against the catalogue: unknown and revoked refused, deprecated warned",
          "[attack]") {
  Db d;
  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  auto unknown = d.log({"--host", "ws1", "--technique", "T1059.099"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err == "casetrail: error: invalid --technique \"T1059.099\": not in ATT&CK 18.1; "
                       "close matches: T1059 (Command and Scripting Interpreter), T1059.001 "
                       "(PowerShell), T1059.004 (Unix Shell)\n");
  auto revoked = d.log({"--host", "ws1", "--technique", "T1086"});
  CHECK(revoked.exit_code == 1);
  CHECK(revoked.err == "casetrail: error: invalid --technique \"T1086\": revoked in ATT&CK 18.1: "
                       "replaced by T1059.001 (PowerShell)\n");
  CHECK(d.run({"--json", "obs", "list", "--case", "IR-1"}).out == "[]\n");

  auto deprecated = d.log({"--host", "ws1", "--technique", "T1064"});
  CHECK(deprecated.exit_code == 0);
  CHECK(deprecated.out == "#1\n");
  CHECK(deprecated.err == "casetrail: warning: T1064 (Scripting) is deprecated in ATT&CK 18.1: "
                          "accepted all the same\n");
  CHECK(d.show_json(1).at("techniques").at(0).at("attack_release") == "18.1");

  // Filters are checked the same way.
  auto filter = d.run({"obs", "list", "--case", "IR-1", "--technique", "T1086"});
  CHECK(filter.exit_code == 1);
  CHECK(filter.err == "casetrail: error: invalid --technique \"T1086\": revoked in ATT&CK 18.1: "
                      "replaced by T1059.001 (PowerShell)\n");
  auto deprecated_filter = d.run({"--json", "obs", "list", "--case", "IR-1", "--technique", "T1064"});
  CHECK(deprecated_filter.exit_code == 0);
  CHECK(nlohmann::json::parse(deprecated_filter.out).size() == 1);
  CHECK(deprecated_filter.err == "casetrail: warning: T1064 (Scripting) is deprecated in ATT&CK "
                                 "18.1: accepted all the same\n");
}

TEST_CASE("without a catalogue, log and filters accept well-formed IDs with a warning", "[attack]") {
  Db d;
  auto r = d.log({"--host", "ws1", "--technique", "T1059.099", "--technique", "T9999"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == k_no_catalogue);
  CHECK(d.show_json(1).at("techniques").at(0).at("attack_release") == nullptr);
  CHECK(d.show_json(1).at("techniques").at(0).at("name") == nullptr);
  auto filter = d.run({"--json", "obs", "list", "--case", "IR-1", "--technique", "T9999"});
  CHECK(filter.exit_code == 0);
  CHECK(filter.err == k_no_catalogue);
}

TEST_CASE("obs show and obs list name techniques and tactics and note a host platform ATT&CK does not list",
          "[attack]") {
  Db d;
  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  auto pre = d.log({"--host", "WS1", "--platform", "Windows", "--technique", "T1591.002",
                    "--technique", "T1059.001", "--cmd", "powershell -nop"});
  CHECK(pre.exit_code == 0);
  CHECK(pre.err == "casetrail: warning: host platform windows is not among the platforms ATT&CK "
                   "18.1 lists for T1591.002 (Business Relationships): PRE\n");
  // The host keeps its platform: a later log without --platform is checked against it.
  auto linux_only = d.log({"--host", "ws1", "--technique", "T1059.004"});
  CHECK(linux_only.err == "casetrail: warning: host platform windows is not among the platforms "
                          "ATT&CK 18.1 lists for T1059.004 (Unix Shell): macOS, Linux\n");
  CHECK(d.log({"--host", "db1", "--platform", "linux", "--technique", "T1059.004"}).err == "");

  auto show = d.run({"obs", "show", "--case", "IR-1", "1"});
  CHECK_THAT(show.out, Catch::Contains("host              ws1 (as WS1), windows\n"
                                       "technique         T1059.001 PowerShell [execution]\n"
                                       "technique         T1591.002 Business Relationships "
                                       "[reconnaissance]\n"
                                       "platform note     T1591.002 is not listed for windows "
                                       "(ATT&CK: PRE)\n"
                                       "command line      powershell -nop\n"));
  const auto j = d.show_json(1);
  CHECK(j.at("techniques") == nlohmann::json::parse(R"([
    {"id": "T1059.001", "name": "PowerShell", "tactics": ["execution"], "platforms": ["Windows"],
     "outside_host_platform": false, "attack_release": "18.1"},
    {"id": "T1591.002", "name": "Business Relationships", "tactics": ["reconnaissance"],
     "platforms": ["PRE"], "outside_host_platform": true, "attack_release": "18.1"}
  ])"));
  auto list = d.run({"obs", "list", "--case", "IR-1"});
  CHECK(list.out ==
        "#  TIME (UTC)                   KIND     STATUS      HOST  ACCOUNT  TECHNIQUES                                                                           WHAT\n"
        "1  2026-03-01T10:00:00.000000Z  process  unverified  ws1   -        T1059.001 PowerShell [execution]; T1591.002 Business Relationships [reconnaissance]  powershell -nop\n"
        "2  2026-03-01T10:00:00.000000Z  process  unverified  ws1   -        T1059.004 Unix Shell [execution]                                                     -\n"
        "3  2026-03-01T10:00:00.000000Z  process  unverified  db1   -        T1059.004 Unix Shell [execution]                                                     -\n");
}

TEST_CASE("observations keep the release they were checked against across imports", "[attack]") {
  Db d;
  REQUIRE(d.import("enterprise-mini-v17.json").exit_code == 0);
  REQUIRE(d.log({"--host", "ws1", "--technique", "T1033"}).exit_code == 0);
  REQUIRE(d.import("enterprise-mini-stix21.json").exit_code == 0);
  REQUIRE(d.log({"--host", "ws1", "--technique", "T1059.001"}).exit_code == 0);
  // T1033 is not in the 18.1 mini file: the observation keeps its ID and
  // release, shown without a name.
  const auto first = d.show_json(1).at("techniques").at(0);
  CHECK(first.at("id") == "T1033");
  CHECK(first.at("attack_release") == "17.1");
  CHECK(first.at("name") == nullptr);
  const auto second = d.show_json(2).at("techniques").at(0);
  CHECK(second.at("attack_release") == "18.1");
  CHECK(second.at("name") == "PowerShell");
}

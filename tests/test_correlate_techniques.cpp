// Technique names and tactics in correlation results, trees and bursts: taken
// from the ATT&CK catalogue when one is imported (the mini ATT&CK 17 fixture names
// T1059.001 "PowerShell" [execution] and T1033 "System Owner/User Discovery"
// [discovery]), the bare IDs otherwise.

#include "tests/correlate_support.hpp"

using casetrail::test::LoggedCase;
using nlohmann::json;

namespace {

// cmd.exe (no technique) starts powershell.exe (T1059.001), which starts
// whoami.exe (T1033), on ws1 within two minutes.
struct TaggedCase : LoggedCase {
  explicit TaggedCase(bool with_catalogue) : LoggedCase("IR-N") {
    if (with_catalogue) {
      const auto r = run({"attack", "import",
                          std::string(CASETRAIL_FIXTURES_DIR) + "/attack/enterprise-mini-v17.json"});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
    }
    const std::string d = "2026-03-01T10:0";
    CHECK(log({"--time", d + "0:00Z", "--host", "ws1", "--account", "CORP\\alice", "--image",
               "C:\\Windows\\System32\\cmd.exe", "--pid", "1000", "--cmd", "cmd.exe"}) == 1);
    CHECK(log({"--time", d + "1:00Z", "--host", "ws1", "--account", "CORP\\alice", "--image",
               "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "--pid", "1100",
               "--parent-pid", "1000", "--cmd", "powershell -nop", "--technique", "T1059.001"}) == 2);
    CHECK(log({"--time", d + "2:00Z", "--host", "ws1", "--account", "CORP\\alice", "--image",
               "C:\\Windows\\System32\\whoami.exe", "--pid", "1200", "--parent-pid", "1100",
               "--cmd", "whoami /all", "--technique", "T1033"}) == 3);
  }
};

json techniques_of(const json& correlation, long long number) {
  for (const auto& r : correlation.at("results")) {
    if (r.at("number") == number) return r.at("techniques");
  }
  FAIL("no result #" << number);
  return {};
}

}  // namespace

TEST_CASE("correlate results name each technique and its tactics from the catalogue", "[correlate]") {
  TaggedCase c(true);
  const json j = c.correlate({"2", "--scope", "host", "--before", "5m", "--after", "5m"});
  CHECK(techniques_of(j, 1) == json::array());
  CHECK(techniques_of(j, 2) ==
        json::parse(R"([{"id": "T1059.001", "name": "PowerShell", "tactics": ["execution"]}])"));
  CHECK(techniques_of(j, 3) ==
        json::parse(R"([{"id": "T1033", "name": "System Owner/User Discovery",
                         "tactics": ["discovery"]}])"));

  const auto table = c.run({"correlate", "--case", "IR-N", "2", "--scope", "host", "--before",
                            "5m", "--after", "5m"});
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("T1059.001 PowerShell [execution]"));
  CHECK_THAT(table.out, Catch::Contains("T1033 System Owner/User Discovery [discovery]"));
}

TEST_CASE("tree and timeline bursts name techniques and tactics from the catalogue", "[correlate]") {
  TaggedCase c(true);
  const auto tree = c.run({"tree", "--case", "IR-N", "3"});
  REQUIRE(tree.exit_code == 0);
  CHECK_THAT(tree.out, Catch::Contains("powershell -nop  T1059.001 PowerShell [execution]"));
  CHECK_THAT(tree.out, Catch::Contains("whoami /all  T1033 System Owner/User Discovery [discovery]"));

  const auto bursts = c.run({"--json", "timeline", "--case", "IR-N", "--bursts", "--gap", "10m"});
  REQUIRE(bursts.exit_code == 0);
  const json b = json::parse(bursts.out).at("bursts");
  REQUIRE(b.size() == 1);
  CHECK(b.at(0).at("tactics") == json{"discovery", "execution"});

  const auto listed = c.run({"timeline", "--case", "IR-N", "--technique", "T1059"});
  REQUIRE(listed.exit_code == 0);
  CHECK_THAT(listed.out, Catch::Contains("T1059.001 PowerShell [execution]"));
}

TEST_CASE("without a catalogue correlate results carry the technique IDs alone", "[correlate]") {
  TaggedCase c(false);
  const json j = c.correlate({"2", "--scope", "host", "--before", "5m", "--after", "5m"});
  CHECK(techniques_of(j, 2) ==
        json::parse(R"([{"id": "T1059.001", "name": null, "tactics": []}])"));
  const auto table = c.run({"correlate", "--case", "IR-N", "2", "--scope", "host"});
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains(" T1059.001 "));
  CHECK_THAT(table.out, !Catch::Contains("PowerShell"));
  const auto bursts = c.run({"--json", "timeline", "--case", "IR-N", "--bursts", "--gap", "10m"});
  CHECK(json::parse(bursts.out).at("bursts").at(0).at("tactics") == json::array());
}

#include <catch2/catch.hpp>

#include "core/attack/catalogue.hpp"
#include "core/attack/platform.hpp"
#include "core/attack/tactics.hpp"
#include "core/attack/technique_check.hpp"
#include "core/error.hpp"
#include "core/store/database.hpp"
#include "tests/support/test_support.hpp"

using casetrail::attack::TechniqueChecker;
using casetrail::store::Database;

namespace {

std::string fixture(const std::string& name) {
  return std::string(CASETRAIL_FIXTURES_DIR) + "/attack/" + name;
}

const casetrail::time::UtcTime k_now{casetrail::time::Micros(1764511200000000LL)};

// An in-memory case database holding the v18.1 mini catalogue (STIX 2.1).
Database with_catalogue() {
  auto db = Database::open(":memory:");
  casetrail::attack::import_catalogue(db, fixture("enterprise-mini-stix21.json"), std::nullopt,
                                      "tester", k_now);
  return db;
}

std::string error_of(TechniqueChecker& checker, const std::string& id,
                     const std::optional<std::string>& platform = std::nullopt) {
  try {
    checker.check("--technique", {id}, platform);
  } catch (const casetrail::Error& e) {
    CHECK(e.code() == casetrail::ErrorCode::invalid_input);
    return e.what();
  }
  FAIL(id << " was accepted");
  return {};
}

std::vector<std::string> names(const std::vector<casetrail::model::AttackTactic>& tactics) {
  std::vector<std::string> out;
  for (const auto& t : tactics) out.push_back(t.name);
  return out;
}

}  // namespace

TEST_CASE("without a catalogue, well-formed IDs are accepted with one warning per command", "[attack]") {
  auto db = Database::open(":memory:");
  TechniqueChecker checker(db);
  const auto first = checker.check("--technique", {"T1059", "t1059.001", "T1059"});
  CHECK(first.ids == std::vector<std::string>{"T1059", "T1059.001"});
  CHECK(first.release == std::nullopt);
  CHECK(first.warnings ==
        std::vector<std::string>{"no ATT&CK catalogue imported: technique IDs were checked for form "
                                 "only (run `casetrail attack import enterprise-attack.json`)"});
  // The same command checking more IDs (an import, record after record) says it once.
  CHECK(checker.check("--technique", {"T9999"}).warnings.empty());
  CHECK(error_of(checker, "T59") ==
        "invalid --technique \"T59\": expected an ATT&CK technique ID such as T1059 or T1059.001");
  // Nothing to check against: no platform warning either.
  CHECK(checker.check("--technique", {"T1591.002"}, std::string("windows")).warnings.empty());
}

TEST_CASE("an unknown ID is an error that suggests the parent, siblings and near IDs", "[attack]") {
  auto db = with_catalogue();
  TechniqueChecker checker(db);
  CHECK(error_of(checker, "T1059.099") ==
        "invalid --technique \"T1059.099\": not in ATT&CK 18.1; close matches: T1059 (Command and "
        "Scripting Interpreter), T1059.001 (PowerShell), T1059.004 (Unix Shell)");
  // T1059 with two digits swapped, and T1591 two digits away.
  CHECK(error_of(checker, "T1095") ==
        "invalid --technique \"T1095\": not in ATT&CK 18.1; close matches: T1059 (Command and "
        "Scripting Interpreter), T1591 (Gather Victim Org Information)");
  CHECK(error_of(checker, "T1999.001") ==
        "invalid --technique \"T1999.001\": not in ATT&CK 18.1; close matches: T1059.001 (PowerShell)");
  CHECK(error_of(checker, "T9999") ==
        "invalid --technique \"T9999\": not in ATT&CK 18.1; nothing close to it (see casetrail "
        "attack search)");
  // Not an ID at all: techniques whose names hold the words (never revoked ones: T1086).
  CHECK(error_of(checker, "powershell") ==
        "invalid --technique \"powershell\": expected an ATT&CK technique ID such as T1059 or "
        "T1059.001; by name: T1059.001 (PowerShell)");
  CHECK(error_of(checker, "shell") ==
        "invalid --technique \"shell\": expected an ATT&CK technique ID such as T1059 or "
        "T1059.001; by name: T1059.001 (PowerShell), T1059.004 (Unix Shell)");
}

TEST_CASE("a revoked ID is an error naming its replacement, followed while that is revoked too",
          "[attack]") {
  auto db = with_catalogue();
  TechniqueChecker checker(db);
  CHECK(error_of(checker, "T1086") ==
        "invalid --technique \"T1086\": revoked in ATT&CK 18.1: replaced by T1059.001 (PowerShell)");
  CHECK(error_of(checker, "t1150") ==
        "invalid --technique \"t1150\": revoked in ATT&CK 18.1: replaced by T1547.011 (Plist "
        "Modification), itself replaced by T1647 (Plist File Modification)");
}

TEST_CASE("a deprecated ID is accepted with a warning, once per command, and the release is returned",
          "[attack]") {
  auto db = with_catalogue();
  TechniqueChecker checker(db);
  const auto first = checker.check("--technique", {"T1064", "T1059.001"});
  CHECK(first.ids == std::vector<std::string>{"T1064", "T1059.001"});
  CHECK(first.release == "18.1");
  CHECK(first.warnings ==
        std::vector<std::string>{"T1064 (Scripting) is deprecated in ATT&CK 18.1: accepted all the same"});
  const auto again = checker.check("--technique", {"T1064"});
  CHECK(again.ids == std::vector<std::string>{"T1064"});
  CHECK(again.warnings.empty());
}

TEST_CASE("a technique ATT&CK does not list for the host's platform is accepted with a warning",
          "[attack]") {
  auto db = with_catalogue();
  TechniqueChecker checker(db);
  const auto pre = checker.check("--technique", {"T1591.002"}, std::string("windows"));
  CHECK(pre.ids == std::vector<std::string>{"T1591.002"});
  CHECK(pre.warnings == std::vector<std::string>{"host platform windows is not among the platforms "
                                                 "ATT&CK 18.1 lists for T1591.002 (Business "
                                                 "Relationships): PRE"});
  CHECK(checker.check("--technique", {"T1059.001"}, std::string("linux")).warnings ==
        std::vector<std::string>{"host platform linux is not among the platforms ATT&CK 18.1 lists "
                                 "for T1059.001 (PowerShell): Windows"});
  // Platform names compare case-insensitively.
  CHECK(checker.check("--technique", {"T1059.004"}, std::string("MACOS")).warnings.empty());
  CHECK(checker.check("--technique", {"T1059"}, std::string("linux")).warnings.empty());

  using casetrail::attack::platform_listed;
  CHECK(platform_listed({"Windows", "macOS"}, "macos"));
  CHECK(platform_listed({"Network Devices"}, "network"));
  CHECK(platform_listed({"Office Suite"}, "office-suite"));
  CHECK(platform_listed({"PRE"}, "pre"));
  CHECK_FALSE(platform_listed({"PRE"}, "windows"));
  CHECK_FALSE(platform_listed({"Linux"}, "linux-ish"));
  CHECK(platform_listed({}, "windows"));
}

TEST_CASE("the 14 Enterprise tactics are known without an import; an import's matrix order replaces them",
          "[attack]") {
  auto empty = Database::open(":memory:");
  const auto builtin = casetrail::attack::tactics_in_order(empty);
  CHECK(names(builtin) ==
        std::vector<std::string>{"Reconnaissance", "Resource Development", "Initial Access",
                                 "Execution", "Persistence", "Privilege Escalation",
                                 "Defense Evasion", "Credential Access", "Discovery",
                                 "Lateral Movement", "Collection", "Command and Control",
                                 "Exfiltration", "Impact"});
  CHECK(builtin.front().id == "TA0043");
  CHECK(builtin.back().id == "TA0040");
  CHECK(builtin.back().order == 14);
  const auto c2 = casetrail::attack::find_tactic(builtin, "COMMAND-AND-CONTROL");
  REQUIRE(c2);
  CHECK(c2->id == "TA0011");
  CHECK(c2->order == 12);
  CHECK(casetrail::attack::find_tactic(builtin, "ta0010")->shortname == "exfiltration");
  CHECK_FALSE(casetrail::attack::find_tactic(builtin, "lunch"));

  auto db = with_catalogue();
  CHECK(names(casetrail::attack::tactics_in_order(db)) ==
        std::vector<std::string>{"Reconnaissance", "Execution", "Persistence", "Defense Evasion"});
}

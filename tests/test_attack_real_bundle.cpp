// The real MITRE ATT&CK v18.1 enterprise-attack.json (../shared/attack/, not
// in the repository): imported once per run of this test case, into one
// database shared by its sections, and checked against facts the file states.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/store/attack_store.hpp"
#include "core/store/database.hpp"
#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;

namespace {

// Imports the bundle on first use; the same database serves every section.
const std::string& imported(const std::filesystem::path& bundle) {
  static casetrail::test::TempDir dir;
  static const std::string db = (dir / "real.db").string();
  static bool done = false;
  if (!done) {
    auto r = run_cli({"--db", db, "attack", "import", bundle.string(), "--attack-version", "18.1"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.substr(0, r.out.find('\n')) == "imported ATT&CK 18.1");
    done = true;
  }
  return db;
}

}  // namespace

TEST_CASE("the real enterprise-attack.json v18.1 imports with the facts MITRE states in it",
          "[attack][shared]") {
  CASETRAIL_SHARED_FILE(bundle, "attack/enterprise-attack.json");
  const std::string& path = imported(bundle);
  const auto db = casetrail::store::Database::open(path, casetrail::store::OpenMode::existing);

  SECTION("the release is 18.1, recorded with the file's SHA-256 and counts") {
    const auto s = casetrail::store::attack_status(db);
    REQUIRE(s);
    CHECK(s->release.version == "18.1");
    CHECK(s->release.spec_version == "2.0");
    CHECK(s->release.sha256 == "a37daec8ee06890ff143380ebaee21c982640ffac392c7f4fd37787d8f7b3fe3");
    CHECK(s->release.file_size == 45104833);
    CHECK(casetrail::time::format_utc(s->release.newest_modified) == "2025-11-12T22:03:39.105000Z");
    CHECK(s->techniques == 835);
    CHECK(s->revoked == 132);
    CHECK(s->deprecated == 12);
    CHECK(s->active == 691);
    CHECK(s->tactics == 14);
  }

  SECTION("691 techniques are neither revoked nor deprecated") {
    const auto refs = casetrail::store::attack_technique_refs(db);
    CHECK(refs.size() == 835);
    CHECK(std::count_if(refs.begin(), refs.end(),
                        [](const auto& t) { return !t.revoked && !t.deprecated; }) == 691);
  }

  SECTION("T1591.002 is Business Relationships, a reconnaissance sub-technique of T1591 for PRE") {
    const auto t = casetrail::store::find_attack_technique(db, "T1591.002");
    REQUIRE(t);
    CHECK(t->technique.name == "Business Relationships");
    CHECK(t->technique.parent_id == "T1591");
    REQUIRE(t->parent);
    CHECK(t->parent->name == "Gather Victim Org Information");
    CHECK(t->technique.tactics == std::vector<std::string>{"reconnaissance"});
    CHECK(t->technique.platforms == std::vector<std::string>{"PRE"});
    CHECK_FALSE(t->technique.revoked);
    CHECK_FALSE(t->technique.deprecated);
    auto shown = run_cli({"--db", path, "attack", "show", "T1591.002"});
    CHECK_THAT(shown.out, Catch::StartsWith("sub-technique     T1591.002 Business Relationships\n"
                                            "status            active\n"
                                            "tactic            TA0043 Reconnaissance (reconnaissance)\n"
                                            "platforms         PRE\n"
                                            "parent            T1591 Gather Victim Org Information\n"));
  }

  SECTION("T1059.001's log sources include Process Creation via Sysmon 1 and Command Execution via "
          "the PowerShell log") {
    const auto t = casetrail::store::find_attack_technique(db, "T1059.001");
    REQUIRE(t);
    const auto& sources = t->technique.log_sources;
    auto has = [&](const casetrail::model::AttackLogSource& wanted) {
      return std::find(sources.begin(), sources.end(), wanted) != sources.end();
    };
    CHECK(has({"DC0032", "Process Creation", std::nullopt, "WinEventLog:Sysmon", "EventCode=1"}));
    CHECK(has({"DC0064", "Command Execution", std::nullopt, "WinEventLog:PowerShell",
               "EventCode=4103, 4104, 4105, 4106"}));
    auto j = nlohmann::json::parse(run_cli({"--db", path, "--json", "attack", "show", "T1059.001"}).out);
    bool dc0064 = false;
    for (const auto& group : j.at("log_sources")) {
      if (group.at("data_component_id") != "DC0064") continue;
      dc0064 = true;
      CHECK(group.at("data_component") == "Command Execution");
      CHECK(group.at("sources").size() == 1);
      CHECK(group.at("sources").at(0) ==
            nlohmann::json{{"name", "WinEventLog:PowerShell"},
                           {"channel", "EventCode=4103, 4104, 4105, 4106"}});
    }
    CHECK(dc0064);
  }

  SECTION("132 techniques are revoked and each names its replacement") {
    const auto refs = casetrail::store::attack_technique_refs(db);
    int revoked = 0;
    for (const auto& r : refs) {
      if (!r.revoked) continue;
      ++revoked;
      const auto t = casetrail::store::find_attack_technique(db, r.id);
      REQUIRE(t);
      INFO(r.id);
      CHECK(t->technique.replaced_by.has_value());
      REQUIRE_FALSE(t->replacements.empty());
      // Followed to a technique in use.
      CHECK_FALSE(t->replacements.back().revoked);
    }
    CHECK(revoked == 132);
    const auto ps = casetrail::store::find_attack_technique(db, "T1086");
    REQUIRE(ps);
    CHECK(ps->technique.replaced_by == "T1059.001");
  }

  SECTION("the tactics come in matrix order from Reconnaissance to Impact") {
    std::vector<std::string> tactics;
    for (const auto& t : casetrail::store::attack_tactics(db)) tactics.push_back(t.id + " " + t.name);
    CHECK(tactics == std::vector<std::string>{
                         "TA0043 Reconnaissance", "TA0042 Resource Development",
                         "TA0001 Initial Access", "TA0002 Execution", "TA0003 Persistence",
                         "TA0004 Privilege Escalation", "TA0005 Defense Evasion",
                         "TA0006 Credential Access", "TA0007 Discovery", "TA0008 Lateral Movement",
                         "TA0009 Collection", "TA0011 Command and Control", "TA0010 Exfiltration",
                         "TA0040 Impact"});
  }

  SECTION("a PRE technique logged on a Windows host is kept with a warning and obs show says so") {
    REQUIRE(run_cli({"--db", path, "case", "new", "IR-REAL", "--title", "t"}).exit_code == 0);
    auto r = run_cli({"--db", path, "log", "--case", "IR-REAL", "--time", "2026-03-01T10:00:00Z",
                      "--host", "ws1", "--platform", "windows", "--technique", "T1591.002"});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "casetrail: warning: host platform windows is not among the platforms ATT&CK "
                   "18.1 lists for T1591.002 (Business Relationships): PRE\n");
    auto show = run_cli({"--db", path, "obs", "show", "--case", "IR-REAL", "1"});
    CHECK_THAT(show.out, Catch::Contains("technique         T1591.002 Business Relationships "
                                         "[reconnaissance]\n"
                                         "platform note     T1591.002 is not listed for windows "
                                         "(ATT&CK: PRE)\n"));
  }
}

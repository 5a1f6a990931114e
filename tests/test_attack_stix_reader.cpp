#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/attack/stix_reader.hpp"
#include "core/error.hpp"
#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::Error;
using casetrail::ErrorCode;
using casetrail::attack::read_stix_bundle;
using casetrail::attack::read_stix_bundle_text;
using casetrail::model::AttackCatalogue;
using casetrail::model::AttackLogSource;
using casetrail::model::AttackTechnique;

namespace {

std::string fixture(const std::string& name) {
  return std::string(CASETRAIL_FIXTURES_DIR) + "/attack/" + name;
}

const AttackTechnique& technique(const AttackCatalogue& c, const std::string& id) {
  for (const auto& t : c.techniques) {
    if (t.id == id) return t;
  }
  FAIL("no technique " << id);
  throw std::logic_error("unreachable");
}

std::vector<std::string> ids(const AttackCatalogue& c) {
  std::vector<std::string> out;
  for (const auto& t : c.techniques) out.push_back(t.id);
  return out;
}

AttackLogSource v18_source(const std::string& id, const std::string& component,
                           const std::string& name, const std::string& channel) {
  return {id, component, std::nullopt, name, channel};
}

AttackLogSource v17_source(const std::string& data_source, const std::string& component) {
  return {std::nullopt, component, data_source, std::nullopt, std::nullopt};
}

// The reader's error for `json`, which must fail.
std::string error_for(const std::string& json, ErrorCode expected = ErrorCode::invalid_input) {
  try {
    read_stix_bundle_text(json, "bad.json", std::nullopt);
  } catch (const Error& e) {
    CHECK(e.code() == expected);
    return e.what();
  }
  FAIL("read without an error: " << json.substr(0, 200));
  return {};
}

// The 2.0 fixture with one object changed by `edit`.
std::string edited_fixture(const std::function<void(nlohmann::json& objects)>& edit) {
  auto bundle = nlohmann::json::parse(casetrail::test::read_file(fixture("enterprise-mini-stix20.json")));
  edit(bundle.at("objects"));
  return bundle.dump(1);
}

nlohmann::json& object_with(nlohmann::json& objects, const std::string& type,
                            const std::string& attack_id) {
  for (auto& o : objects) {
    if (o.at("type") != type) continue;
    for (const auto& r : o.value("external_references", nlohmann::json::array())) {
      if (r.value("external_id", "") == attack_id) return o;
    }
  }
  throw std::logic_error("fixture has no " + type + " " + attack_id);
}

}  // namespace

TEST_CASE("a STIX 2.0 bundle yields techniques, matrix-ordered tactics and detection-chain log sources",
          "[attack]") {
  const auto c = read_stix_bundle(fixture("enterprise-mini-stix20.json"), std::nullopt);
  CHECK(ids(c) == std::vector<std::string>{"T1059", "T1059.001", "T1059.004", "T1064", "T1086",
                                           "T1150", "T1547", "T1547.011", "T1591", "T1591.002",
                                           "T1647"});
  REQUIRE(c.tactics.size() == 4);
  // The file lists the tactics as defense-evasion, reconnaissance, persistence,
  // execution; the matrix's tactic_refs decide.
  CHECK(c.tactics[0].id == "TA0043");
  CHECK(c.tactics[0].shortname == "reconnaissance");
  CHECK(c.tactics[0].name == "Reconnaissance");
  CHECK(c.tactics[0].order == 1);
  CHECK(c.tactics[1].shortname == "execution");
  CHECK(c.tactics[2].shortname == "persistence");
  CHECK(c.tactics[3].shortname == "defense-evasion");
  CHECK(c.tactics[3].order == 4);

  const auto& ps = technique(c, "T1059.001");
  CHECK(ps.name == "PowerShell");
  CHECK(ps.parent_id == "T1059");
  CHECK(ps.tactics == std::vector<std::string>{"execution"});
  CHECK(ps.platforms == std::vector<std::string>{"Windows"});
  CHECK(ps.version == "1.5");
  CHECK(casetrail::time::format_utc(*ps.modified) == "2025-10-24T17:49:07.660000Z");
  CHECK(ps.description == "Adversaries may use PowerShell.\n\nSecond paragraph.(Citation: Example Reference)");
  CHECK_FALSE(ps.revoked);
  CHECK_FALSE(ps.deprecated);
  // AN1252 and AN1253 both name Sysmon EventCode=1: kept once. The deprecated
  // DET9999 (Module Load) is not followed.
  CHECK(ps.log_sources ==
        std::vector<AttackLogSource>{
            v18_source("DC0032", "Process Creation", "WinEventLog:Security", "EventCode=4688"),
            v18_source("DC0032", "Process Creation", "WinEventLog:Sysmon", "EventCode=1"),
            v18_source("DC0064", "Command Execution", "WinEventLog:PowerShell",
                       "EventCode=4103, 4104, 4105, 4106")});
  CHECK(technique(c, "T1059.004").log_sources ==
        std::vector<AttackLogSource>{
            v18_source("DC0032", "Process Creation", "auditd:SYSCALL", "execve")});
  CHECK(technique(c, "T1059").parent_id == std::nullopt);
  CHECK(technique(c, "T1059").platforms == std::vector<std::string>{"Windows", "macOS", "Linux"});
  CHECK(technique(c, "T1059").log_sources.empty());
  CHECK(technique(c, "T1591.002").platforms == std::vector<std::string>{"PRE"});
  CHECK(technique(c, "T1591.002").parent_id == "T1591");
}

TEST_CASE("revoked techniques name their replacement, deprecated ones are marked, absent revoked is false",
          "[attack]") {
  const auto c = read_stix_bundle(fixture("enterprise-mini-stix20.json"), std::nullopt);
  CHECK(technique(c, "T1086").revoked);
  CHECK(technique(c, "T1086").replaced_by == "T1059.001");  // the revoked relationship to T1059 is ignored
  CHECK(technique(c, "T1150").replaced_by == "T1547.011");
  CHECK(technique(c, "T1547.011").replaced_by == "T1647");
  CHECK(technique(c, "T1547.011").parent_id == "T1547");
  // T1591 and T1547 carry no "revoked" field at all.
  CHECK_FALSE(technique(c, "T1591").revoked);
  CHECK_FALSE(technique(c, "T1547").revoked);
  CHECK(technique(c, "T1591").replaced_by == std::nullopt);
  CHECK(technique(c, "T1064").deprecated);
  CHECK_FALSE(technique(c, "T1064").revoked);
  // Its kill chain lists defense-evasion first; tactics come in matrix order.
  CHECK(technique(c, "T1064").tactics == std::vector<std::string>{"execution", "defense-evasion"});
  CHECK(technique(c, "T1150").tactics == std::vector<std::string>{"persistence", "defense-evasion"});
}

TEST_CASE("the STIX 2.1 form of the same content gives the same catalogue and its collection's release",
          "[attack]") {
  const auto v20 = read_stix_bundle(fixture("enterprise-mini-stix20.json"), std::nullopt);
  const auto v21 = read_stix_bundle(fixture("enterprise-mini-stix21.json"), std::nullopt);
  REQUIRE(v20.techniques.size() == v21.techniques.size());
  for (std::size_t i = 0; i < v20.techniques.size(); ++i) {
    const auto& a = v20.techniques[i];
    const auto& b = v21.techniques[i];
    INFO(a.id);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.parent_id == b.parent_id);
    CHECK(a.tactics == b.tactics);
    CHECK(a.platforms == b.platforms);
    CHECK(a.revoked == b.revoked);
    CHECK(a.deprecated == b.deprecated);
    CHECK(a.replaced_by == b.replaced_by);
    CHECK(a.log_sources == b.log_sources);
  }
  CHECK(v21.tactics.size() == 4);
  CHECK(v21.release.version == "18.1");
  CHECK(v21.release.version_source == casetrail::model::AttackVersionSource::collection);
  CHECK(v21.release.spec_version == "2.1");
  CHECK(casetrail::attack::release_label(v21.release) == "18.1");
  CHECK(v20.release.spec_version == "2.0");
}

TEST_CASE("up to v17, log sources are the x_mitre_data_sources strings", "[attack]") {
  const auto c = read_stix_bundle(fixture("enterprise-mini-v17.json"), std::nullopt);
  CHECK(c.release.version == "17.1");
  CHECK(ids(c) == std::vector<std::string>{"T1033", "T1059", "T1059.001"});
  CHECK(technique(c, "T1059.001").log_sources ==
        std::vector<AttackLogSource>{v17_source("Command", "Command Execution"),
                                     v17_source("Module", "Module Load"),
                                     v17_source("Process", "Process Creation"),
                                     v17_source("Script", "Script Execution")});
  // v17's data-component "detects" relationship is not a detection strategy.
  CHECK(technique(c, "T1033").log_sources ==
        std::vector<AttackLogSource>{v17_source("Command", "Command Execution"),
                                     v17_source("Process", "Process Creation")});
  CHECK(technique(c, "T1033").platforms ==
        std::vector<std::string>{"Linux", "macOS", "Windows", "Network Devices"});
}

TEST_CASE("the release comes from the collection, else --attack-version, else unknown with the newest modified",
          "[attack]") {
  const auto path = fixture("enterprise-mini-stix20.json");
  const auto given = read_stix_bundle(path, std::string("v18.1"));
  CHECK(given.release.version == "18.1");
  CHECK(given.release.version_source == casetrail::model::AttackVersionSource::option);
  CHECK(casetrail::attack::release_label(given.release) == "18.1");

  const auto unknown = read_stix_bundle(path, std::nullopt);
  CHECK(unknown.release.version == "unknown");
  CHECK(unknown.release.version_source == casetrail::model::AttackVersionSource::unknown);
  CHECK(casetrail::time::format_utc(unknown.release.newest_modified) == "2025-11-12T22:03:39.105000Z");
  CHECK(casetrail::attack::release_label(unknown.release) ==
        "unknown (newest modified 2025-11-12T22:03:39.105000Z)");
  const std::string bytes = casetrail::test::read_file(path);
  CHECK(unknown.release.sha256 == casetrail::util::sha256_hex(bytes));
  CHECK(unknown.release.file_size == static_cast<std::int64_t>(bytes.size()));
  CHECK(unknown.release.file_name == path);

  // The collection's version wins; a different --attack-version is refused.
  const auto path21 = fixture("enterprise-mini-stix21.json");
  CHECK(read_stix_bundle(path21, std::string("18.1")).release.version == "18.1");
  CHECK_THROWS_WITH(read_stix_bundle(path21, std::string("18.0")),
                    "invalid --attack-version \"18.0\": the file's x-mitre-collection says release 18.1");
  CHECK_THROWS_WITH(read_stix_bundle(path, std::string("latest")),
                    "invalid --attack-version \"latest\": expected a release number such as 18.1");
}

TEST_CASE("a file that is not JSON, not a bundle or truncated is refused with the reason", "[attack]") {
  const std::string good = casetrail::test::read_file(fixture("enterprise-mini-stix20.json"));
  const std::string prefix = "invalid ATT&CK bundle \"bad.json\": ";
  CHECK(error_for("") == prefix + "the file is empty");
  CHECK(error_for("hello, world") == prefix + "not valid JSON at byte 0: unexpected character or misplaced , : [ ] { }");
  CHECK(error_for("<html><body>404</body></html>") ==
        prefix + "not valid JSON at byte 0: unexpected character or misplaced , : [ ] { }");
  CHECK(error_for(good.substr(0, good.size() / 2)) ==
        prefix + "the JSON ends early, inside an object, array or string (truncated file?)");
  CHECK(error_for(good.substr(0, good.size() - 3)) ==
        prefix + "the JSON ends early, inside an object, array or string (truncated file?)");
  CHECK(error_for(good + "{}") == prefix + "not valid JSON at byte " + std::to_string(good.size()) +
                                      ": text after the end of the bundle");
  CHECK(error_for("[1, 2]") == prefix + "not a STIX bundle: the file holds a JSON array, not an "
                                        "object with \"type\": \"bundle\"");
  CHECK(error_for("{\"type\": \"indicator\", \"objects\": []}") ==
        prefix + "not a STIX bundle: expected an object with \"type\": \"bundle\" and an \"objects\" array");
  CHECK(error_for("{\"type\": \"bundle\"}") ==
        prefix + "not a STIX bundle: expected an object with \"type\": \"bundle\" and an \"objects\" array");
  CHECK(error_for("{\"type\": \"bundle\", \"objects\": {}}") ==
        prefix + "not a STIX bundle: \"objects\" is not an array");
  CHECK(error_for("{\"type\": \"bundle\", \"objects\": []}") ==
        prefix + "no ATT&CK technique in the file (no attack-pattern with a mitre-attack ID): not an "
                 "ATT&CK bundle");
  CHECK(error_for("{\"type\": \"bundle\", \"objects\": [42]}") ==
        prefix + "object 1 of \"objects\" is not a JSON object");
  // Faults in values the catalogue does not use are found too.
  CHECK(error_for("{\"type\": \"bundle\", \"objects\": [{\"type\": \"malware\", \"id\": \"m\", "
                  "\"x\": [tru]}]}") ==
        prefix + "not valid JSON at byte 68: invalid literal (expected true, false or null)");
  CHECK(error_for("{\"type\": \"bundle\", \"objects\": [{\"type\": \"malware\", \"x\": 01}]}") ==
        prefix + "not valid JSON at byte 56: invalid number");
  CHECK(error_for("{\"type\": \"bundle\", \"objects\": [{\"type\": \"note\", \"x\": \"\\q\"}]}") ==
        prefix + "not valid JSON at byte 53: invalid string escape");
  CHECK(error_for("{\"type\": \"bundle\", \"objects\": [{\"type\": \"note\" \"x\": 1}]}") ==
        prefix + "not valid JSON at byte 47: unexpected character or misplaced , : [ ] { }");
  CHECK(error_for(std::string("{\"type\": \"bundle\", \"objects\": [\"\xff\"]}")) ==
        prefix + "not valid JSON: invalid UTF-8");
  // A missing file is not_found, a directory cannot be read.
  casetrail::test::TempDir dir;
  CHECK_THROWS_WITH(read_stix_bundle((dir / "none.json").string(), std::nullopt),
                    "ATT&CK bundle \"" + (dir / "none.json").string() + "\" does not exist");
  CHECK_THROWS_WITH(read_stix_bundle(dir.path().string(), std::nullopt),
                    "cannot read ATT&CK bundle \"" + dir.path().string() + "\": a directory");
}

TEST_CASE("an object the catalogue needs without a required field is an error naming its id", "[attack]") {
  const std::string prefix = "invalid ATT&CK bundle \"bad.json\": ";
  auto edited = [](const std::function<void(nlohmann::json&)>& edit) {
    return error_for(edited_fixture(edit));
  };
  const std::string ps = "attack-pattern--c574c863-94a8-5021-88ef-bbbb2deb3fe0";
  REQUIRE(edited_fixture([](nlohmann::json&) {}).find(ps) != std::string::npos);

  CHECK(edited([](nlohmann::json& o) { object_with(o, "attack-pattern", "T1059.001").erase("name"); }) ==
        prefix + "object \"" + ps + "\" (T1059.001): no \"name\"");
  CHECK(edited([](nlohmann::json& o) { object_with(o, "attack-pattern", "T1059.001")["name"] = 7; }) ==
        prefix + "object \"" + ps + "\" (T1059.001): \"name\" is not a string");
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "attack-pattern", "T1059.001")["revoked"] = "no";
        }) == prefix + "object \"" + ps + "\" (T1059.001): \"revoked\" is not true or false");
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "attack-pattern", "T1059.001")["x_mitre_platforms"] = "Windows";
        }) == prefix + "object \"" + ps + "\" (T1059.001): \"x_mitre_platforms\" is not an array of strings");
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "attack-pattern", "T1059.001")["external_references"][0].erase("external_id");
        }) == prefix + "object \"" + ps + "\": no ATT&CK ID (an \"external_references\" entry with "
                                          "\"source_name\": \"mitre-attack\" and an \"external_id\")");
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "attack-pattern", "T1059.001")["external_references"][0]["external_id"] = "T59";
        }) == prefix + "object \"" + ps + "\": ATT&CK ID \"T59\" is not a technique ID such as T1059 "
                                          "or T1059.001");
  CHECK(edited([](nlohmann::json& o) { object_with(o, "attack-pattern", "T1059.001").erase("id"); }) ==
        prefix + "object 5 of \"objects\" (\"attack-pattern\"): no \"id\"");
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "attack-pattern", "T1059.001")["kill_chain_phases"][0]["phase_name"] = "lunch";
        }) == prefix + "object \"" + ps + "\" (T1059.001): kill chain phase \"lunch\" is not the "
                                          "x_mitre_shortname of a tactic of the file");
  // A revoked technique may keep a tactic the file no longer has.
  const auto kept = read_stix_bundle_text(edited_fixture([](nlohmann::json& o) {
                                            object_with(o, "attack-pattern", "T1086")
                                                ["kill_chain_phases"][0]["phase_name"] = "lunch";
                                          }),
                                          "old-tactic.json", std::nullopt);
  CHECK(technique(kept, "T1086").tactics.empty());
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "attack-pattern", "T1059.001")["modified"] = "yesterday";
        }) == prefix + "object \"" + ps + "\" (T1059.001): invalid \"modified\" \"yesterday\": "
                                          "expected YYYY-MM-DD");
  // Removing T1059 leaves its sub-techniques without a parent.
  CHECK(edited([](nlohmann::json& o) {
          auto& parent = object_with(o, "attack-pattern", "T1059");
          o.erase(std::find(o.begin(), o.end(), parent));
        }) == prefix + "object \"" + ps + "\" (T1059.001): sub-technique of T1059, which is not in the file");

  const std::string tactic = "x-mitre-tactic--4c801f0b-a53c-557f-b06b-9a3318312a51";
  CHECK(edited([](nlohmann::json& o) { object_with(o, "x-mitre-tactic", "TA0002").erase("x_mitre_shortname"); }) ==
        prefix + "object \"" + tactic + "\" (TA0002): no \"x_mitre_shortname\"");

  const std::string analytic = "x-mitre-analytic--c41f6ce3-5cfb-5480-95a3-3d21cbfe3929";
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "x-mitre-analytic", "AN1252")["x_mitre_log_source_references"][1].erase("channel");
        }) == prefix + "object \"" + analytic + "\": \"x_mitre_log_source_references\" entry 2 has no \"channel\"");
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "x-mitre-analytic", "AN1252")["x_mitre_log_source_references"][0]
                     ["x_mitre_data_component_ref"] = "x-mitre-data-component--missing";
        }) == prefix + "object \"" + analytic + "\": \"x_mitre_data_component_ref\" names "
                       "\"x-mitre-data-component--missing\", which is not an x-mitre-data-component of the file");

  const std::string matrix = "x-mitre-matrix--24775149-de1e-522e-860b-33f01bd9ba2d";
  CHECK(edited([](nlohmann::json& o) {
          object_with(o, "x-mitre-matrix", "enterprise-attack")["tactic_refs"].push_back(
              "x-mitre-tactic--missing");
        }) == prefix + "object \"" + matrix + "\": \"tactic_refs\" names \"x-mitre-tactic--missing\", "
                       "which is not an x-mitre-tactic of the file");
  CHECK(edited([](nlohmann::json& o) {
          for (auto& r : o) {
            if (r.at("type") == "relationship" && r.at("relationship_type") == "revoked-by") {
              r["target_ref"] = "attack-pattern--missing";
              break;
            }
          }
        }) == prefix + "object \"relationship--8cfbf5ed-2abe-5578-b40f-d6482019a150\" (revoked-by "
                       "T1547.011): \"target_ref\" \"attack-pattern--missing\" is not an attack-pattern "
                       "of the file");
  // Objects the catalogue does not read may be odd: the fixture's group has a
  // numeric x_mitre_version, and a "uses" relationship may lack its target.
  CHECK_NOTHROW(read_stix_bundle_text(edited_fixture([](nlohmann::json& o) {
                                        for (auto& r : o) {
                                          if (r.at("type") == "relationship" &&
                                              r.at("relationship_type") == "uses") {
                                            r.erase("target_ref");
                                          }
                                        }
                                      }),
                                      "odd.json", std::nullopt));
}

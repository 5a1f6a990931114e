#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/attack/catalogue.hpp"
#include "core/attack/stix_reader.hpp"
#include "core/error.hpp"
#include "core/store/attack_store.hpp"
#include "core/store/database.hpp"
#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::store::Database;

namespace {

std::string fixture(const std::string& name) {
  return std::string(CASETRAIL_FIXTURES_DIR) + "/attack/" + name;
}

const casetrail::time::UtcTime k_t1{casetrail::time::Micros(1764511200000000LL)};
const casetrail::time::UtcTime k_t2{casetrail::time::Micros(1764597600000000LL)};

// Everything stored, as text, to compare a catalogue before and after.
std::string dump(const Database& db) {
  std::string out;
  for (const char* table : {"attack_release", "attack_tactic", "attack_technique",
                            "attack_technique_tactic", "attack_technique_platform",
                            "attack_log_source"}) {
    SQLite::Statement s(db.connection(), std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
    while (s.executeStep()) {
      out += table;
      for (int i = 0; i < s.getColumnCount(); ++i) out += "|" + s.getColumn(i).getString();
      out += "\n";
    }
  }
  return out;
}

}  // namespace

TEST_CASE("an import stores the release, counts and every technique's details", "[attack]") {
  auto db = Database::open(":memory:");
  CHECK_FALSE(casetrail::store::attack_status(db));
  CHECK_FALSE(casetrail::store::attack_release_label(db));
  CHECK_FALSE(casetrail::store::find_attack_technique(db, "T1059"));
  const auto result = casetrail::attack::import_catalogue(
      db, fixture("enterprise-mini-stix20.json"), std::string("18.1"), "tester", k_t1);
  CHECK_FALSE(result.replaced);
  CHECK(result.warnings.empty());
  const auto& s = result.status;
  CHECK(s.release.version == "18.1");
  CHECK(s.release.version_source == casetrail::model::AttackVersionSource::option);
  CHECK(s.release.spec_version == "2.0");
  CHECK(s.release.file_name == fixture("enterprise-mini-stix20.json"));
  CHECK(s.release.sha256 ==
        casetrail::util::sha256_hex(casetrail::test::read_file(fixture("enterprise-mini-stix20.json"))));
  CHECK(s.imported_at == k_t1);
  CHECK(s.imported_by == "tester");
  CHECK(s.techniques == 11);
  CHECK(s.sub_techniques == 4);
  CHECK(s.active == 7);
  CHECK(s.revoked == 3);
  CHECK(s.deprecated == 1);
  CHECK(s.tactics == 4);
  CHECK(s.log_sources == 4);

  const auto t = casetrail::store::find_attack_technique(db, "T1059");
  REQUIRE(t);
  CHECK(t->technique.name == "Command and Scripting Interpreter");
  CHECK(t->technique.platforms == std::vector<std::string>{"Windows", "macOS", "Linux"});
  CHECK(t->release == "18.1");
  REQUIRE(t->sub_techniques.size() == 2);
  CHECK(t->sub_techniques[0].id == "T1059.001");
  CHECK(t->sub_techniques[1].id == "T1059.004");
  const auto sub = casetrail::store::find_attack_technique(db, "T1059.001");
  REQUIRE(sub);
  REQUIRE(sub->parent);
  CHECK(sub->parent->id == "T1059");
  CHECK(sub->technique.log_sources.size() == 3);
  const auto chain = casetrail::store::find_attack_technique(db, "T1150");
  REQUIRE(chain);
  REQUIRE(chain->replacements.size() == 2);
  CHECK(chain->replacements[0].id == "T1547.011");
  CHECK(chain->replacements[1].id == "T1647");
  CHECK(chain->technique.replaced_by == "T1547.011");
  CHECK(db.check().ok());
}

TEST_CASE("importing another release replaces the whole catalogue and reports what it replaced",
          "[attack]") {
  auto db = Database::open(":memory:");
  casetrail::attack::import_catalogue(db, fixture("enterprise-mini-v17.json"), std::nullopt, "ann", k_t1);
  REQUIRE(casetrail::store::find_attack_technique(db, "T1033"));
  const auto result = casetrail::attack::import_catalogue(db, fixture("enterprise-mini-stix21.json"),
                                                          std::nullopt, "bob", k_t2);
  REQUIRE(result.replaced);
  CHECK(result.replaced->release.version == "17.1");
  CHECK(result.replaced->imported_by == "ann");
  CHECK(result.replaced->techniques == 3);
  CHECK(result.status.release.version == "18.1");
  CHECK(result.status.imported_by == "bob");
  CHECK(result.status.techniques == 11);
  CHECK(result.warnings.empty());
  // Nothing of 17.1 is left: T1033 is not in the 18.1 file, T1059.001's
  // v17 data source strings are gone.
  CHECK_FALSE(casetrail::store::find_attack_technique(db, "T1033"));
  CHECK(casetrail::store::find_attack_technique(db, "T1059.001")->technique.log_sources.size() == 3);
  CHECK(casetrail::store::attack_tactics(db).size() == 4);
  CHECK(db.check().ok());

  // Going back to an older release is allowed, and said.
  const auto back = casetrail::attack::import_catalogue(db, fixture("enterprise-mini-v17.json"),
                                                        std::nullopt, "ann", k_t2);
  CHECK(back.warnings ==
        std::vector<std::string>{"ATT&CK 17.1 is older than the release it replaced (18.1)"});
}

TEST_CASE("a bad file leaves the stored catalogue exactly as it was", "[attack]") {
  casetrail::test::TempDir dir;
  auto db = Database::open((dir / "case.db").string());
  casetrail::attack::import_catalogue(db, fixture("enterprise-mini-stix21.json"), std::nullopt,
                                      "tester", k_t1);
  const std::string before = dump(db);
  REQUIRE(before.find("attack_technique|") != std::string::npos);

  const std::string good = casetrail::test::read_file(fixture("enterprise-mini-stix20.json"));
  std::string no_name = good;
  no_name.replace(no_name.find("\"name\": \"PowerShell\""), 20, "\"title\": \"PowerShell\"");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"truncated.json", good.substr(0, good.size() - 100)},
      {"text.json", "this is not JSON"},
      {"no-name.json", no_name},
      {"array.json", "[]"},
  };
  for (const auto& [name, bytes] : bad) {
    INFO(name);
    casetrail::test::write_file(dir / name, bytes);
    CHECK_THROWS_AS(casetrail::attack::import_catalogue(db, (dir / name).string(), std::nullopt,
                                                        "tester", k_t2),
                    casetrail::Error);
    CHECK(dump(db) == before);
  }
  CHECK_THROWS_AS(casetrail::attack::import_catalogue(db, (dir / "missing.json").string(),
                                                      std::nullopt, "tester", k_t2),
                  casetrail::Error);
  CHECK(dump(db) == before);
}

TEST_CASE("a failure while writing the catalogue rolls all of it back", "[attack]") {
  auto db = Database::open(":memory:");
  casetrail::attack::import_catalogue(db, fixture("enterprise-mini-stix21.json"), std::nullopt,
                                      "tester", k_t1);
  const std::string before = dump(db);
  // A catalogue the reader would never produce: the same technique twice
  // fails on its key after the old rows are deleted and new ones written.
  auto catalogue = casetrail::attack::read_stix_bundle(fixture("enterprise-mini-v17.json"), std::nullopt);
  catalogue.techniques.push_back(catalogue.techniques.back());
  try {
    casetrail::store::replace_attack_catalogue(db, catalogue, "tester", k_t2);
    FAIL("a catalogue with a duplicate technique was stored");
  } catch (const casetrail::Error& e) {
    CHECK(e.code() == casetrail::ErrorCode::database);
    CHECK_THAT(e.what(), Catch::Contains("UNIQUE constraint failed: attack_technique.id"));
  }
  CHECK(dump(db) == before);
}

TEST_CASE("catalogue lookups by ID use the unique indexes", "[attack]") {
  auto db = Database::open(":memory:");
  auto plan = [&](const std::string& sql) {
    std::string text;
    SQLite::Statement s(db.connection(), "EXPLAIN QUERY PLAN " + sql);
    while (s.executeStep()) text += s.getColumn(3).getString() + "\n";
    return text;
  };
  CHECK_THAT(plan("SELECT id FROM attack_technique WHERE attack_id = 'T1059'"),
             Catch::Contains("USING COVERING INDEX sqlite_autoindex_attack_technique_1 (attack_id=?)"));
  CHECK_THAT(plan("SELECT id FROM attack_technique WHERE parent_id = 1"),
             Catch::Contains("USING COVERING INDEX attack_technique_parent (parent_id=?)"));
  CHECK_THAT(plan("SELECT * FROM attack_log_source WHERE technique_id = 1"),
             Catch::Contains("USING INDEX attack_log_source_technique (technique_id=?)"));
  CHECK_THAT(plan("SELECT * FROM attack_technique_tactic WHERE tactic_id = 1"),
             Catch::Contains("USING COVERING INDEX attack_technique_tactic_tactic (tactic_id=?)"));
}

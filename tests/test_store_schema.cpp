#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <regex>

#include "core/error.hpp"
#include "core/store/database.hpp"
#include "core/store/migrations.hpp"
#include "tests/support/test_support.hpp"

using casetrail::Error;
using casetrail::ErrorCode;
using casetrail::store::Database;
using casetrail::store::OpenMode;

namespace {

// The schema as SQLite holds it, comments dropped and whitespace folded, so
// that layout differences do not count but every column, constraint, index
// and trigger does.
std::vector<std::string> schema_of(SQLite::Database& db) {
  std::vector<std::string> objects;
  SQLite::Statement s(db,
                      "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master "
                      "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name");
  while (s.executeStep()) {
    std::string sql = s.getColumn(0).getString();
    sql = std::regex_replace(sql, std::regex("--[^\n]*"), "");
    sql = std::regex_replace(sql, std::regex("\\s+"), " ");
    sql = std::regex_replace(sql, std::regex(" ?([(),]) ?"), "$1");
    objects.push_back(sql);
  }
  return objects;
}

}  // namespace

TEST_CASE("migrating an empty database yields exactly schema/schema.sql", "[store]") {
  casetrail::test::TempDir dir;
  auto migrated = Database::open((dir / "migrated.db").string());
  SQLite::Database reviewed((dir / "reviewed.db").string(),
                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  reviewed.exec(casetrail::test::read_file(std::string(CASETRAIL_SOURCE_DIR) + "/schema/schema.sql"));
  const auto from_migrations = schema_of(migrated.connection());
  const auto from_schema = schema_of(reviewed);
  REQUIRE(from_migrations.size() > 10);
  CHECK(from_migrations == from_schema);
}

TEST_CASE("a new database is marked as casetrail's and at the latest schema version", "[store]") {
  casetrail::test::TempDir dir;
  auto db = Database::open((dir / "case.db").string());
  CHECK(db.schema_version() == casetrail::store::latest_schema_version());
  CHECK(db.connection().execAndGet("PRAGMA application_id").getInt() ==
        casetrail::store::k_application_id);
  CHECK(db.connection().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.connection().execAndGet("PRAGMA foreign_keys").getInt() == 1);
  CHECK(db.check().ok());
}

TEST_CASE("migrations are numbered from 1 without gaps", "[store]") {
  const auto& migrations = casetrail::store::embedded_migrations();
  REQUIRE_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version == static_cast<int>(i + 1));
  }
}

TEST_CASE("a database with a newer schema version is refused", "[store]") {
  casetrail::test::TempDir dir;
  const auto path = (dir / "future.db").string();
  { Database::open(path); }
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = " +
             std::to_string(casetrail::store::latest_schema_version() + 1));
  }
  try {
    Database::open(path);
    FAIL("opened a database newer than the binary");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::database);
    CHECK(std::string(e.what()) ==
          "database \"" + path + "\" has schema version " +
              std::to_string(casetrail::store::latest_schema_version() + 1) +
              ", newer than this casetrail (" +
              std::to_string(casetrail::store::latest_schema_version()) +
              "): use a newer casetrail");
  }
}

TEST_CASE("a SQLite file that is not a casetrail database is refused and left alone", "[store]") {
  casetrail::test::TempDir dir;
  const auto path = (dir / "other.db").string();
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE t (x)");
  }
  CHECK_THROWS_WITH(Database::open(path),
                    "database \"" + path + "\" is not a casetrail case database (application_id 0)");
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("SELECT count(*) FROM sqlite_master").getInt() == 1);
}

TEST_CASE("a file that is not SQLite at all is refused with SQLite's reason", "[store]") {
  casetrail::test::TempDir dir;
  const auto path = dir / "notes.txt";
  casetrail::test::write_file(path, std::string(4096, 'x'));
  try {
    Database::open(path.string());
    FAIL("opened a text file");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::database);
    CHECK_THAT(e.what(), Catch::Contains("file is not a database"));
  }
  CHECK(casetrail::test::read_file(path) == std::string(4096, 'x'));
}

TEST_CASE("opening a missing database without create is an error naming the file", "[store]") {
  casetrail::test::TempDir dir;
  const auto path = (dir / "missing.db").string();
  CHECK_THROWS_WITH(Database::open(path, OpenMode::existing),
                    "database \"" + path + "\" does not exist");
  CHECK_FALSE(std::filesystem::exists(path));
}

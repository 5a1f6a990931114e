#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/store/database.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;

namespace {

struct QueryFixture {
  test::TempDir dir;
  std::string path = (dir / "case.db").string();
  QueryFixture() {
    REQUIRE(test::run_cli({"--db", path, "case", "new", "IR-1", "--title", "query"}).exit_code == 0);
    REQUIRE(test::run_cli({"--db", path, "log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z",
                           "--host", "WS1", "--cmd", "whoami"})
                .exit_code == 0);
  }

  std::vector<std::vector<std::optional<std::string>>> query(const std::string& sql) {
    auto db = store::Database::open_query(path);
    std::vector<std::vector<std::optional<std::string>>> rows;
    store::run_query(db, sql, [](const std::vector<std::string>&) {},
                     [&](const std::vector<std::optional<std::string>>& r) { rows.push_back(r); });
    return rows;
  }
};

}  // namespace

TEST_CASE("a query connection reads the case database", "[integrity]") {
  QueryFixture f;
  std::vector<std::string> columns;
  auto db = store::Database::open_query(f.path);
  std::vector<std::vector<std::optional<std::string>>> rows;
  const auto count = store::run_query(
      db,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2) "
      "SELECT o.number, upper(h.canonical), p.command_line, o.note FROM observation o "
      "JOIN host h ON h.id = o.host_id JOIN process p ON p.observation_id = o.id, n",
      [&](const std::vector<std::string>& c) { columns = c; },
      [&](const std::vector<std::optional<std::string>>& r) { rows.push_back(r); });
  CHECK(count == 2);
  CHECK(columns == std::vector<std::string>{"number", "upper(h.canonical)", "command_line", "note"});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == std::vector<std::optional<std::string>>{"1", "WS1", "whoami", std::nullopt});
}

TEST_CASE("a query connection refuses ATTACH, writes, PRAGMAs and a second statement",
          "[integrity]") {
  QueryFixture f;
  const std::string other = (f.dir / "other.db").string();
  for (const std::string& sql :
       {"ATTACH DATABASE '" + other + "' AS other", std::string("DETACH DATABASE main"),
        std::string("INSERT INTO host (case_id, canonical, first_name) VALUES (1, 'x', 'x')"),
        std::string("UPDATE case_file SET status = 'closed'"), std::string("DELETE FROM observation"),
        std::string("DROP TABLE observation"), std::string("CREATE TABLE t (x)"),
        std::string("PRAGMA writable_schema = 1"), std::string("PRAGMA journal_mode"),
        std::string("BEGIN IMMEDIATE")}) {
    INFO(sql);
    CHECK_THROWS_WITH(f.query(sql), "query refused: only reading is allowed (not authorized)");
  }
  CHECK_THROWS_WITH(f.query("SELECT load_extension('x')"),
                    "query refused: only reading is allowed (not authorized to use function: "
                    "load_extension)");
  CHECK_FALSE(std::filesystem::exists(other));
  CHECK_THROWS_WITH(f.query("SELECT 1; DELETE FROM observation"),
                    "query refused: one statement at a time");
  CHECK_THROWS_WITH(f.query("SELEC 1"), "invalid query: near \"SELEC\": syntax error");
  CHECK(f.query("SELECT count(*) FROM observation;") ==
        std::vector<std::vector<std::optional<std::string>>>{{"1"}});
}

TEST_CASE("a query connection needs an existing casetrail database", "[integrity]") {
  test::TempDir dir;
  const auto missing = (dir / "missing.db").string();
  CHECK_THROWS_WITH(store::Database::open_query(missing),
                    "database \"" + missing + "\" does not exist");
  CHECK_FALSE(std::filesystem::exists(missing));
}

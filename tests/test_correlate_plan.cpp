// Every statement the correlator runs uses an index: EXPLAIN QUERY PLAN
// shows no full scan of observation (nor of process, process_key or
// observation_technique) for any of them.

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <regex>

#include "core/store/correlate_store.hpp"
#include "core/store/database.hpp"
#include "core/store/migrations.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;

namespace {

std::vector<std::string> plan_of(SQLite::Database& db, const std::string& sql) {
  std::vector<std::string> lines;
  SQLite::Statement s(db, "EXPLAIN QUERY PLAN " + sql);
  while (s.executeStep()) lines.push_back(s.getColumn(3).getString());
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

}  // namespace

TEST_CASE("every correlation query searches through an index and scans no table", "[correlate]") {
  test::TempDir dir;
  auto db = store::Database::open((dir / "case.db").string());
  const auto queries = store::correlation_queries();
  REQUIRE(queries.size() == 27);
  // Only the id list of json_each and the per-row technique subquery are
  // scanned; every table is searched. One exception, on purpose: the
  // technique summary reads observation_technique whole (techniques are few
  // next to observations) and searches observation by id.
  const std::regex allowed_scan("^SCAN (json_each VIRTUAL TABLE|\\(subquery-[0-9]+\\))");
  for (const auto& q : queries) {
    const auto lines = plan_of(db.connection(), q.sql);
    INFO(q.name << ":\n" << joined(lines));
    bool searched = false;
    for (const auto& line : lines) {
      if (q.name == "spans_techniques" && line.rfind("SCAN ot", 0) == 0) continue;
      if (line.rfind("SCAN", 0) == 0) CHECK(std::regex_search(line, allowed_scan));
      if (line.rfind("SEARCH", 0) == 0) searched = true;
    }
    CHECK(searched);
  }
}

TEST_CASE("each correlation lookup runs on the index made for it", "[correlate]") {
  test::TempDir dir;
  auto db = store::Database::open((dir / "case.db").string());
  std::map<std::string, std::string> first_line;
  for (const auto& q : store::correlation_queries()) {
    first_line[q.name] = plan_of(db.connection(), q.sql).front();
  }
  CHECK(first_line["window_on_host"] ==
        "SEARCH observation USING COVERING INDEX observation_host_time (host_id=? AND "
        "observed_at>? AND observed_at<?)");
  CHECK(first_line["window_by_account"] ==
        "SEARCH observation USING COVERING INDEX observation_account_time (account_id=? AND "
        "observed_at>? AND observed_at<?)");
  CHECK(first_line["window_in_case"] ==
        "SEARCH observation USING COVERING INDEX observation_case_time (case_id=? AND "
        "observed_at>? AND observed_at<?)");
  CHECK(first_line["window_in_session"] ==
        "SEARCH process_key USING COVERING INDEX process_key_logon (host_id=? AND logon_id=? AND "
        "observed_at>? AND observed_at<?)");
  CHECK(first_line["session_logon"] ==
        "SEARCH process_key USING INDEX process_key_logon_event (host_id=? AND logon_id=? AND "
        "observed_at<?)");
  CHECK(first_line["process_starts_before"] ==
        "SEARCH k USING INDEX process_key_start (host_id=? AND pid=? AND observed_at<?)");
  CHECK(first_line["process_starts_between"] ==
        "SEARCH k USING INDEX process_key_start (host_id=? AND pid=? AND observed_at>? AND "
        "observed_at<?)");
  CHECK(first_line["children_by_parent_pid"] ==
        "SEARCH k USING INDEX process_key_parent (host_id=? AND parent_pid=? AND observed_at>? "
        "AND observed_at<?)");
  CHECK(first_line["process_starts_with_guid"] == "SEARCH p USING INDEX process_guid (guid=?)");
  CHECK(first_line["children_by_parent_guid"] ==
        "SEARCH p USING INDEX process_parent_guid (parent_guid=?)");
  CHECK(first_line["activity_by_pid"] ==
        "SEARCH process_key USING INDEX process_key_activity (host_id=? AND pid=? AND "
        "observed_at>? AND observed_at<?)");
  CHECK(first_line["observations_by_id"] == "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)");
}

TEST_CASE("process_key holds every process row, also those logged before the migration",
          "[correlate]") {
  test::TempDir dir;
  const auto path = (dir / "case.db").string();
  {
    auto db = store::Database::open(path);
    auto& c = db.connection();
    c.exec(
        "INSERT INTO case_file (key, title, severity, created_at, created_by) "
        "VALUES ('IR-1', 't', 'low', 0, 'x')");
    c.exec("INSERT INTO host (case_id, canonical, first_name) VALUES (1, 'ws1', 'WS1')");
    c.exec(
        "INSERT INTO observation (case_id, number, uuid, kind, observed_at, observed_offset, "
        "observed_text, time_precision, time_source, host_id, host_observed, source, analyst, "
        "logged_at, attrs) VALUES (1, 1, 'u1', 'logon', 42, 0, 't', 0, 'manual', 1, 'WS1', "
        "'manual', 'x', 0, '{\"event\":\"logoff\"}')");
    c.exec(
        "INSERT INTO process (observation_id, pid, parent_pid, logon_id) "
        "VALUES (1, 7, 3, '0x10')");
    {
      SQLite::Statement s(c,
                          "SELECT observation_id, host_id, observed_at, kind, pid, parent_pid, "
                          "logon_id, logon_event FROM process_key");
      REQUIRE(s.executeStep());
      CHECK(s.getColumn(2).getInt64() == 42);
      CHECK(s.getColumn(3).getString() == "logon");
      CHECK(s.getColumn(4).getInt64() == 7);
      CHECK(s.getColumn(5).getInt64() == 3);
      CHECK(s.getColumn(6).getString() == "0x10");
      CHECK(s.getColumn(7).getString() == "logoff");
      CHECK_FALSE(s.executeStep());
    }
    // Back to the state before the correlate migration; running it again
    // rebuilds the projection from the rows already there.
    c.exec("DROP TRIGGER process_key_insert");
    c.exec("DROP INDEX process_guid");
    c.exec("DROP INDEX process_parent_guid");
    c.exec("DROP TABLE process_key");
  }
  auto db = store::Database::open(path);
  const store::Migration* correlate = nullptr;
  for (const auto& m : store::embedded_migrations()) {
    if (std::string(m.name) == "correlate") correlate = &m;
  }
  REQUIRE(correlate != nullptr);
  db.connection().exec(correlate->sql);
  CHECK(db.connection()
            .execAndGet("SELECT count(*) FROM process_key WHERE observation_id = 1 "
                        "AND pid = 7 AND logon_event = 'logoff'")
            .getInt() == 1);
}

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;
using casetrail::test::TempDir;

TEST_CASE("case new creates a case and a duplicate key is refused", "[cli]") {
  TempDir dir;
  const std::string db = (dir / "c.db").string();
  auto created = run_cli({"--db", db, "case", "new", "IR-2026-014", "--title", "Phish at ACME",
                          "--severity", "high", "--tz", "Europe/Berlin", "--lead", "alice"});
  CHECK(created.exit_code == 0);
  CHECK(created.out == "created case IR-2026-014\n");
  CHECK(created.err == "");
  auto again = run_cli({"--db", db, "case", "new", "IR-2026-014", "--title", "again"});
  CHECK(again.exit_code == 1);
  CHECK(again.out == "");
  CHECK(again.err == "casetrail: error: case \"IR-2026-014\" already exists\n");
  auto show = run_cli({"--db", db, "--json", "case", "show", "IR-2026-014"});
  REQUIRE(show.exit_code == 0);
  auto j = nlohmann::json::parse(show.out);
  CHECK(j.at("title") == "Phish at ACME");
  CHECK(j.at("severity") == "high");
  CHECK(j.at("status") == "open");
  CHECK(j.at("lead") == "alice");
  CHECK(j.at("time_zone") == "Europe/Berlin");
  CHECK(j.at("created_by") == "tester");
  CHECK(j.at("created_at") == "2025-11-30T14:00:00.000000Z");
}

TEST_CASE("case new refuses a bad severity and an unknown zone, writing nothing", "[cli]") {
  TempDir dir;
  const std::string db = (dir / "c.db").string();
  auto bad = run_cli({"--db", db, "case", "new", "IR-1", "--title", "t", "--severity", "urgent"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err ==
        "casetrail: error: invalid --severity \"urgent\": expected low, medium, high or critical\n");
  auto zone = run_cli({"--db", db, "case", "new", "IR-1", "--title", "t", "--tz", "Mars/Olympus"});
  CHECK(zone.exit_code == 1);
  CHECK(zone.err == "casetrail: error: invalid --tz \"Mars/Olympus\": unknown time zone\n");
  auto list = run_cli({"--db", db, "--json", "case", "list"});
  CHECK(list.out == "[]\n");
}

TEST_CASE("case close and reopen change the status with an audit trail", "[cli]") {
  TempDir dir;
  const std::string db = (dir / "c.db").string();
  run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"});
  auto close = run_cli({"--db", db, "case", "close", "IR-1", "--reason", "contained and cleaned"});
  CHECK(close.exit_code == 0);
  CHECK(close.out == "case IR-1 is closed\n");
  auto again = run_cli({"--db", db, "case", "close", "IR-1"});
  CHECK(again.exit_code == 1);
  CHECK(again.err == "casetrail: error: case \"IR-1\" is already closed\n");
  auto reopen = run_cli({"--db", db, "case", "reopen", "IR-1"});
  CHECK(reopen.out == "case IR-1 is open\n");
  auto list = run_cli({"--db", db, "case", "list"});
  CHECK(list.out ==
        "KEY   STATUS  SEVERITY  CREATED                      TITLE\n"
        "IR-1  open    medium    2025-11-30T14:00:00.000000Z  t\n");
}

TEST_CASE("an unknown case is an error naming the key", "[cli]") {
  TempDir dir;
  const std::string db = (dir / "c.db").string();
  run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"});
  auto show = run_cli({"--db", db, "case", "show", "IR-9"});
  CHECK(show.exit_code == 1);
  CHECK(show.err == "casetrail: error: unknown case \"IR-9\"\n");
}

TEST_CASE("CASETRAIL_CASE and CASETRAIL_DB stand in for --case and --db", "[cli]") {
  TempDir dir;
  casetrail::test::CliOptions options;
  options.env["CASETRAIL_DB"] = (dir / "env.db").string();
  options.env["CASETRAIL_CASE"] = "IR-7";
  CHECK(run_cli({"case", "new", "IR-7", "--title", "t"}, options).exit_code == 0);
  auto logged = run_cli({"log", "--time", "2026-01-01T00:00:00Z", "--host", "ws1"}, options);
  CHECK(logged.exit_code == 0);
  CHECK(logged.out == "#1\n");
  options.env.erase("CASETRAIL_CASE");
  auto missing = run_cli({"log", "--time", "2026-01-01T00:00:00Z", "--host", "ws1"}, options);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "casetrail: error: missing --case (or set CASETRAIL_CASE)\n");
}

TEST_CASE("usage errors exit 2 and a database that is not ours exits 1", "[cli]") {
  TempDir dir;
  auto none = run_cli({"--db", (dir / "x.db").string()});
  CHECK(none.exit_code == 2);
  auto unknown = run_cli({"--db", (dir / "x.db").string(), "case", "frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::StartsWith("casetrail: error: "));
  casetrail::test::write_file(dir / "foreign.db", "SQLite format 3");
  auto foreign = run_cli({"--db", (dir / "foreign.db").string(), "case", "list"});
  CHECK(foreign.exit_code == 1);
  CHECK_THAT(foreign.err, Catch::StartsWith("casetrail: error: cannot open database"));
}

TEST_CASE("db version, migrate and check report on the database", "[cli]") {
  TempDir dir;
  const std::string db = (dir / "c.db").string();
  run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"});
  auto version = run_cli({"--db", db, "--json", "db", "version"});
  CHECK(version.exit_code == 0);
  auto v = nlohmann::json::parse(version.out);
  CHECK(v.at("schema_version") == v.at("binary_schema_version"));
  CHECK(v.at("up_to_date") == true);
  auto migrate = run_cli({"--db", db, "db", "migrate"});
  CHECK(migrate.out == "schema version " + v.at("schema_version").dump() + ": up to date\n");
  auto check = run_cli({"--db", db, "db", "check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out == "ok\n");
}

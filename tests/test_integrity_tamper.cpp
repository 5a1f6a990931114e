#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;
using casetrail::test::TempDir;

namespace {

// A case with three observations and a status change: chain records 1 (the
// case), 2 to 4 (observations #1 to #3) and 5 (the status change of #1).
struct Tampered {
  TempDir dir;
  std::string db = (dir / "case.db").string();

  Tampered() {
    REQUIRE(run({"case", "new", "IR-1", "--title", "t"}).exit_code == 0);
    REQUIRE(run({"log", "--case", "IR-1", "--time", "2026-03-01T10:00:00Z", "--host", "WS1",
                 "--account", "CORP\\bob", "--cmd", "whoami /all", "--technique", "T1033"})
                .exit_code == 0);
    REQUIRE(run({"log", "--case", "IR-1", "--time", "2026-03-01T10:05:00Z", "--host", "WS1",
                 "--cmd", "net user", "--pid", "4242", "--technique", "T1087.001"})
                .exit_code == 0);
    REQUIRE(run({"log", "--case", "IR-1", "--time", "2026-03-01T11:00:00Z", "--host", "WS2",
                 "--kind", "note", "--note", "user called helpdesk"})
                .exit_code == 0);
    REQUIRE(run({"obs", "mark", "--case", "IR-1", "1", "verified", "--reason", "EDR confirms"})
                .exit_code == 0);
  }

  casetrail::test::CliResult run(std::vector<std::string> args) {
    std::vector<std::string> full = {"--db", db};
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full);
  }

  // A plain SQLite session, as anyone with the file could open one.
  void sql(const std::string& statements) {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(statements);
  }

  std::string head_hex() {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    SQLite::Statement s(raw, "SELECT seq, hex(hash) FROM chain_link ORDER BY seq DESC LIMIT 1");
    REQUIRE(s.executeStep());
    std::string hex = s.getColumn(1).getString();
    for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::to_string(s.getColumn(0).getInt64()) + " " + hex;
  }

  // verify's whole output for these problems.
  std::string not_intact(const std::vector<std::string>& problems, int links = 5,
                         int observations = 3, int audits = 1) {
    std::string out = "case IR-1: " + std::to_string(links) + " chain records (1 case, 0 import runs, " +
                      std::to_string(observations) + " observations, " + std::to_string(audits) +
                      " audit records)\n";
    for (const auto& p : problems) out += p + "\n";
    out += "NOT INTACT: " + std::to_string(problems.size()) + " problems\n";
    out += "chain head: " + head_hex() + "\n";
    return out;
  }

  void drop_triggers() {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    std::vector<std::string> names;
    SQLite::Statement s(raw, "SELECT name FROM sqlite_master WHERE type = 'trigger'");
    while (s.executeStep()) names.push_back(s.getColumn(0).getString());
    for (const auto& n : names) raw.exec("DROP TRIGGER " + n);
  }
};

}  // namespace

TEST_CASE("an untouched case verifies and the output ends with the chain head", "[integrity]") {
  Tampered t;
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "case IR-1: 5 chain records (1 case, 0 import runs, 3 observations, 1 audit "
                 "records)\nintact\nchain head: " +
                     t.head_hex() + "\n");
  auto j = t.run({"--json", "verify", "--case", "IR-1"});
  CHECK(j.exit_code == 0);
  const auto json = nlohmann::json::parse(j.out);
  CHECK(json.at("intact") == true);
  CHECK(json.at("chain_records") == 5);
  CHECK(json.at("problems") == nlohmann::json::array());
  CHECK(std::to_string(json.at("head").at("chain_record").get<int>()) + " " +
            json.at("head").at("hash").get<std::string>() ==
        t.head_hex());
}

TEST_CASE("evidence tables refuse UPDATE and DELETE from any SQL session", "[integrity]") {
  Tampered t;
  const std::vector<std::pair<std::string, std::string>> attempts = {
      {"UPDATE observation SET observed_at = 0", "casetrail: observation is append-only"},
      {"DELETE FROM observation", "casetrail: observation is append-only"},
      {"UPDATE process SET command_line = x'00'", "casetrail: process is append-only"},
      {"DELETE FROM process", "casetrail: process is append-only"},
      {"UPDATE observation_technique SET technique_id = 'T1059'",
       "casetrail: observation_technique is append-only"},
      {"DELETE FROM observation_technique", "casetrail: observation_technique is append-only"},
      {"UPDATE audit SET reason = 'x'", "casetrail: audit is append-only"},
      {"DELETE FROM audit", "casetrail: audit is append-only"},
      {"UPDATE chain_link SET hash = zeroblob(32)", "casetrail: chain_link is append-only"},
      {"DELETE FROM chain_link", "casetrail: chain_link is append-only"},
      {"UPDATE case_file SET title = 'x'",
       "casetrail: case_file is append-only except status and closed_at"},
      {"DELETE FROM case_file", "casetrail: case_file is append-only"},
      {"UPDATE host SET canonical = 'x'", "casetrail: host is append-only except fqdn and platform"},
      {"DELETE FROM account", "casetrail: account is append-only"},
  };
  for (const auto& [statement, message] : attempts) {
    INFO(statement);
    CHECK_THROWS_WITH(t.sql(statement), message);
  }
  CHECK(t.run({"verify", "--case", "IR-1"}).exit_code == 0);
}

TEST_CASE("an edited command line is caught and named, with the triggers dropped first",
          "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("UPDATE process SET command_line = CAST('whoami' AS BLOB) WHERE observation_id = "
        "(SELECT id FROM observation WHERE number = 1)");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact({"modified: observation #1 (chain record 2) was modified: command_line"}));
  CHECK(r.err == "casetrail: error: case IR-1 does not verify: 1 problems\n");
}

TEST_CASE("an edited time and an edited host are caught and named", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("UPDATE observation SET observed_at = observed_at - 3600000000 WHERE number = 2");
  t.sql("UPDATE observation SET host_observed = 'WS9' WHERE number = 3");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact({"modified: observation #2 (chain record 3) was modified: observed_at",
                               "modified: observation #3 (chain record 4) was modified: host_observed"}));
}

TEST_CASE("renaming a host behind casetrail's back flags every observation on it", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("UPDATE host SET canonical = 'ws7' WHERE canonical = 'ws1'");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact({"modified: observation #1 (chain record 2) was modified: host",
                               "modified: observation #2 (chain record 3) was modified: host"}));
}

TEST_CASE("a deleted observation is reported by number", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("DELETE FROM observation_technique WHERE observation_id = 2; "
        "DELETE FROM process WHERE observation_id = 2; DELETE FROM observation WHERE id = 2");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact({"deleted: observation #2 (chain record 3) was deleted"}));
}

TEST_CASE("an inserted observation is reported as not in the chain", "[integrity]") {
  Tampered t;
  t.sql("INSERT INTO observation (case_id, number, uuid, kind, observed_at, observed_offset, "
        "observed_text, time_precision, time_source, host_id, host_observed, source, analyst, "
        "logged_at) SELECT case_id, 9, 'forged-uuid', kind, observed_at, 0, observed_text, 0, "
        "time_source, host_id, host_observed, source, analyst, logged_at FROM observation "
        "WHERE number = 1");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact(
                     {"inserted: observation #9 is not in the chain: inserted outside casetrail"}));
}

TEST_CASE("two observations that swapped rows are reported as swapped", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  // Everything of #1 moves to row 2 and everything of #2 to row 1.
  const std::string swap =
      "UPDATE %t SET %c = -1 WHERE %c = 1; UPDATE %t SET %c = 1 WHERE %c = 2; "
      "UPDATE %t SET %c = 2 WHERE %c = -1;";
  for (const auto& [table, column] :
       {std::pair{"observation", "id"}, std::pair{"process", "observation_id"},
        std::pair{"observation_technique", "observation_id"},
        std::pair{"audit", "observation_id"}, std::pair{"observation_state", "observation_id"}}) {
    std::string s = swap;
    for (std::size_t p; (p = s.find("%t")) != std::string::npos;) s.replace(p, 2, table);
    for (std::size_t p; (p = s.find("%c")) != std::string::npos;) s.replace(p, 2, column);
    t.sql(s);
  }
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact({"reordered: observation #1 (chain record 2) and observation #2 "
                               "(chain record 3) were swapped"}));
}

TEST_CASE("two observations that swapped numbers are reported", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("UPDATE observation SET number = -1 WHERE number = 2; "
        "UPDATE observation SET number = 2 WHERE number = 3; "
        "UPDATE observation SET number = 3 WHERE number = -1");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact({"reordered: observation #2 (chain record 3) and observation #3 "
                               "(chain record 4) swapped numbers"}));
}

TEST_CASE("chain links put in another order are reported as reordered", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("UPDATE chain_link SET seq = 1000 WHERE seq = 3; "
        "UPDATE chain_link SET seq = 3 WHERE seq = 4; UPDATE chain_link SET seq = 4 WHERE seq = 1000");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out ==
        t.not_intact({"reordered: observation #3 (chain record 3) is out of order: it was chained "
                      "right after chain record 4",
                      "reordered: observation #2 (chain record 4) is out of order: it was chained "
                      "right after chain record 2",
                      "reordered: audit record of observation #1 (chain record 5) is out of "
                      "order: it was chained right after chain record 3"}));
}

TEST_CASE("a deleted chain link and a rewritten hash are reported", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("DELETE FROM chain_link WHERE seq = 3");
  t.sql("UPDATE chain_link SET hash = zeroblob(32) WHERE seq = 4");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out ==
        t.not_intact({"deleted: chain record 3 is missing (deleted)",
                      "rewritten: observation #3 (chain record 4): the record is unchanged but "
                      "its chain hash was rewritten",
                      "rewritten: audit record of observation #1 (chain record 5): the record is "
                      "unchanged but its chain hash was rewritten",
                      "inserted: observation #2 is not in the chain: inserted outside casetrail"},
                     4, 2, 1));
}

TEST_CASE("an edited audit record is caught and named", "[integrity]") {
  Tampered t;
  t.drop_triggers();
  t.sql("UPDATE audit SET reason = 'nobody asked'");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact(
                     {"modified: audit record of observation #1 (chain record 5) was modified: reason"}));
  auto j = t.run({"--json", "verify", "--case", "IR-1"});
  const auto problem = nlohmann::json::parse(j.out).at("problems").at(0);
  CHECK(problem == nlohmann::json{{"type", "modified"},
                                  {"kind", "audit"},
                                  {"chain_record", 5},
                                  {"number", 1},
                                  {"fields", {"reason"}},
                                  {"message", "audit record of observation #1 (chain record 5) "
                                              "was modified: reason"}});
}

TEST_CASE("a status projection edited behind casetrail's back is reported and repaired",
          "[integrity]") {
  Tampered t;
  t.sql("INSERT INTO observation_state VALUES (2, 'benign', 0); "
        "DELETE FROM observation_state WHERE observation_id = 1");
  auto r = t.run({"verify", "--case", "IR-1"});
  CHECK(r.exit_code == 4);
  CHECK(r.out == t.not_intact({"projection: observation #1 status is unverified in "
                               "observation_state but verified by the audit trail (verify "
                               "--repair rebuilds it)",
                               "projection: observation #2 status is benign in observation_state "
                               "but unverified by the audit trail (verify --repair rebuilds it)"}));
  auto repaired = t.run({"verify", "--case", "IR-1", "--repair"});
  CHECK(repaired.exit_code == 0);
  CHECK_THAT(repaired.out,
             Catch::Contains("repaired: 2 projection rows rebuilt from the audit trail\nintact\n"));
  auto list = t.run({"--json", "obs", "list", "--case", "IR-1", "--status", "verified"});
  CHECK(nlohmann::json::parse(list.out).size() == 1);
}

TEST_CASE("a head noted earlier shows the chain up to it is unchanged, or was rewritten",
          "[integrity]") {
  Tampered t;
  const std::string noted = t.head_hex().substr(2);
  REQUIRE(t.run({"log", "--case", "IR-1", "--time", "2026-03-01T12:00:00Z", "--host", "WS3",
                 "--cmd", "hostname"})
              .exit_code == 0);
  auto r = t.run({"verify", "--case", "IR-1", "--head", noted});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("head given with --head is chain record 5\nintact\n"));
  const std::string other(64, 'a');
  r = t.run({"verify", "--case", "IR-1", "--head", other});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Catch::Contains("rewritten: the head given with --head (aaaaaaaaaaaaaaaa...) "
                                    "is not in the chain: the chain was rewritten or cut short\n"));
  r = t.run({"verify", "--case", "IR-1", "--head", "xyz"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "casetrail: error: invalid --head \"xyz\": expected 64 hex digits (a chain head)\n");
}

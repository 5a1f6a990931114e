// `casetrail import` of Windows event XML and auditd logs, end to end: the
// same pipeline as the JSON formats (detection, fingerprints, chain of
// custody, raw records, Sysmon 1 / Security 4688 links), on fixtures written
// for these tests (tests/fixtures/ingest/xml, tests/fixtures/ingest_native).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;
using casetrail::test::TempDir;
using nlohmann::json;

namespace {

const std::string k_fixtures = CASETRAIL_FIXTURES_DIR;

// A case, with the fixture files copied beside the database so that places
// in messages are short and stable.
struct Case {
  TempDir dir;
  std::string db = (dir / "case.db").string();
  explicit Case(const std::map<std::string, std::string>& files) {
    REQUIRE(run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"}).exit_code == 0);
    for (const auto& [name, source] : files) std::filesystem::copy_file(k_fixtures + source, dir / name);
    std::filesystem::current_path(dir.path());
  }
  ~Case() { std::filesystem::current_path(std::filesystem::temp_directory_path()); }
  casetrail::test::CliResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db});
    return run_cli(args);
  }
  casetrail::test::CliResult import(std::vector<std::string> args) const {
    args.insert(args.begin(), {"import", "--case", "IR-1"});
    return run(args);
  }
  json import_json(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    const auto r = import(args);
    INFO(r.err);
    REQUIRE(r.out != "");
    return json::parse(r.out);
  }
  json list() const {
    auto r = run({"--json", "obs", "list", "--case", "IR-1"});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
  // The raw record stored with observation #number, decompressed.
  std::string raw(int number) const {
    SQLite::Database c(db, SQLite::OPEN_READONLY);
    SQLite::Statement s(c, "SELECT raw, raw_codec FROM observation WHERE number = ?");
    s.bind(1, number);
    REQUIRE(s.executeStep());
    const std::string bytes(static_cast<const char*>(s.getColumn(0).getBlob()),
                            static_cast<std::size_t>(s.getColumn(0).getBytes()));
    if (s.getColumn(1).isNull()) return bytes;
    auto decoded = casetrail::util::zstd_decompress(bytes);
    REQUIRE(decoded);
    return *decoded;
  }
};

const std::map<std::string, std::string> k_xml = {{"session.xml", "/ingest/xml/session.xml"}};

// The <Event> elements of session.xml, one per line, verbatim.
std::vector<std::string> xml_events() {
  std::vector<std::string> events;
  std::istringstream in(casetrail::test::read_file(k_fixtures + "/ingest/xml/session.xml"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("<Event ", 0) == 0) events.push_back(line);
  }
  return events;
}

}  // namespace

TEST_CASE("Windows event XML is detected and imported like the JSON formats", "[ingest]") {
  Case c(k_xml);
  const json r = c.import_json({"session.xml"});
  const json f = r.at("files").at(0);
  CHECK(r.at("exit_status") == 0);
  CHECK(f.at("format") == "windows-xml");
  CHECK(f.at("read") == 5);
  CHECK(f.at("imported") == 4);
  CHECK(f.at("imported_by_kind") == json{{"logon", 1}, {"process", 3}});
  CHECK(f.at("linked_pairs") == 1);
  CHECK(f.at("skipped_by_source") == json{{"Security 4656", 1}});
  CHECK(f.at("rejected") == 0);

  const json obs = c.list();
  REQUIRE(obs.size() == 4);
  // Places: file:line of the <Event>, and its EventRecordID.
  CHECK(obs[0].at("source") == "Security 4624");
  CHECK(obs[0].at("source_ref") == "session.xml:3 (EventRecordID 88001)");
  CHECK(obs[0].at("logon_id") == "0x135f2");  // written 0x135F2
  CHECK(obs[0].at("attrs").at("source_address") == "203.0.113.9");
  CHECK(obs[1].at("source") == "Sysmon 1");
  CHECK(obs[1].at("source_ref") == "session.xml:4 (EventRecordID 4711)");
  CHECK(obs[2].at("source") == "Security 4688");
  CHECK(obs[2].at("pid") == 3788);         // NewProcessId 0xecc
  CHECK(obs[2].at("parent_pid") == 3192);  // ProcessId 0xc78
  // One execution seen by both sources (times 3.456 ms apart).
  CHECK(obs[1].at("same_execution_as") == json{3});
  CHECK(obs[2].at("same_execution_as") == json{2});
  // The command line, two spaces and quotes included, exactly; the same from both.
  const std::string cmd = "powershell.exe  -nop -c \"Get-Process | ? { $_.Name -like 'ls*' }\"";
  CHECK(obs[1].at("command_line") == cmd);
  CHECK(obs[2].at("command_line") == cmd);
  // Each raw record is its <Event> element verbatim.
  const auto events = xml_events();
  REQUIRE(events.size() == 5);
  for (int i = 0; i < 4; ++i) CHECK(c.raw(i + 1) == events[static_cast<std::size_t>(i)]);

  // The chain of custody: the run names the file, its hash, size and format.
  SQLite::Database db(c.db, SQLite::OPEN_READONLY);
  SQLite::Statement run(db, "SELECT path, sha256, size, format FROM import_run WHERE id = 1");
  REQUIRE(run.executeStep());
  const std::string bytes = casetrail::test::read_file(c.dir / "session.xml");
  CHECK(run.getColumn(0).getString() == "session.xml");
  CHECK(run.getColumn(1).getString() == casetrail::util::sha256_hex(bytes));
  CHECK(run.getColumn(2).getInt64() == static_cast<std::int64_t>(bytes.size()));
  CHECK(run.getColumn(3).getString() == "windows-xml");
}

TEST_CASE("a SystemTime with a non-zero 100 ns digit is cut to microseconds and says so",
          "[ingest]") {
  Case c(k_xml);
  REQUIRE(c.import({"session.xml"}).exit_code == 0);
  const json obs = c.list();
  REQUIRE(obs.size() == 4);
  // TimeCreated 2026-11-30T14:02:11.1234567Z: truncated (never rounded), the
  // text as written kept, and a note of what was cut.
  const json& cut = obs[2];
  CHECK(cut.at("time_source") == "TimeCreated");
  CHECK(cut.at("observed_at") == "2026-11-30T14:02:11.123456Z");
  CHECK(cut.at("observed_text") == "2026-11-30T14:02:11.1234567Z");
  CHECK(cut.at("time_precision") == 6);
  CHECK(cut.at("attrs").at("time_precision_reduced") ==
        "TimeCreated 2026-11-30T14:02:11.1234567Z has 7 fraction digits; kept to microseconds, "
        "digits \"7\" cut");
  // .7000000Z and .5000000Z lose nothing: no note.
  CHECK(obs[3].at("observed_at") == "2026-11-30T14:02:12.700000Z");
  CHECK(obs[3].at("observed_text") == "2026-11-30T14:02:12.7000000Z");
  CHECK_FALSE(obs[3].at("attrs").contains("time_precision_reduced"));
  CHECK_FALSE(obs[0].at("attrs").contains("time_precision_reduced"));
  // Sysmon's own UtcTime (milliseconds) is the time of its event.
  CHECK(obs[1].at("time_source") == "Sysmon UtcTime");
  CHECK(obs[1].at("observed_at") == "2026-11-30T14:02:11.120000Z");
  CHECK_FALSE(obs[1].at("attrs").contains("time_precision_reduced"));
}

TEST_CASE("an ECS @timestamp in nanoseconds is cut to microseconds and says so", "[ingest]") {
  Case c(std::map<std::string, std::string>{});
  casetrail::test::write_file(
      c.dir / "ns.ndjson",
      R"({"@timestamp":"2026-03-02T08:15:30.123456789Z","event":{"category":["process"],"type":["start"]},)"
      R"("host":{"name":"web01"},"process":{"pid":7,"executable":"/usr/bin/id","command_line":"id"}})"
      "\n");
  const json f = c.import_json({"ns.ndjson"}).at("files").at(0);
  CHECK(f.at("format") == "ecs");
  REQUIRE(f.at("imported") == 1);
  const json o = c.list().at(0);
  CHECK(o.at("observed_at") == "2026-03-02T08:15:30.123456Z");
  CHECK(o.at("observed_text") == "2026-03-02T08:15:30.123456789Z");
  CHECK(o.at("attrs").at("time_precision_reduced") ==
        "@timestamp 2026-03-02T08:15:30.123456789Z has 9 fraction digits; kept to microseconds, "
        "digits \"789\" cut");
}

TEST_CASE("importing the same XML again adds nothing and says how many were there", "[ingest]") {
  Case c(k_xml);
  REQUIRE(c.import({"session.xml"}).exit_code == 0);
  const auto again = c.import({"session.xml"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Contains("  imported         0\n  already present  4\n"));
  CHECK(c.list().size() == 4);
}

TEST_CASE("the session of an imported process leads back to the logon that opened it", "[ingest]") {
  Case c(k_xml);
  REQUIRE(c.import({"session.xml"}).exit_code == 0);
  // whoami (#4) ran 7 minutes after the RDP logon (#1), outside a 2-minute window.
  const auto r = c.run({"--json", "correlate", "--case", "IR-1", "4", "--scope", "session",
                        "--before", "2m"});
  REQUIRE(r.exit_code == 0);
  std::map<long long, std::vector<std::string>> reasons;
  const json correlation = json::parse(r.out);
  for (const auto& result : correlation.at("results")) {
    for (const auto& reason : result.at("reasons")) {
      reasons[result.at("number").get<long long>()].push_back(reason.at("text"));
    }
  }
  CHECK(reasons == std::map<long long, std::vector<std::string>>{
                       {1, {"logon of session 0x135f2"}},
                       {2, {"same execution as #3", "same session 0x135f2"}},
                       {3, {"same execution as #2", "same session 0x135f2"}},
                       {4, {"anchor", "same session 0x135f2"}}});
}

TEST_CASE("auditd logs take the host from node= and need --host without it", "[ingest]") {
  Case c(std::map<std::string, std::string>{{"audit.log", "/ingest_native/auditd/node.log"}});
  // The third event has no node=: rejected with its place, the others imported.
  auto first = c.import({"audit.log"});
  CHECK(first.exit_code == 3);
  CHECK_THAT(first.err, Catch::Contains("casetrail: rejected audit.log:5 (serial 9002): auditd record "
                                        "has no node= and no --host was given\n"));
  json obs = c.list();
  REQUIRE(obs.size() == 2);
  CHECK(obs[0].at("host") == "db01");
  CHECK(obs[0].at("image") == "/usr/bin/w");
  CHECK(obs[0].at("source") == "auditd EXECVE");
  CHECK(obs[0].at("source_ref") == "audit.log:1 (serial 9001)");
  CHECK(obs[1].at("host") == "db02");
  CHECK(obs[1].at("image") == "/usr/bin/who");

  // With --host the rest comes in; what was there is not added again.
  const json f = c.import_json({"--host", "db03", "audit.log"}).at("files").at(0);
  CHECK(f.at("format") == "auditd");
  CHECK(f.at("imported") == 1);
  CHECK(f.at("already_present") == 2);
  obs = c.list();
  REQUIRE(obs.size() == 3);
  CHECK(obs[2].at("host") == "db03");
  CHECK(obs[2].at("args") == json{"date"});
  CHECK(obs[2].at("observed_at") == "2023-11-14T22:20:00.500000Z");
}

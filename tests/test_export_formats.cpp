#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <date/tz.h>

#include "core/export/jsonl_writer.hpp"
#include "core/export/records.hpp"
#include "core/store/case_store.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/export_store.hpp"
#include "core/store/observation_store.hpp"
#include "core/util/encoding.hpp"
#include "tests/export_support.hpp"

using casetrail::test::HandCase;
using casetrail::test::check_golden;
using casetrail::test::without_uuids;

namespace {

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    out.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("each export format writes exactly its golden file for the hand-built case", "[export]") {
  HandCase c;
  check_golden("export/IR-X.csv", without_uuids(c.export_as("csv")));
  check_golden("export/IR-X.jsonl", without_uuids(c.export_as("jsonl")));
  check_golden("export/IR-X.timesketch.csv", without_uuids(c.export_as("timesketch-csv")));
  check_golden("export/IR-X.timesketch.jsonl", without_uuids(c.export_as("timesketch-jsonl")));
  check_golden("export/IR-X.ecs.ndjson", without_uuids(c.export_as("ecs")));
  check_golden("export/IR-X.navigator.json", without_uuids(c.export_as("navigator")));
}

TEST_CASE("each jsonl record carries its observation's hash-chain link", "[export]") {
  HandCase c;
  const auto records = json_lines(c.export_as("jsonl"));
  auto db = casetrail::store::Database::open(c.db, casetrail::store::OpenMode::existing);
  std::map<std::int64_t, std::pair<std::int64_t, std::string>> by_number;
  casetrail::store::for_each_chain_link(db, 1, [&](const casetrail::store::StoredLink& link) {
    if (link.kind == casetrail::integrity::RecordKind::observation) {
      by_number[*link.number] = {link.seq, casetrail::util::hex_encode(link.hash)};
    }
  });
  REQUIRE(by_number.size() == 6);
  for (const auto& r : records) {
    const auto& [seq, hash] = by_number.at(r.at("number").get<std::int64_t>());
    CHECK(r.at("chain_seq") == seq);
    CHECK(r.at("chain_hash") == hash);
  }
}

TEST_CASE("the chain link of an observation is one index lookup", "[export]") {
  HandCase c;
  SQLite::Database db(c.db, SQLite::OPEN_READONLY);
  SQLite::Statement plan(db, "EXPLAIN QUERY PLAN " + std::string(casetrail::store::k_chain_link_query));
  std::string details;
  while (plan.executeStep()) details += plan.getColumn(3).getString() + "\n";
  CHECK(details == "SEARCH chain_link USING INDEX chain_link_record (case_id=? AND kind=? AND record_id=?)\n");
}

TEST_CASE("the jsonl writer gives the bytes of the JSON tree dumped", "[export]") {
  HandCase c;
  auto db = casetrail::store::Database::open(c.db, casetrail::store::OpenMode::existing);
  const auto cases = casetrail::store::require_case(db, "IR-X");
  casetrail::store::HistoryReader history(db, cases.id);
  casetrail::store::ChainLinkReader chain(db, cases.id);
  casetrail::exporting::JsonlWriter writer;
  casetrail::exporting::RecordContext context;
  context.case_record = &cases;
  context.zone = date::locate_zone("Europe/Berlin");
  std::int64_t n = 0;
  casetrail::store::for_each_observation(db, cases.id, {}, [&](const casetrail::model::ObservationRecord& r) {
    context.history = &history.read(r.id);
    context.chain = chain.read(r.id);
    std::string line;
    writer.append(line, r, context);
    CHECK(line == casetrail::exporting::jsonl_record(r, context)
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    ++n;
  });
  CHECK(n == 6);
}

TEST_CASE("a display zone given with --tz shows the local time and leaves the UTC fields alone", "[export]") {
  HandCase c;
  const auto berlin = json_lines(c.export_as("jsonl"));
  const auto r = c.run({"--tz", "Asia/Tokyo", "export", "--case", "IR-X", "--format", "jsonl"});
  REQUIRE(r.exit_code == 0);
  const auto tokyo = json_lines(r.out);
  REQUIRE(berlin.size() == 6);
  CHECK(berlin[0].at("observed_at") == "2026-11-30T08:12:03.120000Z");
  CHECK(berlin[0].at("observed_at_local") == "2026-11-30T09:12:03.120000+01:00");
  CHECK(tokyo[0].at("observed_at_local") == "2026-11-30T17:12:03.120000+09:00");
  CHECK(tokyo[0].at("display_zone") == "Asia/Tokyo");
  CHECK(tokyo[0].at("observed_at") == berlin[0].at("observed_at"));
}

TEST_CASE("every format gives the same bytes when the same case is exported twice", "[export]") {
  HandCase c;
  for (const char* format : {"csv", "jsonl", "timesketch-csv", "timesketch-jsonl", "ecs", "navigator"}) {
    INFO(format);
    const auto first = c.export_as(format);
    CHECK(!first.empty());
    CHECK(c.export_as(format) == first);
  }
}

TEST_CASE("an export to a file writes the same bytes as to stdout and says what it wrote", "[export]") {
  HandCase c;
  const auto path = (c.dir / "x.csv").string();
  const auto r = c.run({"export", "--case", "IR-X", "--format", "csv", "-o", path});
  REQUIRE(r.exit_code == 0);
  const auto bytes = casetrail::test::read_file(path);
  CHECK(r.out == "wrote 6 observations of IR-X as csv to " + path + " (" +
                     std::to_string(bytes.size()) + " bytes)\n");
  CHECK(bytes == c.export_as("csv"));
}

TEST_CASE("csv cells a spreadsheet would run as a formula start with an apostrophe", "[export]") {
  HandCase c;
  const auto csv = c.export_as("csv");
  // RFC 4180 quoting around the neutralised value (it holds quotes and a comma).
  CHECK(csv.find(",\"'=HYPERLINK(\"\"http://203.0.113.9/x\"\",\"\"open\"\")\",") != std::string::npos);
  CHECK(csv.find(",'-1+1 looks like a formula too,") != std::string::npos);
  CHECK(csv.find(",=HYPERLINK") == std::string::npos);
  const auto timesketch = c.export_as("timesketch-csv");
  CHECK(timesketch.find("\"'=HYPERLINK(") != std::string::npos);
  CHECK(timesketch.find(",=HYPERLINK") == std::string::npos);
  CHECK(timesketch.find(",\"=HYPERLINK") == std::string::npos);
}

TEST_CASE("a command line that is not UTF-8 keeps its exact bytes in csv, jsonl and ecs", "[export]") {
  HandCase c;
  const std::string b64 = casetrail::util::base64_encode(casetrail::test::k_latin1_cmd);
  CHECK(c.export_as("csv").find("," + b64 + ",") != std::string::npos);
  const auto jsonl = json_lines(c.export_as("jsonl"));
  const auto& latin1 = jsonl.at(4);
  REQUIRE(latin1.at("number") == 5);
  CHECK(latin1.at("command_line_base64") == b64);
  CHECK(latin1.at("command_line") == "cmd.exe /c echo caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd");
  const auto ecs = json_lines(c.export_as("ecs"));
  CHECK(ecs.at(4).at("casetrail").at("command_line_base64") == b64);
  CHECK(ecs.at(4).at("process").at("command_line") == latin1.at("command_line"));
  // Timesketch's message cannot carry the bytes: it says so.
  const auto timesketch = json_lines(c.export_as("timesketch-jsonl"));
  CHECK(timesketch.at(4).at("message").get<std::string>().find("not valid UTF-8") != std::string::npos);
  CHECK(timesketch.at(4).at("command_line_base64") == b64);
}

TEST_CASE("timesketch records carry the fields Timesketch requires", "[export]") {
  HandCase c;
  const auto records = json_lines(c.export_as("timesketch-jsonl"));
  REQUIRE(records.size() == 6);
  const auto& r = records.at(1);
  CHECK(r.at("datetime") == "2026-11-30T08:41:52.877000+00:00");
  CHECK(r.at("timestamp") == 1796028112877000LL);
  CHECK(r.at("timestamp_desc") == "Process start (manual)");
  CHECK(r.at("message").get<std::string>().rfind("#2 verified process on ws01", 0) == 0);
  const auto csv = c.export_as("timesketch-csv");
  CHECK(csv.rfind("message,datetime,timestamp,timestamp_desc,tag,case,number,uuid,", 0) == 0);
}

TEST_CASE("export filters select observations like the timeline does", "[export]") {
  HandCase c;
  const auto lines = json_lines(c.export_as("jsonl", {"--status", "verified"}));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("number") == 2);
  CHECK(lines[1].at("number") == 5);
  CHECK(json_lines(c.export_as("jsonl", {"--host", "FS02"})).size() == 1);
}

TEST_CASE("export refuses an unknown format, naming the option and the value", "[export]") {
  HandCase c;
  const auto r = c.run({"export", "--case", "IR-X", "--format", "xlsx"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "casetrail: error: invalid --format \"xlsx\": expected csv, jsonl, timesketch-csv, "
                 "timesketch-jsonl, ecs, navigator\n");
  const auto missing = c.run({"export", "--case", "IR-NOPE", "--format", "csv"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("IR-NOPE") != std::string::npos);
}

TEST_CASE("a failed export to a file leaves no partial file behind", "[export]") {
  HandCase c;
  const auto path = (c.dir / "x.csv").string();
  const auto r = c.run({"export", "--case", "IR-X", "--format", "csv", "--since-typo", "-o", path});
  CHECK(r.exit_code == 2);
  CHECK(!std::filesystem::exists(path));
  const auto bad = c.run({"export", "--case", "IR-X", "--format", "csv", "--from", "yesterday", "-o", path});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("\"yesterday\"") != std::string::npos);
  CHECK(!std::filesystem::exists(path));
}

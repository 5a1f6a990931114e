#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/export/csv_columns.hpp"
#include "core/ingest/csv_reader.hpp"
#include "core/store/case_store.hpp"
#include "core/store/database.hpp"
#include "core/store/observation_store.hpp"
#include "core/time/time.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;
using ingest::ReadItem;
namespace csv = exporting::csv;

namespace {

const std::string k_fixtures = std::string(CASETRAIL_FIXTURES_DIR) + "/ingest/csv/";

std::vector<ReadItem> read_all(const std::string& path, ingest::ReaderOptions options = {}) {
  if (options.display_path.empty()) options.display_path = std::filesystem::path(path).filename();
  auto reader = ingest::make_csv_reader(path, options);
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  CHECK(reader->bytes_read() == std::filesystem::file_size(path));
  return items;
}

// RFC 4180 quoting, as the CSV export writes each cell.
std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    const std::string& c = cells[i];
    if (c.find_first_of(",\"\r\n") == std::string::npos) {
      line += c;
      continue;
    }
    line += '"';
    for (char ch : c) {
      if (ch == '"') line += '"';
      line += ch;
    }
    line += '"';
  }
  return line + "\r\n";
}

std::string header_line() {
  return csv_line(std::vector<std::string>(csv::k_columns.begin(), csv::k_columns.end()));
}

std::string attr(const model::NewObservation& o, const std::string& key) {
  for (const auto& [k, v] : o.attrs) {
    if (k == key) return v;
  }
  return "(none)";
}

}  // namespace

TEST_CASE("spreadsheet formula neutralisation is reversible for every cell", "[ingest]") {
  for (const std::string value : {"=1+2", "+1", "-14400000000", "@SUM(A1)", "\tx", "\rx", "'x", "''",
                                  "'", "plain", "a=b", " =x"}) {
    const std::string cell = csv::encode_cell(value);
    CHECK(csv::decode_cell(cell) == value);
  }
  CHECK(csv::encode_cell(std::string("=cmd|' /C calc'!A0")) == "'=cmd|' /C calc'!A0");
  CHECK(csv::encode_cell(std::string("-5")) == "'-5");
  CHECK(csv::encode_cell(std::string("'quoted'")) == "''quoted'");
  CHECK(csv::encode_cell(std::string("plain")) == "plain");
  // Absent and empty differ: an empty cell, and a lone apostrophe.
  CHECK(csv::encode_cell(std::nullopt) == "");
  CHECK(csv::encode_cell(std::string("")) == "'");
  CHECK(csv::decode_cell("") == std::nullopt);
  CHECK(csv::decode_cell("'") == std::string(""));
}

TEST_CASE("the column list is casetrail's CSV header, in one place", "[ingest]") {
  CHECK(csv::k_columns.size() == 50);
  CHECK(csv::k_imported_columns == 45);
  // The 45-column header of earlier exports (without the context columns at
  // the end) is still casetrail's own.
  CHECK(csv::is_casetrail_header(
      std::vector<std::string>(csv::k_columns.begin(), csv::k_columns.begin() + 45)));
  CHECK(csv::k_columns.front() == "number");
  CHECK(csv::column_index("command_line") + 1 == csv::column_index("command_line_base64"));
  CHECK(csv::column_index("raw") + 1 == csv::column_index("raw_base64"));
  CHECK(csv::column_index("no such column") == csv::k_columns.size());
  CHECK(csv::is_casetrail_header(std::vector<std::string>(csv::k_columns.begin(), csv::k_columns.end())));
  CHECK_FALSE(csv::is_casetrail_header({"number", "uuid"}));
}

TEST_CASE("casetrail's own CSV is read back exactly, neutralised cells restored", "[ingest]") {
  const auto items = read_all(k_fixtures + "casetrail.csv");
  REQUIRE(items.size() == 2);
  REQUIRE(items[0].type == ReadItem::Type::observation);
  CHECK(items[0].place == "casetrail.csv:2");
  const model::NewObservation& o = *items[0].observation;
  CHECK(o.kind == model::Kind::process);
  CHECK(o.observed.utc.time_since_epoch().count() == 1772359200120000);
  CHECK(o.observed.original == "2026-03-01 10:00:00.120");
  CHECK(o.observed.fraction_digits == 3);
  CHECK(o.time_source == "Sysmon UtcTime");
  CHECK(o.skew == time::Micros(-14400000000LL));
  CHECK(o.host == "WS01.corp.local");
  CHECK(o.account == "CORP\\alice");
  CHECK(o.techniques == std::vector<std::string>{"T1059.001"});
  CHECK(o.source.name == "Sysmon 1");
  CHECK(o.source.ref == "ws01.jsonl:1");
  CHECK(o.source.fingerprint == std::string("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16));
  CHECK(o.note == "=HYPERLINK(\"http://x\")");
  CHECK(o.process->command_line == "cmd.exe /c \"a, b\"");
  CHECK(o.process->args == std::vector<std::string>{"cmd.exe", "/c", "a, b"});
  CHECK(o.process->pid == 9572);
  CHECK(o.process->cwd == std::string(""));  // present but empty
  CHECK_FALSE(o.process->guid);              // absent
  CHECK(attr(o, "rule_name") == "-x");
  CHECK(o.raw == "@raw line, with comma");

  const model::NewObservation& note = *items[1].observation;
  CHECK(note.kind == model::Kind::note);
  CHECK(note.observed.offset_seconds == 3600);
  CHECK(note.note == "'quoted note'");
  CHECK_FALSE(note.process);
  // No fingerprint exported: the exported uuid identifies the row.
  REQUIRE(note.source.fingerprint);
  CHECK(note.source.fingerprint->size() == 16);
}

TEST_CASE("an observation exported to casetrail's CSV and imported again is the same evidence",
          "[ingest]") {
  test::TempDir dir;
  const std::string db = (dir / "case.db").string();
  REQUIRE(test::run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"}).exit_code == 0);
  REQUIRE(test::run_cli({"--db", db, "case", "new", "IR-2", "--title", "t"}).exit_code == 0);
  // Every hostile thing a cell can hold: invalid UTF-8 and a NUL in the command line, a
  // formula, a leading apostrophe, commas, quotes and line breaks.
  static const char cmd[] = "cmd.exe /c \"=1+2\", 'x'\r\n\xff\xfe tail\x00end";
  test::write_file(dir / "cmd.bin", std::string(cmd, sizeof cmd - 1));
  REQUIRE(test::run_cli({"--db", db, "log", "--case", "IR-1", "--time", "2026-11-30T14:02:11.1234+01:00",
                         "--host", "WS01.corp.local", "--platform", "windows", "--account", "CORP\\Alice",
                         "--sid", "S-1-5-21-1", "--cmd-file", (dir / "cmd.bin").string(), "--image",
                         "C:\\Windows\\System32\\cmd.exe", "--pid", "0x2564", "--parent-pid", "812",
                         "--parent-cmd", "@explorer.exe", "--cwd", "-C:\\x", "--logon-id", "0xC61D9",
                         "--technique", "T1059.003", "--attr", "ticket=+INC-1", "--note",
                         "'quoted', \"and\"\nmultiline", "--source", "Sysmon 1", "--source-ref",
                         "=ws01.evtx:4711"})
              .exit_code == 0);
  const auto database = store::Database::open(db);
  const auto c1 = store::require_case(database, "IR-1");
  const auto original = store::require_observation(database, c1.id, "IR-1", 1);
  test::write_file(dir / "export.csv", header_line() + csv_line(csv::observation_cells(original)));

  auto r = test::run_cli({"--db", db, "import", "--case", "IR-2", (dir / "export.csv").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto c2 = store::require_case(database, "IR-2");
  const auto copy = store::require_observation(database, c2.id, "IR-2", 1);
  CHECK(copy.kind == original.kind);
  CHECK(copy.observed_at == original.observed_at);
  CHECK(copy.observed_offset == original.observed_offset);
  CHECK(copy.observed_text == original.observed_text);
  CHECK(copy.time_precision == original.time_precision);
  CHECK(copy.time_source == original.time_source);
  CHECK(copy.host == original.host);
  CHECK(copy.host_observed == original.host_observed);
  CHECK(copy.host_platform == original.host_platform);
  CHECK(copy.account == original.account);
  CHECK(copy.account_observed == original.account_observed);
  CHECK(copy.account_sid == original.account_sid);
  CHECK(copy.source == original.source);
  CHECK(copy.source_ref == original.source_ref);
  CHECK(copy.note == original.note);
  CHECK(copy.attrs_json == original.attrs_json);
  CHECK(copy.raw == original.raw);
  REQUIRE(copy.techniques.size() == 1);
  CHECK(copy.techniques[0].id == "T1059.003");
  REQUIRE(copy.process);
  CHECK(copy.process->command_line == std::string(cmd, sizeof cmd - 1));
  CHECK(copy.process->args == original.process->args);
  CHECK(copy.process->args_source == original.process->args_source);
  CHECK(copy.process->image == original.process->image);
  CHECK(copy.process->pid == 0x2564);
  CHECK(copy.process->parent_pid == 812);
  CHECK(copy.process->parent_command_line == "@explorer.exe");
  CHECK(copy.process->cwd == "-C:\\x");
  CHECK(copy.process->logon_id == "0xc61d9");
  // A new observation in this case: unverified, imported by this analyst, from this file.
  CHECK(copy.uuid != original.uuid);
  CHECK(copy.status == model::Status::unverified);
  CHECK(copy.import_run_id.has_value());

  // The same export again, or into the case it came from, adds nothing.
  r = test::run_cli({"--db", db, "import", "--case", "IR-2", (dir / "export.csv").string()});
  CHECK_THAT(r.err, Catch::Contains("  already present  1\n"));
  r = test::run_cli({"--db", db, "import", "--case", "IR-1", (dir / "export.csv").string()});
  CHECK_THAT(r.err, Catch::Contains("  imported         1 (process 1)\n"));
  r = test::run_cli({"--db", db, "import", "--case", "IR-1", (dir / "export.csv").string()});
  CHECK_THAT(r.err, Catch::Contains("  already present  1\n"));
}

TEST_CASE("any CSV with a header is read through --map column=field", "[ingest]") {
  ingest::ReaderOptions options;
  options.display_path = "mapped.csv";
  options.csv_map = {{"When", "time"}, {"Computer", "host"}, {"Who", "account"}, {"Exe", "image"},
                     {"Cmd", "command_line"}, {"PID", "pid"}, {"Tactic", "technique"}};
  options.source_tz = *time::find_zone("Europe/Berlin");
  const auto items = read_all(k_fixtures + "mapped.csv", options);
  REQUIRE(items.size() == 3);
  const model::NewObservation& o = *items[0].observation;
  CHECK(items[0].place == "mapped.csv:2");
  CHECK(o.kind == model::Kind::process);
  CHECK(o.source.name == "CSV");
  CHECK(o.time_source == "CSV When");
  CHECK(time::format_utc(o.observed.utc) == "2026-03-01T10:00:00.250000Z");
  CHECK(o.observed.zone == "Europe/Berlin");
  CHECK(o.host == "WS02");
  CHECK(o.account == "CORP\\carol");
  CHECK(o.techniques == std::vector<std::string>{"T1059.003"});
  CHECK(o.process->command_line == "cmd.exe /c \"echo a, b\"");
  CHECK(o.process->args == std::vector<std::string>{"cmd.exe", "/c", "echo a, b"});
  CHECK(o.process->pid == 500);
  CHECK(o.raw ==
        "2026-03-01 11:00:00.250,WS02,CORP\\carol,C:\\Windows\\System32\\cmd.exe,\"cmd.exe /c "
        "\"\"echo a, b\"\"\",0x1f4,T1059.003");
  // A quoted field may hold a line break: the record spans two lines.
  CHECK(items[1].place == "mapped.csv:3");
  CHECK(items[1].observation->process->command_line == "whoami.exe /all\r\nsecond line");
  CHECK(items[2].place == "mapped.csv:5");
  CHECK(items[2].type == ReadItem::Type::rejected);
  CHECK(items[2].reason == "invalid time \"not a time\": expected YYYY-MM-DD");
}

TEST_CASE("a CSV that cannot be mapped is refused before any record is read", "[ingest]") {
  auto refused = [](std::vector<std::pair<std::string, std::string>> map, const std::string& file) {
    ingest::ReaderOptions options;
    options.display_path = file;
    options.csv_map = std::move(map);
    try {
      ingest::make_csv_reader(k_fixtures + file, options);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(refused({}, "mapped.csv") ==
        "\"mapped.csv\" is a CSV without casetrail's header: map its columns with --map "
        "column=field (fields: time, host, command_line, ...)");
  CHECK(refused({{"Nope", "time"}}, "mapped.csv") ==
        "invalid --map \"Nope=time\": no column \"Nope\" in the header of \"mapped.csv\"");
  CHECK(refused({{"Cmd", "command_line"}}, "mapped.csv") ==
        "--map must name the column that holds the time (column=time)");
  CHECK(refused({{"When", "time"}}, "casetrail.csv") ==
        "\"casetrail.csv\" is casetrail's own CSV export: it needs no --map");
}

TEST_CASE("a malformed CSV record is rejected and the records after it are read", "[ingest]") {
  test::TempDir dir;
  test::write_file(dir / "m.csv",
                   "t,h,c\n2026-03-01T10:00:00Z,WS1,\"a\"b\n2026-03-01T10:00:01Z,WS1,ok\n"
                   "2026-03-01T10:00:02Z,WS1\n2026-03-01T10:00:03Z,WS1,\"open");
  ingest::ReaderOptions options;
  options.display_path = "m.csv";
  options.csv_map = {{"t", "time"}, {"h", "host"}, {"c", "command_line"}};
  const auto items = read_all((dir / "m.csv").string(), options);
  REQUIRE(items.size() == 4);
  CHECK(items[0].reason == "malformed CSV: text after a closing quote in field 3");
  CHECK(items[0].raw == "2026-03-01T10:00:00Z,WS1,\"a\"b");
  CHECK(items[1].observation->process->command_line == "ok");
  CHECK(items[2].reason == "expected 3 fields, found 2");
  CHECK(items[3].reason == "malformed CSV: unterminated quoted field");
  CHECK(items[3].place == "m.csv:5");
}

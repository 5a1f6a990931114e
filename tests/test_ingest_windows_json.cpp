#include <catch2/catch.hpp>

#include "core/ingest/windows_json_reader.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;
using ingest::ReadItem;

namespace {

const std::string k_fixtures = std::string(CASETRAIL_FIXTURES_DIR) + "/ingest/windows/";

std::vector<ReadItem> read_all(const std::string& path, const std::string& display = "in.jsonl") {
  ingest::ReaderOptions options;
  options.display_path = display;
  auto reader = ingest::make_windows_json_reader(path, options);
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  CHECK(reader->bytes_read() == std::filesystem::file_size(path));
  return items;
}

}  // namespace

TEST_CASE("flat Windows event JSON lines give events with their system and data fields", "[ingest]") {
  const auto items = read_all(k_fixtures + "process_pair.jsonl", "pair.jsonl");
  REQUIRE(items.size() == 3);
  const ReadItem& first = items[0];
  CHECK(first.type == ReadItem::Type::windows_event);
  CHECK(first.place == "pair.jsonl:1");
  const ingest::WindowsEvent& e = *first.windows_event;
  CHECK(e.event_id == 1);
  CHECK(e.channel == "Microsoft-Windows-Sysmon/Operational");
  CHECK(e.provider == "Microsoft-Windows-Sysmon");
  CHECK(e.computer == "WS01.corp.local");
  CHECK(e.system_time == "2026-03-01T06:00:00.125Z");
  CHECK_FALSE(e.record_id);
  REQUIRE(e.field("CommandLine") != nullptr);
  CHECK(*e.field("CommandLine") == "powershell.exe -nop -c \"Get-Process | Out-File 'C:\\Temp\\p.txt'\"");
  // Pipeline fields are not event data.
  CHECK(e.field("@timestamp") == nullptr);
  CHECK(e.field("Message") == nullptr);
  CHECK(e.field("TimeCreated") == nullptr);
  // The raw record is the line, byte for byte.
  const std::string file = test::read_file(k_fixtures + "process_pair.jsonl");
  CHECK(first.raw == file.substr(0, file.find('\n')));
  CHECK(items[1].windows_event->event_id == 4688);
  CHECK(*items[1].windows_event->field("NewProcessId") == "0x2564");
}

TEST_CASE("EventRecordID, numbers and a nested EventData object are read", "[ingest]") {
  test::TempDir dir;
  test::write_file(dir / "a.jsonl",
                   "{\"EventID\":\"4624\",\"Channel\":\"Security\",\"Computer\":\"DC01\",\"EventRecordID\":77,"
                   "\"TimeCreated\":\"2026-03-01T10:00:00Z\",\"EventData\":{\"LogonType\":10,"
                   "\"TargetUserName\":\"admin\",\"Elevated\":true,\"Extra\":null,\"List\":[1,2]}}\r\n"
                   "\n   \n");
  const auto items = read_all((dir / "a.jsonl").string());
  REQUIRE(items.size() == 1);
  const auto& e = *items[0].windows_event;
  CHECK(e.event_id == 4624);
  CHECK(e.record_id == 77);
  CHECK(e.computer == "DC01");
  CHECK(e.data == std::vector<std::pair<std::string, std::string>>{
                      {"LogonType", "10"}, {"TargetUserName", "admin"}, {"Elevated", "true"},
                      {"List", "[1,2]"}});
  CHECK(items[0].raw.back() == '}');  // CR LF is the line end, not the record
}

TEST_CASE("bad lines are rejected with their line number and reason, good lines are kept",
          "[ingest]") {
  const auto items = read_all(k_fixtures + "bad.jsonl", "bad.jsonl");
  std::vector<std::string> seen;
  for (const auto& item : items) {
    seen.push_back(item.place + " " +
                   (item.type == ReadItem::Type::rejected ? "rejected: " + item.reason : "event"));
  }
  // Line 7 is empty: no record. Lines 4, 5, 6 and 9 are good JSON; the mapper judges them.
  CHECK(seen == std::vector<std::string>{"bad.jsonl:1 event",
                                         "bad.jsonl:2 rejected: malformed JSON",
                                         "bad.jsonl:3 rejected: missing EventID",
                                         "bad.jsonl:4 event",
                                         "bad.jsonl:5 event",
                                         "bad.jsonl:6 event",
                                         "bad.jsonl:8 rejected: malformed JSON",
                                         "bad.jsonl:9 event",
                                         "bad.jsonl:10 event"});
  CHECK(items[1].raw ==
        "{\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Hostname\":\"WS01\", "
        "\"Image\": \"x.exe\"");
}

TEST_CASE("a line that is not valid UTF-8 is rejected as such and kept verbatim", "[ingest]") {
  test::TempDir dir;
  const std::string bad = "{\"EventID\":1,\"Channel\":\"Security\",\"Image\":\"caf\xe9.exe\"}";
  test::write_file(dir / "u.jsonl", bad + "\n{\"EventID\":2}\n");
  const auto items = read_all((dir / "u.jsonl").string());
  REQUIRE(items.size() == 2);
  CHECK(items[0].type == ReadItem::Type::rejected);
  CHECK(items[0].reason == "invalid UTF-8");
  CHECK(items[0].raw == bad);
  CHECK(items[1].type == ReadItem::Type::windows_event);
}

TEST_CASE("the content sniffer knows flat Windows event JSON from other JSON", "[ingest]") {
  CHECK(ingest::looks_like_windows_json("{\"EventID\":1,\"Channel\":\"Security\"}\n"));
  CHECK(ingest::looks_like_windows_json("  {\"SourceName\":\"x\",\"EventID\":4}"));
  // The head can end inside a long first record, before the other key.
  CHECK(ingest::looks_like_windows_json("{\"Channel\":\"Security\",\"CommandLine\":\"AAAA"));
  CHECK_FALSE(ingest::looks_like_windows_json("{\"@timestamp\":\"x\",\"event\":{}}\n{\"EventID\":1}"));
  CHECK_FALSE(ingest::looks_like_windows_json("[{\"EventID\":1,\"Channel\":\"Security\"}]"));
  CHECK_FALSE(ingest::looks_like_windows_json("EventID,Channel\n"));
}

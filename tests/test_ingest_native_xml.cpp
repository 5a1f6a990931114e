// Windows event XML: the event parser and the streaming reader.

#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/ingest/native_readers.hpp"
#include "core/ingest/windows_event_xml.hpp"
#include "tests/support/test_support.hpp"

using casetrail::Error;
using casetrail::ErrorCode;
using casetrail::ingest::make_xml_reader;
using casetrail::ingest::parse_windows_event_xml;
using casetrail::ingest::ReadItem;
using casetrail::ingest::ReaderOptions;
using Data = std::vector<std::pair<std::string, std::string>>;

namespace {

std::string fixture(const std::string& name) {
  return std::string(CASETRAIL_FIXTURES_DIR) + "/ingest_native/xml/" + name;
}

std::vector<ReadItem> read_file_items(const std::string& name) {
  ReaderOptions options;
  options.display_path = name;
  auto reader = make_xml_reader(fixture(name), options);
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  return items;
}

std::vector<ReadItem> read_text(const std::string& text, const std::string& name = "events.xml") {
  auto reader = make_xml_reader(std::make_unique<std::istringstream>(text), name, ReaderOptions{});
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  return items;
}

std::string parse_error(const std::string& xml) {
  auto parsed = parse_windows_event_xml(xml);
  return parsed ? std::string("no error") : parsed.error();
}

// UTF-16 code units of UTF-8 text (the test's own inputs are valid UTF-8).
std::string to_utf16(const std::string& utf8, bool little_endian) {
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  auto put = [&](unsigned unit) {
    const char hi = static_cast<char>(unit >> 8);
    const char lo = static_cast<char>(unit & 0xFF);
    out += little_endian ? lo : hi;
    out += little_endian ? hi : lo;
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = 0;
    int extra = 0;
    if (c < 0x80) {
      cp = c;
    } else if (c < 0xE0) {
      cp = c & 0x1F;
      extra = 1;
    } else if (c < 0xF0) {
      cp = c & 0x0F;
      extra = 2;
    } else {
      cp = c & 0x07;
      extra = 3;
    }
    for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += 1 + extra;
    if (cp >= 0x10000) {
      put(0xD800 + ((cp - 0x10000) >> 10));
      put(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a single-event XML file yields its System fields and EventData in document order",
          "[ingest]") {
  const auto items = read_file_items("one_event.xml");
  REQUIRE(items.size() == 1);
  const ReadItem& item = items[0];
  CHECK(item.type == ReadItem::Type::windows_event);
  CHECK(item.place == "one_event.xml:2");
  const std::string file = casetrail::test::read_file(fixture("one_event.xml"));
  const auto start = file.find("<Event ");
  const auto end = file.find("</Event>") + 8;
  CHECK(item.raw == file.substr(start, end - start));

  REQUIRE(item.windows_event);
  const auto& event = *item.windows_event;
  CHECK(event.provider == "Microsoft-Windows-Sysmon");
  CHECK(event.event_id == 1);
  CHECK(event.channel == "Microsoft-Windows-Sysmon/Operational");
  CHECK(event.computer == "WKS-07.corp.example");
  CHECK(event.system_time == std::optional<std::string>("2026-11-30T14:02:11.123456700Z"));
  CHECK(event.record_id == std::optional<std::int64_t>(4711));
  CHECK(event.data ==
        Data{{"RuleName", "technique_id=T1059.003,technique_name=Windows Command Shell"},
             {"UtcTime", "2026-11-30 14:02:11.120"},
             {"ProcessGuid", "{365ABB72-516B-5CD8-0000-001087E41600}"},
             {"ProcessId", "3788"},
             {"Image", "C:\\Windows\\System32\\cmd.exe"},
             {"CommandLine", "cmd.exe /c \"echo a & echo <b>\"  && exit "},
             {"CurrentDirectory", "C:\\Users\\alice\\"},
             {"User", "CORP\\alice"},
             {"LogonId", "0x135f2"},
             {"Description", " "},
             {"Product", ""},
             {"ParentProcessId", "3192"},
             {"ParentImage", "C:\\Windows\\<odd>\\explorer.exe"}});
}

TEST_CASE("events wrapped in <Events> are read one by one, unnamed Data named paramN", "[ingest]") {
  const auto items = read_file_items("many_events.xml");
  REQUIRE(items.size() == 3);
  CHECK(items[0].place == "many_events.xml:4");
  CHECK(items[1].place == "many_events.xml:5");
  CHECK(items[2].place == "many_events.xml:6");
  for (const auto& item : items) CHECK(item.type == ReadItem::Type::windows_event);

  const auto& logon = *items[0].windows_event;
  CHECK(logon.event_id == 4624);
  CHECK(logon.channel == "Security");
  CHECK(logon.system_time == std::optional<std::string>("2026-11-30T14:01:05.5551234Z"));
  CHECK(logon.record_id == std::optional<std::int64_t>(90001));
  CHECK(*logon.field("TargetLogonId") == "0x135f2");
  CHECK(*logon.field("IpAddress") == "203.0.113.7");

  const auto& creation = *items[1].windows_event;
  CHECK(creation.event_id == 4688);
  CHECK(*creation.field("NewProcessId") == "0xecc");
  CHECK(*creation.field("CommandLine") == "cmd.exe /c whoami");
  CHECK(creation.field("Missing") == nullptr);

  const auto& service = *items[2].windows_event;
  CHECK(service.provider == "Service Control Manager");
  CHECK(service.event_id == 7036);
  CHECK(service.channel == "System");
  CHECK(service.data == Data{{"param1", "Windows Update"},
                             {"param2", "running"},
                             {"Binary", "770075006100750073006500720076002F0034000000"}});
}

TEST_CASE("events concatenated on one line are told apart by line:column, UserData by leaf",
          "[ingest]") {
  const auto items = read_file_items("one_line.xml");
  REQUIRE(items.size() == 3);
  CHECK(items[0].place == "one_line.xml:1");
  CHECK(items[1].place == "one_line.xml:1:402");
  CHECK(items[2].place == "one_line.xml:1:799");
  CHECK(items[0].windows_event->event_id == 3);
  CHECK(items[1].windows_event->event_id == 22);
  CHECK(items[1].raw.substr(0, 7) == "<Event ");
  const auto& cleared = *items[2].windows_event;
  CHECK(cleared.event_id == 1102);
  CHECK(cleared.provider == "Microsoft-Windows-Eventlog");
  CHECK(cleared.data == Data{{"SubjectUserSid", "S-1-5-21-1-2-3-1001"},
                             {"SubjectUserName", "alice"},
                             {"Extra/Depth", "2"}});
}

TEST_CASE("a malformed event among good ones is rejected with its place and the rest is read",
          "[ingest]") {
  const auto items = read_file_items("malformed_among_good.xml");
  REQUIRE(items.size() == 6);

  CHECK(items[0].type == ReadItem::Type::windows_event);
  CHECK(items[0].place == "malformed_among_good.xml:2");
  CHECK(*items[0].windows_event->field("Image") == "C:\\a.exe");

  CHECK(items[1].type == ReadItem::Type::rejected);
  CHECK(items[1].place == "malformed_among_good.xml:3");
  CHECK(items[1].reason == "malformed XML at line 5, column 41: Start-end tags mismatch");
  CHECK(items[1].raw.ends_with("C:\\b.exe</Dat></EventData></Event>"));

  CHECK(items[2].type == ReadItem::Type::rejected);
  CHECK(items[2].place == "malformed_among_good.xml:6");
  CHECK(items[2].reason ==
        "unterminated <Event>: the next <Event> begins at line 7 before </Event>");
  CHECK(items[2].raw.ends_with("<Data Name='Image'>C:\\c.exe"));

  CHECK(items[3].type == ReadItem::Type::rejected);
  CHECK(items[3].place == "malformed_among_good.xml:7");
  CHECK(items[3].reason == "invalid EventID \"one\"");

  CHECK(items[4].type == ReadItem::Type::rejected);
  CHECK(items[4].place == "malformed_among_good.xml:8");
  CHECK(items[4].reason == "text outside any <Event> element");
  CHECK(items[4].raw == "garbage between events");

  CHECK(items[5].type == ReadItem::Type::windows_event);
  CHECK(items[5].place == "malformed_among_good.xml:9");
  CHECK(items[5].windows_event->record_id == std::optional<std::int64_t>(5));
  CHECK(*items[5].windows_event->field("CommandLine") == "e.exe \"</Event>\"");
}

TEST_CASE("an event the input ends inside is rejected and the events before it are kept",
          "[ingest]") {
  const std::string good =
      "<Event><System><EventID>4688</EventID><Computer>H</Computer></System></Event>";
  const auto items = read_text(good + "\n<Event><System><EventID>1</EventID>", "cut.xml");
  REQUIRE(items.size() == 2);
  CHECK(items[0].type == ReadItem::Type::windows_event);
  CHECK(items[0].windows_event->computer == "H");
  CHECK(items[1].type == ReadItem::Type::rejected);
  CHECK(items[1].place == "cut.xml:2");
  CHECK(items[1].reason == "unterminated <Event>: the input ends before </Event>");
  CHECK(items[1].raw == "<Event><System><EventID>1</EventID>");
}

TEST_CASE("a UTF-16 export (PowerShell redirection) is read as UTF-8", "[ingest]") {
  const std::string text =
      "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n"
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
      "<Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID>"
      "<Computer>W\xC3\x96RK-1</Computer></System><EventData>"
      "<Data Name='Product'>Microsoft\xC2\xAE Windows\xC2\xAE</Data>"
      "<Data Name='CommandLine'>notepad.exe \xF0\x9F\x98\x80.txt</Data></EventData></Event>\r\n";
  for (const bool little_endian : {true, false}) {
    const auto items = read_text(to_utf16(text, little_endian), "utf16.xml");
    REQUIRE(items.size() == 1);
    CHECK(items[0].place == "utf16.xml:2");
    const auto& event = *items[0].windows_event;
    CHECK(event.computer == "W\xC3\x96RK-1");
    CHECK(*event.field("Product") == "Microsoft\xC2\xAE Windows\xC2\xAE");
    CHECK(*event.field("CommandLine") == "notepad.exe \xF0\x9F\x98\x80.txt");
    CHECK(items[0].raw == text.substr(text.find("<Event"), text.rfind("\r\n") - text.find("<Event")));
  }
}

TEST_CASE("events far larger than a read block and many small ones stream intact", "[ingest]") {
  std::string text = "<Events>\n";
  const std::string big_value(200000, 'x');
  text += "<Event><System><EventID>1</EventID></System><EventData><Data Name='CommandLine'>" +
          big_value + "</Data></EventData></Event>\n";
  for (int i = 0; i < 3000; ++i) {
    text += "<Event><System><EventID>3</EventID><EventRecordID>" + std::to_string(i) +
            "</EventRecordID></System></Event>\n";
  }
  text += "</Events>\n";
  auto reader = make_xml_reader(std::make_unique<std::istringstream>(text), "big.xml", {});
  auto first = reader->next();
  REQUIRE(first);
  CHECK(*first->windows_event->field("CommandLine") == big_value);
  int count = 0;
  std::string last_place;
  while (auto item = reader->next()) {
    REQUIRE(item->type == ReadItem::Type::windows_event);
    CHECK(item->windows_event->record_id == std::optional<std::int64_t>(count));
    last_place = item->place;
    ++count;
  }
  CHECK(count == 3000);
  CHECK(last_place == "big.xml:3002");
  CHECK(reader->bytes_read() == text.size());
}

TEST_CASE("an event without System or a valid EventID is refused with the reason", "[ingest]") {
  CHECK(parse_error("<Event/>") == "no <System> element");
  CHECK(parse_error("<Event><System/></Event>") == "no System/EventID");
  CHECK(parse_error("<Foo/>") == "root element \"Foo\" is not <Event>");
  CHECK(parse_error("<Event><System><EventID>70000</EventID></System></Event>") ==
        "invalid EventID \"70000\"");
  CHECK(parse_error("<Event><System><EventID>1</EventID><EventRecordID>x1</EventRecordID>"
                    "</System></Event>") == "invalid EventRecordID \"x1\"");
  CHECK(parse_error("<Event><System><EventID>1</EventID></System>") ==
        "malformed XML: Start-end tags mismatch");
  CHECK(parse_error("<Event><System><EventID>1</EventID></System></Event><Event/>") ==
        "more than one element: expected one <Event>");
}

TEST_CASE("namespace prefixes and whitespace around numbers are accepted", "[ingest]") {
  auto parsed = parse_windows_event_xml(
      "<e:Event xmlns:e='http://schemas.microsoft.com/win/2004/08/events/event'><e:System>"
      "<e:EventID Qualifiers='0'>\n 4625 \n</e:EventID><e:EventRecordID> 7 </e:EventRecordID>"
      "</e:System><e:EventData><e:Data Name='Status'>0xc000006d</e:Data></e:EventData></e:Event>");
  REQUIRE(parsed);
  CHECK(parsed->event_id == 4625);
  CHECK(parsed->record_id == std::optional<std::int64_t>(7));
  CHECK(parsed->data == Data{{"Status", "0xc000006d"}});
}

TEST_CASE("a missing XML file is an io error naming it", "[ingest]") {
  ReaderOptions options;
  options.display_path = "missing.xml";
  try {
    make_xml_reader(fixture("does-not-exist.xml"), options);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io);
    CHECK(std::string(e.what()) == "cannot open \"missing.xml\"");
  }
}

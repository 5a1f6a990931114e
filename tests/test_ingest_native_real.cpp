// `casetrail import` on the real auditd and .evtx samples in
// ../shared/datasets/ (skipped when missing, failed under CI=true).
//
// Every number asserted here was derived independently of casetrail:
// - the auditd sample with Python's stdlib: its 6 lines share one
//   msg=audit(1604996384.965:93777); datetime.fromtimestamp(1604996384.965,
//   timezone.utc) is 2020-11-10T08:19:44.965; the PROCTITLE hex splits at
//   NUL into dd, if=/dev/zero, bs=1, count=1; SYSCALL says pid=2168
//   ppid=29002 auid=1000, CWD cwd="/home/wardog";
// - the .evtx sample with python3-evtx (Debian's pure-Python parser, not
//   libevtx): 3 records, EventRecordID 16496-16498, all Sysmon EID 1 on
//   IEWIN7, with the images, pids, GUIDs and command lines below.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using casetrail::test::run_cli;
using casetrail::test::TempDir;
using nlohmann::json;

namespace {

const char* k_auditd = "datasets/otrf/sh_binary_padding_dd_2020-11-10081941.auditd.log";
const char* k_evtx = "datasets/evtx-attack-samples/exec_sysmon_1_lolbin_pcalua.evtx";

struct Case {
  TempDir dir;
  std::string db = (dir / "case.db").string();
  Case() { REQUIRE(run_cli({"--db", db, "case", "new", "IR-1", "--title", "t"}).exit_code == 0); }
  casetrail::test::CliResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db});
    return run_cli(args);
  }
  // `import --json`, the summary of the one file.
  json import(const std::filesystem::path& file, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"--json", "import", "--case", "IR-1", file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run(args);
    INFO(r.err);
    REQUIRE(r.out != "");
    return json::parse(r.out).at("files").at(0);
  }
  json processes() const {
    auto r = run({"--json", "obs", "list", "--case", "IR-1", "--kind", "process"});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
};

}  // namespace

TEST_CASE("the OTRF dd sample is one execution of /bin/dd with its arguments", "[ingest]") {
  CASETRAIL_SHARED_FILE(file, k_auditd);
  Case c;
  const json f = c.import(file, {"--host", "wardog-vm"});
  CHECK(f.at("format") == "auditd");
  CHECK(f.at("read") == 1);
  CHECK(f.at("imported_by_kind") == json{{"process", 1}});
  CHECK(f.at("rejected") == 0);
  const json p = c.processes();
  REQUIRE(p.size() == 1);
  const json& dd = p.at(0);
  CHECK(dd.at("source") == "auditd EXECVE");
  CHECK(dd.at("host") == "wardog-vm");
  CHECK(dd.at("host_platform") == "linux");
  CHECK(dd.at("image") == "/bin/dd");
  CHECK(dd.at("args") == json{"dd", "if=/dev/zero", "bs=1", "count=1"});
  CHECK(dd.at("args_source") == "source");
  CHECK(dd.at("command_line") == "dd if=/dev/zero bs=1 count=1");
  CHECK(dd.at("pid") == 2168);
  CHECK(dd.at("parent_pid") == 29002);
  CHECK(dd.at("attrs").at("auid") == "1000");
  CHECK(dd.at("cwd") == "/home/wardog");
  CHECK(dd.at("observed_at") == "2020-11-10T08:19:44.965000Z");
  CHECK(dd.at("observed_text") == "1604996384.965");
  CHECK(dd.at("time_source") == "auditd epoch");
  CHECK(dd.at("status") == "unverified");
  CHECK(dd.at("source_ref") == file.string() + ":1 (serial 93777)");

  // Again: nothing added.
  const json again = c.import(file, {"--host", "wardog-vm"});
  CHECK(again.at("imported") == 0);
  CHECK(again.at("already_present") == 1);
  CHECK(c.processes().size() == 1);
}

TEST_CASE("the OTRF dd sample has no node=: without --host it is rejected, saying so", "[ingest]") {
  CASETRAIL_SHARED_FILE(file, k_auditd);
  Case c;
  const auto r = c.run({"import", "--case", "IR-1", file.string()});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("casetrail: rejected " + file.string() +
                                    ":1 (serial 93777): auditd record has no node= and no --host "
                                    "was given\n"));
  CHECK(c.processes().empty());
}

TEST_CASE("the pcalua .evtx sample gives cmd, pcalua and calc on IEWIN7 with exact command lines",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(file, k_evtx);
  Case c;
  const json f = c.import(file);
  CHECK(f.at("format") == "evtx");
  CHECK(f.at("imported_by_kind") == json{{"process", 3}});
  CHECK(f.at("rejected") == 0);
  // libevtx also walks the chunk's free space; what it finds there that does
  // not decode is counted as skipped, never as an event.
  CHECK(f.at("read") == json(3 + f.at("skipped").get<int>()));
  for (const auto& [source, n] : f.at("skipped_by_source").items()) {
    CHECK(source == "evtx unreadable record remnant");
  }

  const json p = c.processes();
  REQUIRE(p.size() == 3);
  struct Expected {
    const char* image;
    const char* command_line;
    int pid;
    int parent_pid;
    const char* parent_image;
    std::int64_t record;
    const char* utc;
  };
  const Expected expected[] = {
      {"C:\\Windows\\System32\\cmd.exe", "\"C:\\Windows\\system32\\cmd.exe\" ", 3788, 3192,
       "C:\\Windows\\explorer.exe", 16496, "2019-05-12T17:01:31.380000Z"},
      {"C:\\Windows\\System32\\pcalua.exe",
       "\"C:\\Windows\\System32\\pcalua.exe\"  -a c:\\Windows\\system32\\calc.exe", 2952, 3788,
       "C:\\Windows\\System32\\cmd.exe", 16497, "2019-05-12T17:01:50.781000Z"},
      {"C:\\Windows\\System32\\calc.exe", "\"C:\\Windows\\system32\\calc.exe\" ", 2920, 2952,
       "C:\\Windows\\System32\\pcalua.exe", 16498, "2019-05-12T17:01:50.852000Z"},
  };
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(expected[i].image);
    const json& o = p.at(i);
    CHECK(o.at("source") == "Sysmon 1");
    CHECK(o.at("host_observed") == "IEWIN7");
    CHECK(o.at("account_observed") == "IEWIN7\\IEUser");
    CHECK(o.at("logon_id") == "0x135f2");  // written 0x00000000000135f2
    CHECK(o.at("image") == expected[i].image);
    CHECK(o.at("command_line") == expected[i].command_line);
    CHECK(o.at("pid") == expected[i].pid);
    CHECK(o.at("parent_pid") == expected[i].parent_pid);
    CHECK(o.at("parent_image") == expected[i].parent_image);
    CHECK(o.at("observed_at") == expected[i].utc);
    CHECK(o.at("time_source") == "Sysmon UtcTime");
    CHECK(o.at("source_ref") == file.string() + " record " + std::to_string(expected[i].record));
  }
  // The parent links by process GUID, in lower case as python3-evtx (and
  // Windows) write them, although libevtx renders them in upper case.
  CHECK(p.at(0).at("process_guid") == "{365abb72-516b-5cd8-0000-001087e41600}");
  CHECK(p.at(0).at("parent_process_guid") == "{365abb72-502e-5cd8-0000-00102a330700}");
  CHECK(p.at(1).at("process_guid") == "{365abb72-517e-5cd8-0000-001024d61700}");
  CHECK(p.at(2).at("process_guid") == "{365abb72-517e-5cd8-0000-00105fe01700}");
  CHECK(p.at(1).at("parent_process_guid") == p.at(0).at("process_guid"));
  CHECK(p.at(2).at("parent_process_guid") == p.at(1).at("process_guid"));
  CHECK(p.at(2).at("parent_command_line") == expected[1].command_line);

  // Again: nothing added.
  const json again = c.import(file);
  CHECK(again.at("imported") == 0);
  CHECK(again.at("already_present") == 3);
  CHECK(c.processes().size() == 3);
}

TEST_CASE("on the pcalua sample the lineage of pcalua is cmd, pcalua, calc", "[ingest]") {
  CASETRAIL_SHARED_FILE(file, k_evtx);
  Case c;
  REQUIRE(c.import(file).at("imported") == 3);
  // #1 cmd.exe, #2 pcalua.exe, #3 calc.exe (file order); explorer.exe, cmd's
  // parent, has no record of its own.
  const auto r = c.run({"--json", "correlate", "--case", "IR-1", "2", "--scope", "lineage"});
  REQUIRE(r.exit_code == 0);
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  const json correlation = json::parse(r.out);
  for (const auto& result : correlation.at("results")) {
    std::vector<std::string> reasons;
    for (const auto& reason : result.at("reasons")) reasons.push_back(reason.at("text"));
    rows.emplace_back(result.at("synthetic").is_null() ? "#" + std::to_string(result.at("number").get<int>())
                                                       : std::string(result.at("synthetic")),
                      reasons);
  }
  using Rows = std::vector<std::pair<std::string, std::vector<std::string>>>;
  CHECK(rows == Rows{{"explorer.exe (pid 3192, known only from #1's parent fields)",
                      {"ancestor of #2 (parent of #1)"}},
                     {"#1", {"parent of #2"}},
                     {"#2", {"anchor"}},
                     {"#3", {"child of #2"}}});

  const auto tree = c.run({"tree", "--case", "IR-1", "3"});
  REQUIRE(tree.exit_code == 0);
  CHECK(tree.out ==
        "explorer.exe (pid 3192, known only from #1's parent fields)  C:\\Windows\\Explorer.EXE\n"
        "  #1  2019-05-12T17:01:31.380000Z  pid 3788  cmd.exe  \"C:\\Windows\\system32\\cmd.exe\" \n"
        "    #2  2019-05-12T17:01:50.781000Z  pid 2952  pcalua.exe  \"C:\\Windows\\System32\\pcalua.exe\"  "
        "-a c:\\Windows\\system32\\calc.exe\n"
        "      #3  2019-05-12T17:01:50.852000Z  pid 2920  calc.exe  \"C:\\Windows\\system32\\calc.exe\"   "
        "<= #3\n");
}

TEST_CASE("imports of the three real samples join the hash chain and verify intact", "[ingest]") {
  CASETRAIL_SHARED_FILE(mshta, "datasets/otrf/cmd_mshta_vbscript_execute_psh_2020-10-2202580804.jsonl");
  CASETRAIL_SHARED_FILE(auditd, k_auditd);
  CASETRAIL_SHARED_FILE(evtx, k_evtx);
  Case c;
  REQUIRE(c.import(mshta, {"--skew", "Security=+4h"}).at("imported") == 698);
  REQUIRE(c.import(auditd, {"--host", "wardog-vm"}).at("imported") == 1);
  REQUIRE(c.import(evtx).at("imported") == 3);
  // Again, all three: nothing added, one more import run each.
  for (const auto& file : {mshta, auditd, evtx}) {
    const json again = c.import(file, {"--host", "wardog-vm", "--skew", "Security=+4h"});
    CHECK(again.at("imported") == 0);
  }
  const auto v = c.run({"verify", "--case", "IR-1"});
  CHECK(v.exit_code == 0);
  // 1 case record + 6 import runs + 698 + 1 + 3 observations = 709 chain records.
  CHECK_THAT(v.out, Catch::StartsWith("case IR-1: 709 chain records (1 case, 6 import runs, 702 "
                                      "observations, 0 audit records)\nintact\n"));
  // The custody record of the .evtx names its hash (sha256sum of the file).
  const auto source = c.run({"verify", "--case", "IR-1", "--source", evtx.string()});
  CHECK(source.exit_code == 0);
  CHECK_THAT(source.out,
             Catch::Contains("sha256 3d99ad191360bb22739ce0cbb87dc4d3646f9084d2e6f042fb570f39b0f97418, "
                             "69632 bytes: matches import run 3 (" + evtx.string() + ", evtx, "));
  CHECK(c.run({"db", "check"}).exit_code == 0);
}

TEST_CASE("the same events exported as XML after the .evtx was imported add nothing", "[ingest]") {
  CASETRAIL_SHARED_FILE(evtx, k_evtx);
  Case c;
  REQUIRE(c.import(evtx).at("imported") == 3);
  // The stored raw records are the events as XML (libevtx's rendering):
  // together they are a Windows event XML export of the same three events.
  std::string xml = "<Events>\n";
  {
    SQLite::Database db(c.db, SQLite::OPEN_READONLY);
    SQLite::Statement s(db, "SELECT raw, raw_codec FROM observation ORDER BY number");
    while (s.executeStep()) {
      const std::string bytes(static_cast<const char*>(s.getColumn(0).getBlob()),
                              static_cast<std::size_t>(s.getColumn(0).getBytes()));
      if (s.getColumn(1).isNull()) {
        xml += bytes;
      } else {
        auto decoded = casetrail::util::zstd_decompress(bytes);
        REQUIRE(decoded);
        xml += *decoded;
      }
      xml += "\n";
    }
  }
  xml += "</Events>\n";
  casetrail::test::write_file(c.dir / "export.xml", xml);
  const json f = c.import(c.dir / "export.xml");
  CHECK(f.at("format") == "windows-xml");
  CHECK(f.at("read") == 3);
  CHECK(f.at("imported") == 0);
  CHECK(f.at("already_present") == 3);
  CHECK(c.processes().size() == 3);
}

TEST_CASE("a child seen in JSON joins the lineage of its parent seen in the .evtx", "[ingest]") {
  CASETRAIL_SHARED_FILE(evtx, k_evtx);
  Case c;
  REQUIRE(c.import(evtx).at("imported") == 3);
  // A pipeline's JSON of a later event on IEWIN7 whose parent is calc.exe
  // (#3), naming calc's GUID in lower case as pipelines write it.
  casetrail::test::write_file(
      c.dir / "child.jsonl",
      R"({"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"IEWIN7",)"
      R"("UtcTime":"2019-05-12 17:02:10.000","ProcessGuid":"{365abb72-5192-5cd8-0000-0010aaaa1800}",)"
      R"("ProcessId":"3000","Image":"C:\\Windows\\System32\\notepad.exe","CommandLine":"notepad.exe",)"
      R"("User":"IEWIN7\\IEUser","LogonId":"0x135f2","ParentProcessGuid":"{365abb72-517e-5cd8-0000-00105fe01700}",)"
      R"("ParentProcessId":"2920","ParentImage":"C:\\Windows\\System32\\calc.exe"})"
      "\n");
  REQUIRE(c.import(c.dir / "child.jsonl").at("imported") == 1);
  const auto r = c.run({"--json", "correlate", "--case", "IR-1", "4", "--scope", "lineage"});
  REQUIRE(r.exit_code == 0);
  const json correlation = json::parse(r.out);
  std::vector<std::pair<json, std::vector<std::string>>> rows;
  for (const auto& result : correlation.at("results")) {
    std::vector<std::string> reasons;
    for (const auto& reason : result.at("reasons")) reasons.push_back(reason.at("text"));
    rows.emplace_back(result.at("number"), reasons);
  }
  using Rows = std::vector<std::pair<json, std::vector<std::string>>>;
  CHECK(rows == Rows{{nullptr, {"ancestor of #4 (parent of #1)"}},
                     {1, {"ancestor of #4 (parent of #2)"}},
                     {2, {"ancestor of #4 (parent of #3)"}},
                     {3, {"parent of #4"}},
                     {4, {"anchor"}}});
}

TEST_CASE("a cut .evtx imports what it holds, names the cut record, and the whole file adds the rest",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(evtx, k_evtx);
  Case c;
  // The first 10,000 bytes: the file header, then the chunk up to inside its
  // third record (the reader's own tests place it at offset 0x26c8).
  casetrail::test::write_file(c.dir / "cut.evtx", casetrail::test::read_file(evtx).substr(0, 10000));
  const auto cut = c.run({"import", "--case", "IR-1", "--rejects", (c.dir / "rejects").string(),
                          (c.dir / "cut.evtx").string()});
  CHECK(cut.exit_code == 3);
  CHECK_THAT(cut.err, Catch::Contains("cut.evtx chunk 0 record #3 (offset 0x26c8): the chunk lists "
                                      "record #3 but it cannot be read (chunk 0: the file ends "
                                      "inside this chunk (5904 of 65536 bytes present))\n"));
  CHECK_THAT(cut.err, Catch::Contains("  imported         2 (process 2)\n"));
  CHECK_THAT(cut.err, Catch::Contains("  rejected         1\n"));
  // What was left of the record, verbatim, in --rejects (one per line).
  const std::string rejected = casetrail::test::read_file(c.dir / "rejects");
  CHECK(rejected.size() > 1);
  CHECK(rejected.substr(0, 2) == "**");  // an evtx record's signature, 0x2a2a
  CHECK(rejected.back() == '\n');

  const json whole = c.import(evtx);
  CHECK(whole.at("imported") == 1);
  CHECK(whole.at("already_present") == 2);
  CHECK(whole.at("rejected") == 0);
  CHECK(c.processes().size() == 3);
}

#pragma once
// The hand-built case the export and report tests share: six observations
// on three hosts, with the mini ATT&CK catalogue imported, two verified, one
// benign, a command line that a spreadsheet would run as a formula, one that
// is hostile HTML, and one that is not valid UTF-8. The clock is fixed, so
// everything but the observations' UUIDs (time-ordered, with random bits) is
// the same on every run; golden comparisons replace UUIDs by "<uuid>".

#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

namespace casetrail::test {

inline const std::string k_hostile_cmd = "cmd.exe /c echo </svg><script>alert(1)</script>";
inline const std::string k_formula_cmd = "=HYPERLINK(\"http://203.0.113.9/x\",\"open\")";
// 0xFF and 0xE9 are not UTF-8 here (Latin-1 bytes as a shell might pass them).
inline const std::string k_latin1_cmd = "cmd.exe /c echo caf\xe9 \xff\xfe";

struct HandCase {
  TempDir dir;
  std::string db = (dir / "case.db").string();

  CliResult run(std::vector<std::string> args, long long now_us = 1796032800000000LL) const {
    std::vector<std::string> full = {"--db", db};
    full.insert(full.end(), args.begin(), args.end());
    CliOptions options;
    options.now_utc_us = now_us;  // 2026-11-30T10:00:00Z unless given
    return run_cli(full, options);
  }
  void ok(std::vector<std::string> args, long long now_us = 1796032800000000LL) const {
    const auto r = run(args, now_us);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }

  HandCase() {
    ok({"case", "new", "IR-X", "--title", "Phishing to PowerShell <b>&</b>", "--severity", "high",
        "--tz", "Europe/Berlin", "--lead", "alice"});
    ok({"attack", "import",
        std::string(CASETRAIL_FIXTURES_DIR) + "/attack/enterprise-mini-stix21.json"});
    auto log = [&](std::vector<std::string> args) {
      std::vector<std::string> full = {"log", "--case", "IR-X"};
      full.insert(full.end(), args.begin(), args.end());
      ok(full);
    };
    log({"--time", "2026-11-30T08:12:03.120Z", "--host", "WS01.corp.example", "--platform", "windows",
         "--account", "CORP\\j.doe", "--kind", "logon", "--logon-id", "0x3e7a1", "--attr",
         "logon_type=2", "--source", "Security 4624", "--note", "interactive logon"});
    log({"--time", "2026-11-30T09:41:52.877+01:00", "--host", "WS01", "--account", "CORP\\j.doe",
         "--cmd", "powershell.exe -NoP -W Hidden -Enc SQBFAFgA", "--image",
         "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "--pid", "6244",
         "--parent-image", "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
         "--parent-pid", "4120", "--logon-id", "0x3e7a1", "--technique", "T1059.001", "--source",
         "Sysmon 1", "--source-ref", "WS01-Sysmon.evtx record 88412"});
    log({"--time", "2026-11-30T08:42:10Z", "--host", "WS01", "--account", "CORP\\j.doe", "--cmd",
         k_hostile_cmd, "--pid", "6300", "--parent-pid", "6244", "--technique", "T1059", "--source",
         "EDR", "--note", "-1+1 looks like a formula too"});
    log({"--time", "2026-11-30T08:43:00Z", "--host", "WS01", "--account", "CORP\\j.doe", "--cmd",
         k_formula_cmd, "--technique", "T1059.001", "--source", "Sysmon 1"});
    log({"--time", "2026-11-30T08:44:30Z", "--host", "fs02", "--account", "alice@corp.example",
         "--cmd", k_latin1_cmd, "--pid", "77", "--technique", "T1591.002", "--source",
         "Security 4688"});
    log({"--time", "2026-11-30T09:05:00Z", "--host", "lx01", "--platform", "linux", "--account",
         "root", "--cmd", "/bin/sh -c 'apt-get update'", "--pid", "900", "--technique", "T1059.004",
         "--source", "auditd EXECVE"});
    ok({"obs", "mark", "--case", "IR-X", "2", "verified", "--reason", "EDR telemetry confirms"});
    ok({"obs", "mark", "--case", "IR-X", "5", "verified", "--reason", "<i>seen</i> on the wire"});
    ok({"obs", "mark", "--case", "IR-X", "6", "benign", "--reason", "patching job (CHG-1)"});
  }

  // Exports to a string (stdout), requiring success.
  std::string export_as(const std::string& format, std::vector<std::string> extra = {},
                        const std::string& key = "IR-X") const {
    std::vector<std::string> args = {"export", "--case", key, "--format", format};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
};

// UUIDs replaced by "<uuid>" (they carry random bits), and SHA-256 hashes
// by "<sha256>" (the hash chain covers the UUIDs).
inline std::string without_uuids(const std::string& text) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  static const std::regex sha256("[0-9a-f]{64}");
  return std::regex_replace(std::regex_replace(text, uuid, "<uuid>"), sha256, "<sha256>");
}

// Compares `actual` with the golden file tests/fixtures/<name>; with
// CASETRAIL_UPDATE_GOLDEN=1 in the environment, writes it instead (for
// review in the diff).
inline void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(CASETRAIL_FIXTURES_DIR) + "/" + name;
  if (const char* update = std::getenv("CASETRAIL_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    write_file(path, actual);
  }
  const std::string expected = read_file(path);
  INFO("golden file " << path);
  CHECK(actual == expected);
}

}  // namespace casetrail::test

// Process lineage: by host + pid + time with PID reuse, the same pid on two
// hosts, process GUIDs, Sysmon 1 / Security 4688 pairs, parents known only
// from a child's parent fields; `correlate --scope lineage` and `tree`.

#include "tests/correlate_support.hpp"

using casetrail::test::LoggedCase;
using casetrail::test::numbers;
using casetrail::test::reasons_of;
using Numbers = std::vector<long long>;
using Texts = std::vector<std::string>;

namespace {

const std::string k_cmd_exe = "C:\\Windows\\System32\\cmd.exe";

// Pids only (Security 4688 / auditd style). On ws1, pid 1000 is cmd.exe from
// 10:00 and notepad.exe from 10:30 (reused); ws2 has its own pid 1000.
struct PidCase : LoggedCase {
  PidCase() : LoggedCase("IR-L") {
    auto start = [&](const std::string& time, const std::string& host, const std::string& image,
                     const std::string& pid, const std::string& parent_pid,
                     const std::string& parent_image, const std::string& cmd,
                     std::vector<std::string> more = {}) {
      std::vector<std::string> o = {"--time",       time,       "--host",         host,
                                    "--image",      image,      "--pid",          pid,
                                    "--parent-pid", parent_pid, "--parent-image", parent_image,
                                    "--cmd",        cmd,        "--source",       "Security 4688"};
      o.insert(o.end(), more.begin(), more.end());
      return log(o);
    };
    const std::string d = "2026-03-01T";
    CHECK(start(d + "09:00:00Z", "ws1", "C:\\Windows\\explorer.exe", "500", "400",
                "C:\\Windows\\System32\\userinit.exe", "C:\\Windows\\Explorer.EXE") == 1);
    CHECK(start(d + "10:00:00Z", "ws1", k_cmd_exe, "1000", "500", "C:\\Windows\\explorer.exe",
                "cmd.exe") == 2);
    CHECK(start(d + "10:01:00Z", "ws1", "C:\\Windows\\System32\\whoami.exe", "1100", "1000",
                k_cmd_exe, "whoami /all", {"--technique", "T1033"}) == 3);
    CHECK(start(d + "10:30:00Z", "ws1", "C:\\Windows\\System32\\notepad.exe", "1000", "500",
                "C:\\Windows\\explorer.exe", "notepad.exe") == 4);
    CHECK(start(d + "10:31:00Z", "ws1", "C:\\Windows\\System32\\calc.exe", "1200", "1000",
                "C:\\Windows\\System32\\notepad.exe", "calc.exe") == 5);
    CHECK(start(d + "10:02:00Z", "ws1", "C:\\Windows\\System32\\PING.EXE", "1300", "1000",
                k_cmd_exe, "ping -n 1 10.0.0.1") == 6);
    CHECK(start(d + "10:00:30Z", "ws2", k_cmd_exe, "1000", "600", "C:\\Windows\\explorer.exe",
                "cmd.exe") == 7);
    CHECK(start(d + "10:01:30Z", "ws2", "C:\\Windows\\System32\\net.exe", "1400", "1000", k_cmd_exe,
                "net user /domain") == 8);
    CHECK(start(d + "10:05:00Z", "ws1", "C:\\Windows\\System32\\tasklist.exe", "1500", "0x3e8",
                k_cmd_exe, "tasklist /v") == 9);
    CHECK(start(d + "11:00:00Z", "ws1", "C:\\Users\\Public\\evil.exe", "1600", "1200",
                "C:\\Windows\\System32\\svchost.exe", "evil.exe") == 10);
    CHECK(log({"--kind", "network", "--time", d + "10:03:00Z", "--host", "ws1", "--image",
               k_cmd_exe, "--pid", "1000", "--attr", "destination_ip=10.0.0.1"}) == 11);
    CHECK(log({"--kind", "network", "--time", d + "10:40:00Z", "--host", "ws1", "--image",
               "C:\\Windows\\System32\\notepad.exe", "--pid", "1000"}) == 12);
  }
};

// Process GUIDs and Sysmon 1 / Security 4688 pairs, as the mshta sample
// records cmd.exe -> mshta.exe -> powershell.exe -> conhost.exe (no event
// for cmd.exe itself).
struct PairCase : LoggedCase {
  PairCase() : LoggedCase("IR-M") {
    auto pair = [&](const std::string& security_time, const std::string& sysmon_time,
                    const std::string& image, const std::string& pid, const std::string& guid,
                    const std::string& parent_image, const std::string& parent_pid,
                    const std::string& parent_guid, const std::string& cmd,
                    std::vector<std::string> sysmon_more = {}) {
      const std::vector<std::string> common = {"--host",         "WORKSTATION5.theshire.local",
                                               "--account",      "THESHIRE\\pgustavo",
                                               "--image",        image,
                                               "--pid",          pid,
                                               "--parent-image", parent_image,
                                               "--parent-pid",   parent_pid,
                                               "--cmd",          cmd,
                                               "--logon-id",     "0xc61d9"};
      std::vector<std::string> security = {"--time", security_time, "--source", "Security 4688"};
      security.insert(security.end(), common.begin(), common.end());
      std::vector<std::string> sysmon = {"--time", sysmon_time, "--source",      "Sysmon 1",
                                         "--guid", guid,        "--parent-guid", parent_guid};
      sysmon.insert(sysmon.end(), common.begin(), common.end());
      sysmon.insert(sysmon.end(), sysmon_more.begin(), sysmon_more.end());
      return std::pair{log(security), log(sysmon)};
    };
    const std::string d = "2020-10-22T";
    CHECK(pair(d + "02:57:59.856Z", d + "02:57:59.857Z", "C:\\Windows\\System32\\mshta.exe",
               "0x2ae4", "{39e4a257-2d77-5f91-6b13-000000000700}", k_cmd_exe, "0x1700",
               "{39e4a257-2d59-5f91-6813-000000000700}",
               "mshta vbscript:Execute(\"CreateObject(\"\"Wscript.Shell\"\").Run "
               "\"\"powershell -noprofile\"\":close\")",
               {"--parent-cmd", "\"C:\\windows\\system32\\cmd.exe\"", "--technique",
                "T1218.005"}) == std::pair{1LL, 2LL});
    CHECK(pair(d + "02:58:00.462Z", d + "02:58:00.489Z",
               "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "9572",
               "{39e4a257-2d78-5f91-6c13-000000000700}", "C:\\Windows\\System32\\mshta.exe",
               "10980", "{39e4a257-2d77-5f91-6b13-000000000700}",
               "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -noprofile",
               {"--technique", "T1059.001"}) == std::pair{3LL, 4LL});
    CHECK(pair(d + "02:58:00.568Z", d + "02:58:00.570Z", "C:\\Windows\\System32\\conhost.exe",
               "10164", "{39e4a257-2d78-5f91-6d13-000000000700}",
               "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "9572",
               "{39e4a257-2d78-5f91-6c13-000000000700}",
               "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1") ==
          std::pair{5LL, 6LL});
    // powershell.exe connects out (Sysmon 3 carries its GUID).
    CHECK(log({"--kind", "network", "--time", d + "02:58:01Z", "--host", "workstation5", "--source",
               "Sysmon 3", "--image",
               "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "--pid", "9572",
               "--guid", "{39e4a257-2d78-5f91-6c13-000000000700}", "--attr",
               "destination_ip=10.0.1.5"}) == 7);
  }
};

}  // namespace

TEST_CASE("lineage by pid takes the latest start of the parent pid on the child's host",
          "[correlate]") {
  PidCase c;
  // whoami's parent is cmd.exe (#2), not notepad.exe (#4) which reused pid
  // 1000 later, nor ws2's cmd.exe (#7) with the same pid on another host.
  auto r = c.correlate({"3", "--scope", "lineage"});
  CHECK(numbers(r) == Numbers{0, 1, 2, 3});
  CHECK(r.at("results").at(0).at("synthetic") ==
        "userinit.exe (pid 400, known only from #1's parent fields)");
  CHECK(reasons_of(r, 2) == Texts{"parent of #3"});
  CHECK(reasons_of(r, 1) == Texts{"ancestor of #3 (parent of #2)"});
  CHECK(r.at("results").at(0).at("reasons").at(0).at("text") == "ancestor of #3 (parent of #1)");

  // calc.exe started after pid 1000 was reused: its parent is notepad.exe.
  auto calc = c.correlate({"5", "--scope", "lineage"});
  // (notepad.exe's own network event, #12, is an ancestor's activity: left out.)
  CHECK(numbers(calc) == Numbers{0, 1, 4, 5});
  CHECK(reasons_of(calc, 4) == Texts{"parent of #5"});
}

TEST_CASE("lineage descendants stop where the pid is reused and stay on their host",
          "[correlate]") {
  PidCase c;
  auto r = c.correlate({"2", "--scope", "lineage"});
  // Children of cmd.exe (#2): whoami, ping, tasklist (parent pid given in
  // hex), and its own network event; not calc.exe (#5, notepad's child), not
  // net.exe (#8, on ws2), not notepad's network event (#12).
  CHECK(numbers(r) == Numbers{0, 1, 2, 3, 6, 11, 9});
  CHECK(reasons_of(r, 3) == Texts{"child of #2"});
  CHECK(reasons_of(r, 9) == Texts{"child of #2"});
  CHECK(reasons_of(r, 11) == Texts{"same process as #2"});

  auto ws2 = c.correlate({"8", "--scope", "lineage"});
  CHECK(numbers(ws2) == Numbers{0, 7, 8});
  CHECK(ws2.at("results").at(0).at("synthetic") ==
        "explorer.exe (pid 600, known only from #7's parent fields)");
  CHECK(ws2.at("results").at(0).at("host") == "ws2");
}

TEST_CASE("a parent whose image contradicts the child's parent image was not recorded",
          "[correlate]") {
  PidCase c;
  // evil.exe names svchost.exe (pid 1200) as its parent; the latest start of
  // pid 1200 is calc.exe: not its parent.
  auto r = c.correlate({"10", "--scope", "lineage"});
  CHECK(numbers(r) == Numbers{0, 10});
  CHECK(r.at("results").at(0).at("synthetic") ==
        "svchost.exe (pid 1200, known only from #10's parent fields)");
  const auto calc = numbers(c.correlate({"5", "--scope", "lineage"}));
  CHECK(std::count(calc.begin(), calc.end(), 10) == 0);
}

TEST_CASE("tree prints the lineage from the root ancestor down to every descendant",
          "[correlate]") {
  PidCase c;
  auto r = c.run({"tree", "--case", "IR-L", "2"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "userinit.exe (pid 400, known only from #1's parent fields)\n"
        "  #1  2026-03-01T09:00:00.000000Z  pid 500  explorer.exe  C:\\Windows\\Explorer.EXE\n"
        "    #2  2026-03-01T10:00:00.000000Z  pid 1000  cmd.exe  cmd.exe  <= #2\n"
        "      #3  2026-03-01T10:01:00.000000Z  pid 1100  whoami.exe  whoami /all  T1033\n"
        "      #6  2026-03-01T10:02:00.000000Z  pid 1300  PING.EXE  ping -n 1 10.0.0.1\n"
        "      #9  2026-03-01T10:05:00.000000Z  pid 1500  tasklist.exe  tasklist /v\n");
  auto note = c.log({"--kind", "note", "--time", "2026-03-01T10:00:00Z", "--host", "ws1"});
  auto bad = c.run({"tree", "--case", "IR-L", std::to_string(note)});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err ==
        "casetrail: error: tree needs a process id or process GUID: observation #13 "
        "has neither\n");
  auto unknown = c.run({"tree", "--case", "IR-L", "#77"});
  CHECK(unknown.err == "casetrail: error: no observation #77 in case \"IR-L\"\n");
}

TEST_CASE("lineage follows GUIDs and pairs Sysmon 1 with Security 4688 of one execution",
          "[correlate]") {
  PairCase c;
  auto r = c.correlate({"4", "--scope", "lineage"});
  CHECK(numbers(r) == Numbers{0, 1, 2, 3, 4, 5, 6, 7});
  const auto& cmd = r.at("results").at(0);
  CHECK(cmd.at("synthetic") == "cmd.exe (pid 5888, known only from #2's parent fields)");
  CHECK(cmd.at("process_guid") == "{39e4a257-2d59-5f91-6813-000000000700}");
  CHECK(cmd.at("command_line") == "\"C:\\windows\\system32\\cmd.exe\"");
  CHECK(cmd.at("reasons").at(0).at("text") == "ancestor of #4 (parent of #2)");
  CHECK(reasons_of(r, 1) == Texts{"parent of #4", "same execution as #2"});
  CHECK(reasons_of(r, 2) == Texts{"parent of #4", "same execution as #1"});
  CHECK(reasons_of(r, 3) == Texts{"same execution as #4", "same command line as #4"});
  CHECK(reasons_of(r, 4) == Texts{"anchor", "same execution as #3"});
  CHECK(reasons_of(r, 5) == Texts{"child of #4", "same execution as #6"});
  CHECK(reasons_of(r, 6) == Texts{"child of #4", "same execution as #5"});
  CHECK(reasons_of(r, 7) == Texts{"same process as #4"});

  // The same lineage from the 4688 record, which has no GUID: by pid.
  CHECK(numbers(c.correlate({"3", "--scope", "lineage"})) == Numbers{0, 1, 2, 3, 4, 5, 6, 7});
  // From powershell's network event: its process is #3+#4.
  auto net = c.correlate({"7", "--scope", "lineage"});
  CHECK(numbers(net) == Numbers{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(reasons_of(net, 4) == Texts{"same process as #7", "same execution as #3"});
  CHECK(reasons_of(net, 5) == Texts{"child of #7", "same execution as #6"});
}

TEST_CASE("correlate --scope lineage prints parent and child reasons in a table", "[correlate]") {
  PairCase c;
  auto r = c.run({"correlate", "--case", "IR-M", "4", "--scope", "lineage"});
  CHECK(r.exit_code == 0);
  CHECK(
      r.out ==
      "anchor  "
      "#4 at 2020-10-22T02:58:00.489000Z on workstation5 by theshire\\pgustavo, session 0xc61d9\n"
      "window  "
      "2020-10-22T02:43:00.489000Z to 2020-10-22T04:58:00.489000Z (15m before, 2h after)\n"
      "scope   lineage\n"
      "\n"
      "#  TIME (UTC)                   OFFSET            WHEN      KIND     STATUS      "
      "HOST          ACCOUNT            TECHNIQUES  "
      "REASONS                                        WHAT\n"
      "-  -                            -                 precedes  process  -           "
      "workstation5  -                  -           "
      "ancestor of #4 (parent of #2)                  "
      "cmd.exe (pid 5888, known only from #2's parent fields)\n"
      "1  2020-10-22T02:57:59.856000Z  -00:00:00.633000  precedes  process  unverified  "
      "workstation5  theshire\\pgustavo  -           "
      "parent of #4, same execution as #2             "
      "mshta vbscript:Execute(\"CreateObject(\"\"Wscript.Shell\"\").Run "
      "\"\"powershell -noprofile\"\":close\")\n"
      "2  2020-10-22T02:57:59.857000Z  -00:00:00.632000  precedes  process  unverified  "
      "workstation5  theshire\\pgustavo  T1218.005   "
      "parent of #4, same execution as #1             "
      "mshta vbscript:Execute(\"CreateObject(\"\"Wscript.Shell\"\").Run "
      "\"\"powershell -noprofile\"\":close\")\n"
      "3  2020-10-22T02:58:00.462000Z  -00:00:00.027000  precedes  process  unverified  "
      "workstation5  theshire\\pgustavo  -           "
      "same execution as #4, same command line as #4  "
      "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -noprofile\n"
      "4  2020-10-22T02:58:00.489000Z  +00:00:00.000000  anchor    process  unverified  "
      "workstation5  theshire\\pgustavo  T1059.001   "
      "anchor, same execution as #3                   "
      "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -noprofile\n"
      "5  2020-10-22T02:58:00.568000Z  +00:00:00.079000  follows   process  unverified  "
      "workstation5  theshire\\pgustavo  -           "
      "child of #4, same execution as #6              "
      "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1\n"
      "6  2020-10-22T02:58:00.570000Z  +00:00:00.081000  follows   process  unverified  "
      "workstation5  theshire\\pgustavo  -           "
      "child of #4, same execution as #5              "
      "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1\n"
      "7  2020-10-22T02:58:01.000000Z  +00:00:00.511000  follows   network  unverified  "
      "workstation5  -                  -           "
      "same process as #4                             "
      "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\n"
      "\n"
      "8 results\n");
}

TEST_CASE("tree shows both records of one execution and the parent known only from fields",
          "[correlate]") {
  PairCase c;
  auto r = c.run({"tree", "--case", "IR-M", "3"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "cmd.exe (pid 5888, known only from #2's parent fields)  "
        "\"C:\\windows\\system32\\cmd.exe\"\n"
        "  #1+#2  2020-10-22T02:57:59.856000Z  pid 10980  mshta.exe  mshta "
        "vbscript:Execute(\"CreateObject(\"\"Wscript.Shell\"\").Run \"\"powershell "
        "-noprofile\"\":close\")  T1218.005\n"
        "    #3+#4  2020-10-22T02:58:00.462000Z  pid 9572  powershell.exe  "
        "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -noprofile  "
        "T1059.001  <= #3\n"
        "      #5+#6  2020-10-22T02:58:00.568000Z  pid 10164  conhost.exe  "
        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1\n");
  auto json = c.run({"--json", "tree", "--case", "IR-M", "6"});
  auto j = nlohmann::json::parse(json.out);
  CHECK(j.at("anchor") == 6);
  CHECK(j.at("root").at("synthetic") == "cmd.exe (pid 5888, known only from #2's parent fields)");
  const auto& mshta = j.at("root").at("children").at(0);
  CHECK(mshta.at("numbers") == nlohmann::json{1, 2});
  CHECK(mshta.at("generation") == -2);
  const auto& conhost = mshta.at("children").at(0).at("children").at(0);
  CHECK(conhost.at("numbers") == nlohmann::json{5, 6});
  CHECK(conhost.at("anchor") == true);
  CHECK(conhost.at("pid") == 10164);
  CHECK(conhost.at("children").empty());
}

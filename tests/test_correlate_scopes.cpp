// Correlate by host, account, session and case, windows and their edges,
// hops, stable order, zones, and bad input, on a case where the right answer
// is known for every scope.

#include "tests/correlate_support.hpp"

using casetrail::test::LoggedCase;
using casetrail::test::numbers;
using casetrail::test::reasons_of;
using Numbers = std::vector<long long>;

namespace {

// Anchor #4: alice runs whoami on ws1 at 10:00:00 in logon session 0x1000.
// The default window is [09:45:00, 12:00:00]. Alice then moves to ws2 and
// ws3; dave, seen on ws3, also works on ws4.
struct ScopeCase : LoggedCase {
  ScopeCase() : LoggedCase("IR-1") {
    auto process = [&](const std::string& time, const std::string& host, const std::string& account,
                       const std::string& cmd, std::vector<std::string> more = {}) {
      std::vector<std::string> o = {"--time",    time,    "--host", host,
                                    "--account", account, "--cmd",  cmd};
      o.insert(o.end(), more.begin(), more.end());
      return log(o);
    };
    auto logon = [&](const std::string& time, const std::string& host, const std::string& id,
                     const std::string& event, std::vector<std::string> more = {}) {
      std::vector<std::string> o = {"--kind",     "logon", "--time",    time,
                                    "--host",     host,    "--account", "CORP\\alice",
                                    "--logon-id", id,      "--attr",    "event=" + event};
      o.insert(o.end(), more.begin(), more.end());
      return log(o);
    };
    const std::string day = "2026-03-01T";
    CHECK(logon(day + "09:30:00Z", "WS1", "0x1000", "logon",
                {"--attr", "logon_type=10", "--attr", "source_address=10.0.0.5"}) == 1);
    CHECK(process(day + "09:45:00Z", "WS1", "CORP\\bob", "net view") == 2);
    CHECK(process(day + "09:44:59.999999Z", "WS1", "CORP\\bob", "ipconfig") == 3);
    CHECK(process(day + "10:00:00Z", "WS1", "CORP\\alice", "cmd.exe /c whoami",
                  {"--pid", "100", "--logon-id", "0x1000", "--technique", "T1033"}) == 4);
    CHECK(process(day + "10:00:00Z", "ws1.corp.local", "alice@corp.local", "hostname",
                  {"--logon-id", "0x1000"}) == 5);
    CHECK(process(day + "10:30:00.000001Z", "WS1", "CORP\\carol", "zzz.exe") == 6);
    CHECK(process(day + "10:30:00.000001Z", "WS1", "CORP\\alice", "aaa.exe",
                  {"--logon-id", "0x1000"}) == 7);
    CHECK(process(day + "12:00:00Z", "WS1", "CORP\\alice", "edge.exe", {"--logon-id", "0x1000"}) ==
          8);
    CHECK(process(day + "12:00:00.000001Z", "WS1", "CORP\\alice", "late.exe",
                  {"--logon-id", "0x1000"}) == 9);
    CHECK(process(day + "10:10:00Z", "WS2", "CORP\\alice", "net use \\\\ws3\\c$") == 10);
    CHECK(process(day + "10:20:00Z", "WS2", "CORP\\bob", "bob-on-ws2.exe") == 11);
    CHECK(logon(day + "10:40:00Z", "WS3", "0x5000", "logon", {"--attr", "logon_type=3"}) == 12);
    CHECK(process(day + "10:50:00Z", "WS3", "CORP\\dave", "dave-on-ws3.exe") == 13);
    CHECK(process(day + "11:00:00Z", "WS4", "CORP\\dave", "dave-on-ws4.exe") == 14);
    CHECK(process(day + "10:05:00Z", "WS1", "NT AUTHORITY\\SYSTEM", "svchost.exe -k netsvcs") ==
          15);
    CHECK(process(day + "10:06:00Z", "WS4", "NT AUTHORITY\\SYSTEM", "svc-on-ws4.exe") == 16);
    CHECK(process(day + "10:15:00Z", "WS1", "CORP\\alice", "other-session.exe",
                  {"--logon-id", "0x2000"}) == 17);
    CHECK(logon(day + "11:30:00Z", "WS1", "0x1000", "logoff") == 18);
    CHECK(logon("2026-02-01T08:00:00Z", "WS1", "0x1000", "logon") == 19);
    CHECK(logon(day + "09:50:00Z", "WS2", "0x1000", "logon") == 20);
    CHECK(process(day + "10:45:00Z", "WS2", "CORP\\alice", "cmd.exe /c whoami") == 21);
  }
};

}  // namespace

TEST_CASE("host scope finds the anchor's host in the window, edges included, in stable order",
          "[correlate]") {
  ScopeCase c;
  auto r = c.correlate({"4", "--scope", "host"});
  // #2 sits exactly on the window's start and #8 exactly on its end; #3 and
  // #9 lie one microsecond outside. #4/#5 and #6/#7 share a microsecond and
  // keep number order.
  CHECK(numbers(r) == Numbers{2, 4, 5, 15, 17, 6, 7, 18, 8});
  CHECK(r.at("window") == nlohmann::json{{"from", "2026-03-01T09:45:00.000000Z"},
                                         {"to", "2026-03-01T12:00:00.000000Z"},
                                         {"before", "15m"},
                                         {"after", "2h"}});
  CHECK(r.at("total") == 9);
  CHECK(r.at("not_shown") == 0);
  CHECK(reasons_of(r, 4) == std::vector<std::string>{"anchor", "same host"});
  CHECK(reasons_of(r, 2) == std::vector<std::string>{"same host"});
  const auto& first = r.at("results").at(0);
  CHECK(first.at("offset") == "-00:15:00.000000");
  CHECK(first.at("offset_us") == -900000000LL);
  CHECK(first.at("relation") == "precedes");
  CHECK(r.at("results").at(2).at("relation") == "same_time");
  CHECK(r.at("results").at(8).at("offset") == "+02:00:00.000000");
  CHECK(r.at("results").at(8).at("relation") == "follows");
}

TEST_CASE("correlate prints a table with offsets, relations and reasons", "[correlate]") {
  ScopeCase c;
  auto r = c.run({"correlate", "--case", "IR-1", "#4", "--scope", "host", "--before", "15m",
                  "--after", "30m"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(
      r.out ==
      "anchor  #4 at 2026-03-01T10:00:00.000000Z on ws1 by corp\\alice, session 0x1000\n"
      "window  2026-03-01T09:45:00.000000Z to 2026-03-01T10:30:00.000000Z (15m before, 30m after)\n"
      "scope   host\n"
      "\n"
      "#   TIME (UTC)                   OFFSET            WHEN       KIND     STATUS      HOST  "
      "ACCOUNT              TECHNIQUES  REASONS            WHAT\n"
      "2   2026-03-01T09:45:00.000000Z  -00:15:00.000000  precedes   process  unverified  ws1   "
      "corp\\bob             -           same host          net view\n"
      "4   2026-03-01T10:00:00.000000Z  +00:00:00.000000  anchor     process  unverified  ws1   "
      "corp\\alice           T1033       anchor, same host  cmd.exe /c whoami\n"
      "5   2026-03-01T10:00:00.000000Z  +00:00:00.000000  same time  process  unverified  ws1   "
      "corp\\alice           -           same host          hostname\n"
      "15  2026-03-01T10:05:00.000000Z  +00:05:00.000000  follows    process  unverified  ws1   "
      "nt authority\\system  -           same host          svchost.exe -k netsvcs\n"
      "17  2026-03-01T10:15:00.000000Z  +00:15:00.000000  follows    process  unverified  ws1   "
      "corp\\alice           -           same host          other-session.exe\n"
      "\n"
      "5 results\n");
}

TEST_CASE("account scope follows the account to other hosts and marks the same command line",
          "[correlate]") {
  ScopeCase c;
  auto r = c.correlate({"4", "--scope", "account"});
  CHECK(numbers(r) == Numbers{20, 4, 5, 10, 17, 7, 12, 21, 18, 8});
  CHECK(reasons_of(r, 10) == std::vector<std::string>{"same account"});
  CHECK(reasons_of(r, 21) == std::vector<std::string>{"same account", "same command line as #4"});
  CHECK(r.at("results").at(3).at("host") == "ws2");
}

TEST_CASE("session scope finds the logon that opened the session even before the window",
          "[correlate]") {
  ScopeCase c;
  auto r = c.correlate({"4", "--scope", "session"});
  // #1 opened 0x1000 on ws1 at 09:30, before the window; #19 opened the same
  // id before a reboot, #20 on another host, #17 is another session, #9
  // lies after the window.
  CHECK(numbers(r) == Numbers{1, 4, 5, 7, 18, 8});
  CHECK(reasons_of(r, 1) == std::vector<std::string>{"logon of session 0x1000"});
  CHECK(reasons_of(r, 18) == std::vector<std::string>{"same session 0x1000"});
  CHECK(r.at("results").at(0).at("offset") == "-00:30:00.000000");
  auto table = c.run({"correlate", "--case", "IR-1", "4", "--scope", "session", "--limit", "1"});
  CHECK(
      table.out ==
      "anchor  #4 at 2026-03-01T10:00:00.000000Z on ws1 by corp\\alice, session 0x1000\n"
      "window  2026-03-01T09:45:00.000000Z to 2026-03-01T12:00:00.000000Z (15m before, 2h after)\n"
      "scope   session\n"
      "\n"
      "#  TIME (UTC)                   OFFSET            WHEN      KIND   STATUS      HOST  "
      "ACCOUNT     TECHNIQUES  REASONS                  WHAT\n"
      "1  2026-03-01T09:30:00.000000Z  -00:30:00.000000  precedes  logon  unverified  ws1   "
      "corp\\alice  -           logon of session 0x1000  logon 0x1000 type 10 from 10.0.0.5\n"
      "\n"
      "1 of 6 results shown: 5 more not shown (raise --limit)\n");
}

TEST_CASE("a session anchored on its logon event reaches the processes that ran in it",
          "[correlate]") {
  ScopeCase c;
  auto r = c.correlate({"1", "--scope", "session", "--after", "1h"});
  CHECK(numbers(r) == Numbers{1, 4, 5});
  CHECK(reasons_of(r, 1) ==
        std::vector<std::string>{"anchor", "logon of session 0x1000", "same session 0x1000"});
}

TEST_CASE("case scope takes everything in the window; scopes combine with merged reasons",
          "[correlate]") {
  ScopeCase c;
  auto all = c.correlate({"4", "--scope", "case"});
  CHECK(numbers(all) == Numbers{2, 20, 4, 5, 15, 16, 10, 17, 11, 6, 7, 12, 21, 13, 14, 18, 8});
  CHECK(reasons_of(all, 16) == std::vector<std::string>{"in case"});

  auto both = c.correlate({"4", "--scope", "host, account"});
  CHECK(both.at("scopes") == nlohmann::json{"host", "account"});
  CHECK(numbers(both) == Numbers{2, 20, 4, 5, 15, 10, 17, 6, 7, 12, 21, 18, 8});
  CHECK(reasons_of(both, 5) == std::vector<std::string>{"same host", "same account"});
  CHECK(reasons_of(both, 6) == std::vector<std::string>{"same host"});
  CHECK(reasons_of(both, 12) == std::vector<std::string>{"same account"});

  // Without --scope: host and account, those the anchor has.
  CHECK(numbers(c.correlate({"4"})) == numbers(both));
}

TEST_CASE(
    "windows are asymmetric, of any length, and zero-length windows keep the anchor's "
    "microsecond",
    "[correlate]") {
  ScopeCase c;
  CHECK(numbers(c.correlate({"4", "--scope", "host", "--before", "0", "--after", "0"})) ==
        Numbers{4, 5});
  CHECK(numbers(c.correlate({"4", "--scope", "host", "--before", "90s", "--after", "5m"})) ==
        Numbers{4, 5, 15});
  CHECK(numbers(c.correlate({"4", "--scope", "host", "--before", "30d", "--after", "2h30m"})) ==
        Numbers{19, 1, 3, 2, 4, 5, 15, 17, 6, 7, 18, 8, 9});
}

TEST_CASE("an --at anchor is a time with a host and/or an account", "[correlate]") {
  ScopeCase c;
  auto by_host = c.correlate({"--at", "2026-03-01T10:10:00Z", "--host", "WS2.corp.local",
                              "--before", "0", "--after", "10m"});
  CHECK(by_host.at("anchor").at("number").is_null());
  CHECK(by_host.at("scopes") == nlohmann::json{"host"});
  CHECK(numbers(by_host) == Numbers{10, 11});
  CHECK(by_host.at("results").at(0).at("relation") == "same_time");

  auto by_account = c.correlate({"--at", "2026-03-01T10:40:00Z", "--account", "dave@corp.local",
                                 "--before", "0", "--after", "1h"});
  CHECK(by_account.at("scopes") == nlohmann::json{"account"});
  CHECK(numbers(by_account) == Numbers{13, 14});
}

TEST_CASE("hops follow accounts to the hosts they touched, level by level, with paths",
          "[correlate]") {
  ScopeCase c;
  auto one = c.correlate({"4", "--scope", "host", "--hops", "1"});
  CHECK(numbers(one) == Numbers{2, 20, 4, 5, 15, 10, 17, 11, 6, 7, 12, 21, 18, 8});
  CHECK(one.at("not_followed") == nlohmann::json{"nt authority\\system"});
  CHECK(reasons_of(one, 11) == std::vector<std::string>{"hop 1: ws1 -> corp\\bob"});
  CHECK(reasons_of(one, 5) == std::vector<std::string>{"same host", "hop 1: ws1 -> corp\\alice"});

  auto two = c.correlate({"4", "--scope", "host", "--hops", "2"});
  CHECK(numbers(two) == Numbers{2, 20, 4, 5, 15, 10, 17, 11, 6, 7, 12, 21, 13, 18, 8});
  for (const auto& r : two.at("results")) {
    if (r.at("number") == 13) {
      CHECK(r.at("hop") == 2);
      CHECK(r.at("path") == nlohmann::json{"ws1", "corp\\alice", "ws3"});
    }
  }

  auto three = c.correlate({"4", "--scope", "host", "--hops", "3"});
  CHECK(numbers(three) == Numbers{2, 20, 4, 5, 15, 10, 17, 11, 6, 7, 12, 21, 13, 14, 18, 8});
  CHECK(reasons_of(three, 14) ==
        std::vector<std::string>{"hop 3: ws1 -> corp\\alice -> ws3 -> corp\\dave"});
  // From an account, the first hop is the hosts it touched.
  auto from_account = c.correlate({"--at", "2026-03-01T10:40:00Z", "--account", "CORP\\dave",
                                   "--before", "0", "--after", "1h", "--hops", "1"});
  CHECK(numbers(from_account) == Numbers{12, 13, 14});
  CHECK(reasons_of(from_account, 12) == std::vector<std::string>{"hop 1: corp\\dave -> ws3"});
  CHECK(reasons_of(from_account, 14) ==
        std::vector<std::string>{"same account", "hop 1: corp\\dave -> ws4"});

  // #16 (SYSTEM on ws4) is reached only through ws4, a fourth level.
  auto four = c.correlate({"4", "--scope", "host", "--hops", "4"});
  CHECK(reasons_of(four, 16) ==
        std::vector<std::string>{"hop 4: ws1 -> corp\\alice -> ws3 -> corp\\dave -> ws4"});
}

TEST_CASE("a DST change inside the window shows in the zone while offsets stay exact",
          "[correlate]") {
  LoggedCase c("IR-DST");
  // Berlin leaves +01:00 for +02:00 at 2026-03-29T01:00:00Z.
  CHECK(c.log({"--time", "2026-03-29T00:30:00Z", "--host", "ws1", "--cmd", "anchor.exe"}) == 1);
  CHECK(c.log({"--time", "2026-03-29T00:59:59Z", "--host", "ws1", "--cmd", "before-change.exe"}) ==
        2);
  CHECK(c.log({"--time", "2026-03-29T01:00:00Z", "--host", "ws1", "--cmd", "after-change.exe"}) ==
        3);
  CHECK(c.log({"--time", "2026-03-29T02:30:00Z", "--host", "ws1", "--cmd", "window-end.exe"}) == 4);
  auto r = c.run({"--tz", "Europe/Berlin", "correlate", "--case", "IR-DST", "1"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "anchor  #1 at 2026-03-29T01:30:00.000000+01:00 on ws1\n"
        "window  2026-03-29T01:15:00.000000+01:00 to 2026-03-29T04:30:00.000000+02:00 (15m "
        "before, 2h after)\n"
        "scope   host\n"
        "\n"
        "#  TIME (Europe/Berlin)              OFFSET            WHEN     KIND     STATUS      "
        "HOST  ACCOUNT  TECHNIQUES  REASONS            WHAT\n"
        "1  2026-03-29T01:30:00.000000+01:00  +00:00:00.000000  anchor   process  unverified  "
        "ws1   -        -           anchor, same host  anchor.exe\n"
        "2  2026-03-29T01:59:59.000000+01:00  +00:29:59.000000  follows  process  unverified  "
        "ws1   -        -           same host          before-change.exe\n"
        "3  2026-03-29T03:00:00.000000+02:00  +00:30:00.000000  follows  process  unverified  "
        "ws1   -        -           same host          after-change.exe\n"
        "4  2026-03-29T04:30:00.000000+02:00  +02:00:00.000000  follows  process  unverified  "
        "ws1   -        -           same host          window-end.exe\n"
        "\n"
        "4 results\n");
  // A local --at is read in the zone; one the change skips is an error.
  auto local = c.correlate({"--tz", "Europe/Berlin", "--at", "2026-03-29T03:00:00", "--host", "ws1",
                            "--before", "0", "--after", "0"});
  CHECK(numbers(local) == Numbers{3});
  auto gap = c.run({"--tz", "Europe/Berlin", "correlate", "--case", "IR-DST", "--at",
                    "2026-03-29T02:30:00", "--host", "ws1"});
  CHECK(gap.exit_code == 1);
  CHECK(gap.err ==
        "casetrail: error: invalid --at \"2026-03-29T02:30:00\": 2026-03-29T02:30:00 does not "
        "exist in Europe/Berlin: clocks jump from 02:00 to 03:00 (+01:00 to +02:00)\n");
}

TEST_CASE("correlate says exactly what is wrong with its input", "[correlate]") {
  ScopeCase c;
  CHECK(c.log({"--kind", "note", "--time", "2026-03-01T10:00:00Z", "--host", "ws1", "--note",
               "phone call"}) == 22);
  auto error = [&](std::vector<std::string> args) {
    std::vector<std::string> full = {"correlate", "--case", "IR-1"};
    full.insert(full.end(), args.begin(), args.end());
    auto r = c.run(full);
    CHECK(r.out.empty());
    return std::to_string(r.exit_code) + " " + r.err;
  };
  CHECK(error({"99"}) == "1 casetrail: error: no observation #99 in case \"IR-1\"\n");
  CHECK(error({"forty-two"}) ==
        "1 casetrail: error: invalid observation \"forty-two\": expected an observation number "
        "such as 42 or #42\n");
  CHECK(error({"4", "--before", "15x"}) ==
        "1 casetrail: error: invalid --before \"15x\": unknown unit \"x\" (use d, h, m, s, ms or "
        "us)\n");
  CHECK(error({"4", "--after=-1h"}) ==
        "1 casetrail: error: invalid --after \"-1h\": must not be negative\n");
  CHECK(error({"4", "--after", "1.5h"}) ==
        "1 casetrail: error: invalid --after \"1.5h\": fractions are not accepted (write 1s500ms, "
        "not 1.5s)\n");
  CHECK(error({"22", "--scope", "lineage"}) ==
        "1 casetrail: error: --scope lineage needs a process id or process GUID: observation "
        "#22 has neither\n");
  CHECK(error({"2", "--scope", "lineage"}) ==
        "1 casetrail: error: --scope lineage needs a process id or process GUID: observation "
        "#2 has neither\n");
  CHECK(error({"2", "--scope", "session"}) ==
        "1 casetrail: error: --scope session needs a logon id: observation #2 has none\n");
  CHECK(error({"22", "--scope", "account"}) ==
        "1 casetrail: error: --scope account needs an account: observation #22 has none\n");
  CHECK(error({"4", "--scope", "hosts"}) ==
        "1 casetrail: error: invalid --scope \"hosts\": expected host, account, session, lineage "
        "or case, or several separated by commas\n");
  CHECK(error({"4", "--hops", "11"}) ==
        "1 casetrail: error: invalid --hops \"11\": expected a number of hops from 0 to 10\n");
  CHECK(error({"4", "--limit", "0"}) ==
        "1 casetrail: error: invalid --limit \"0\": expected a positive number of results\n");
  CHECK(error({}) ==
        "2 casetrail: error: missing REF: give an observation number (42 or #42) or --at TIME "
        "with --host and/or --account\n");
  CHECK(error({"4", "--at", "2026-03-01T10:00:00Z"}) ==
        "2 casetrail: error: give an observation number or --at, not both\n");
  CHECK(error({"--at", "2026-03-01T10:00:00Z"}) ==
        "2 casetrail: error: --at needs --host and/or --account\n");
  CHECK(error({"4", "--host", "ws1"}) ==
        "2 casetrail: error: --host and --account go with --at: an observation anchor has its "
        "own\n");
  CHECK(error({"--at", "2026-03-01T10:00:00Z", "--host", "ws9"}) ==
        "1 casetrail: error: no host \"ws9\" in case \"IR-1\"\n");
  CHECK(error({"--at", "2026-03-01T10:00:00Z", "--account", "bob", "--scope", "host"}) ==
        "1 casetrail: error: no account \"bob\" in case \"IR-1\"\n");
  CHECK(error({"--at", "2026-03-01T10:00:00Z", "--account", "corp\\bob", "--scope", "host"}) ==
        "1 casetrail: error: --scope host needs a host: give --host with --at\n");
  CHECK(error({"--at", "2026-03-01T10:00:00Z", "--host", "ws1", "--scope", "session"}) ==
        "1 casetrail: error: --scope session needs a logon id: an --at anchor has none\n");
  CHECK(error({"--at", "10:00", "--host", "ws1"}) ==
        "1 casetrail: error: invalid --at \"10:00\": expected YYYY-MM-DD\n");
}

// timeline (plain and in bursts) and the evidence summary of `case show`.

#include "tests/correlate_support.hpp"

using casetrail::test::LoggedCase;

namespace {

// ws1: 10:00, 10:05, 10:15 (exactly the 10m gap after 10:05), then 10:25
// and one microsecond (one microsecond over it). ws2: 10:06, 10:07, 12:00.
struct BurstCase : LoggedCase {
  BurstCase() : LoggedCase("IR-T") {
    const std::string d = "2026-03-01T";
    CHECK(log({"--time", d + "10:00:00Z", "--host", "ws1", "--account", "CORP\\alice", "--cmd",
               "powershell -enc AAAA", "--technique", "T1059.001"}) == 1);
    CHECK(log({"--time", d + "10:05:00Z", "--host", "ws1", "--account", "CORP\\bob", "--cmd",
               "powershell -c whoami", "--technique", "T1059.001"}) == 2);
    CHECK(log({"--kind", "logon", "--time", d + "10:15:00Z", "--host", "ws1", "--account",
               "CORP\\alice", "--logon-id", "0x77"}) == 3);
    CHECK(log({"--time", d + "10:25:00.000001Z", "--host", "ws1", "--account", "CORP\\alice",
               "--cmd", "procdump -ma lsass.exe", "--technique", "T1003"}) == 4);
    CHECK(log({"--time", d + "10:07:00Z", "--host", "ws2", "--account", "CORP\\alice", "--cmd",
               "backup.exe"}) == 5);
    CHECK(log({"--kind", "note", "--time", d + "12:00:00Z", "--host", "ws2", "--note",
               "disk imaged"}) == 6);
    CHECK(log({"--time", d + "10:06:00Z", "--host", "ws2", "--account", "CORP\\bob", "--cmd",
               "net group \"domain admins\" /domain"}) == 7);
    for (const auto& [n, status] : {std::pair{"1", "verified"}, std::pair{"2", "verified"},
                                    std::pair{"7", "verified"}, std::pair{"5", "benign"}}) {
      REQUIRE(run({"obs", "mark", "--case", "IR-T", n, status, "--reason", "checked"}).exit_code ==
              0);
    }
  }
};

}  // namespace

TEST_CASE("timeline --bursts groups each host's activity at quiet gaps longer than --gap",
          "[correlate]") {
  BurstCase c;
  auto r = c.run({"timeline", "--case", "IR-T", "--bursts", "--gap", "10m"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "HOST  FIRST (UTC)                  LAST                         DURATION  COUNT  "
        "VERIFIED  ACCOUNTS              KINDS              TECHNIQUES    TACTICS\n"
        "ws1   2026-03-01T10:00:00.000000Z  2026-03-01T10:15:00.000000Z  15m       3      "
        "2         corp\\alice, corp\\bob  process x2, logon  T1059.001 x2  -\n"
        "ws2   2026-03-01T10:06:00.000000Z  2026-03-01T10:07:00.000000Z  1m        2      "
        "1         corp\\alice, corp\\bob  process x2         -             -\n"
        "ws1   2026-03-01T10:25:00.000001Z  2026-03-01T10:25:00.000001Z  0s        1      "
        "0         corp\\alice            process            T1003         -\n"
        "ws2   2026-03-01T12:00:00.000000Z  2026-03-01T12:00:00.000000Z  0s        1      "
        "0         -                     note               -             -\n"
        "\n"
        "4 bursts (a quiet gap over 10m starts a new one)\n");
}

TEST_CASE("timeline --bursts --by account follows an account across hosts, with filters",
          "[correlate]") {
  BurstCase c;
  auto r = c.run(
      {"--json", "timeline", "--case", "IR-T", "--bursts", "--gap", "10m", "--by", "account"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("by") == "account");
  CHECK(j.at("gap") == "10m");
  std::vector<std::string> keys;
  for (const auto& b : j.at("bursts")) keys.push_back(b.at("account"));
  CHECK(keys == std::vector<std::string>{"corp\\alice", "corp\\bob", "corp\\alice", "-"});
  const auto& first = j.at("bursts").at(0);
  CHECK(first.at("hosts") == nlohmann::json{"ws1", "ws2"});
  CHECK(first.at("first_number") == 1);
  CHECK(first.at("last_number") == 3);
  CHECK(first.at("duration") == "15m");
  CHECK(first.at("duration_us") == 900000000LL);
  CHECK(first.at("kinds") == nlohmann::json{{"process", 2}, {"logon", 1}});
  CHECK(first.at("techniques") == nlohmann::json::array({{{"id", "T1059.001"}, {"count", 1}}}));

  auto verified = c.run(
      {"--json", "timeline", "--case", "IR-T", "--bursts", "--gap", "1h", "--status", "verified"});
  auto v = nlohmann::json::parse(verified.out);
  REQUIRE(v.at("bursts").size() == 2);
  CHECK(v.at("bursts").at(0).at("count") == 2);
  CHECK(v.at("bursts").at(1).at("host") == "ws2");
}

TEST_CASE("timeline without --bursts lists observations like obs list, with its filters",
          "[correlate]") {
  BurstCase c;
  auto r = c.run({"timeline", "--case", "IR-T", "--host", "WS2", "--from", "2026-03-01T10:06:30Z"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "#  TIME (UTC)                   KIND     STATUS      HOST  ACCOUNT     TECHNIQUES  WHAT\n"
        "5  2026-03-01T10:07:00.000000Z  process  benign      ws2   corp\\alice  -           "
        "backup.exe\n"
        "6  2026-03-01T12:00:00.000000Z  note     unverified  ws2   -           -           "
        "disk imaged\n");
  auto bad = c.run({"timeline", "--case", "IR-T", "--gap", "5m"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "casetrail: error: --gap and --by go with --bursts\n");
  auto gap = c.run({"timeline", "--case", "IR-T", "--bursts", "--gap", "soon"});
  CHECK(gap.exit_code == 1);
  CHECK(gap.err ==
        "casetrail: error: invalid --gap \"soon\": expected a number followed by a "
        "unit (d, h, m, s, ms or us)\n");
  auto by = c.run({"timeline", "--case", "IR-T", "--bursts", "--by", "user"});
  CHECK(by.err == "casetrail: error: invalid --by \"user\": expected host or account\n");
}

TEST_CASE(
    "case show summarises first and last seen and dwell time, ranked by verified "
    "evidence",
    "[correlate]") {
  BurstCase c;
  auto r = c.run({"case", "show", "IR-T"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "case      IR-T\n"
        "title     test\n"
        "severity  medium\n"
        "status    open\n"
        "lead      -\n"
        "time zone UTC\n"
        "created   2025-11-30T14:00:00.000000Z by tester\n"
        "evidence  6 observations (3 verified, 3 unverified; 1 benign or false-positive left out)\n"
        "first     2026-03-01T10:00:00.000000Z\n"
        "last      2026-03-01T12:00:00.000000Z\n"
        "dwell     2h\n"
        "\n"
        "HOST  VERIFIED  OBSERVATIONS  FIRST SEEN                   LAST SEEN                    "
        "DWELL\n"
        "ws1   2         4             2026-03-01T10:00:00.000000Z  2026-03-01T10:25:00.000001Z  "
        "25m1us\n"
        "ws2   1         2             2026-03-01T10:06:00.000000Z  2026-03-01T12:00:00.000000Z  "
        "1h54m\n"
        "\n"
        "ACCOUNT     VERIFIED  OBSERVATIONS  FIRST SEEN                   LAST SEEN              "
        "      DWELL\n"
        "corp\\bob    2         2             2026-03-01T10:05:00.000000Z  "
        "2026-03-01T10:06:00.000000Z  1m\n"
        "corp\\alice  1         3             2026-03-01T10:00:00.000000Z  "
        "2026-03-01T10:25:00.000001Z  25m1us\n"
        "\n"
        "TECHNIQUE  VERIFIED  OBSERVATIONS  FIRST SEEN                   LAST SEEN                "
        "    DWELL\n"
        "T1059.001  2         2             2026-03-01T10:00:00.000000Z  "
        "2026-03-01T10:05:00.000000Z  5m\n"
        "T1003      0         1             2026-03-01T10:25:00.000001Z  "
        "2026-03-01T10:25:00.000001Z  0s\n");

  auto json = c.run({"--json", "--tz", "Europe/Berlin", "case", "show", "IR-T"});
  auto j = nlohmann::json::parse(json.out).at("summary");
  CHECK(j.at("evidence").at("first_seen") == "2026-03-01T10:00:00.000000Z");
  CHECK(j.at("evidence").at("first_seen_local") == "2026-03-01T11:00:00.000000+01:00");
  CHECK(j.at("evidence").at("dwell") == "2h");
  CHECK(j.at("evidence").at("dwell_us") == 7200000000LL);
  CHECK(j.at("excluded") == 1);
  CHECK(j.at("hosts").at(0).at("host") == "ws1");
  CHECK(j.at("accounts").at(0).at("account") == "corp\\bob");
  CHECK(j.at("accounts").at(0).at("verified") == 2);
  CHECK(j.at("techniques").at(1).at("technique") == "T1003");
}

TEST_CASE("case show of a case without evidence says so", "[correlate]") {
  LoggedCase c("IR-0");
  auto r = c.run({"case", "show", "IR-0"});
  CHECK(r.out.substr(r.out.find("evidence")) == "evidence  none yet\n");
  auto j = nlohmann::json::parse(c.run({"--json", "case", "show", "IR-0"}).out);
  CHECK(j.at("summary").at("evidence").is_null());
  CHECK(j.at("summary").at("hosts").empty());
}

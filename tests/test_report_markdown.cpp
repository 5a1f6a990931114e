#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "tests/export_support.hpp"

using casetrail::test::HandCase;
using casetrail::test::check_golden;

namespace {

std::string section(const std::string& text, const std::string& heading, const std::string& next) {
  const auto begin = text.find(heading);
  REQUIRE(begin != std::string::npos);
  const auto end = text.find(next, begin + heading.size());
  REQUIRE(end != std::string::npos);
  return text.substr(begin, end - begin);
}

std::string report(const HandCase& c, std::vector<std::string> extra = {},
                   long long now = 1796036400000000LL /* 2026-11-30T11:00:00Z */) {
  std::vector<std::string> args = {"report", "--case", "IR-X", "--format", "md"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = c.run(args, now);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("the markdown report of the hand-built case is exactly its golden file", "[report]") {
  HandCase c;
  check_golden("report/IR-X.md", casetrail::test::without_uuids(report(c)));
}

TEST_CASE("the markdown report keeps verified findings and unverified leads apart", "[report]") {
  HandCase c;
  const auto md = report(c);
  const auto findings = section(md, "## Verified findings", "## Unverified leads");
  const auto leads = section(md, "## Unverified leads", "## Benign and false positive");
  const auto dismissed = section(md, "## Benign and false positive", "## Techniques in kill-chain order");
  CHECK(findings.find("| 2 | ") != std::string::npos);
  CHECK(findings.find("| 5 | ") != std::string::npos);
  CHECK(findings.find("| 3 | ") == std::string::npos);
  CHECK(findings.find("| 4 | ") == std::string::npos);
  CHECK(findings.find("`tester, 2026-11-30T10:00:00.000000Z: <i>seen</i> on the wire`") != std::string::npos);
  CHECK(leads.find("**Not verified.**") != std::string::npos);
  CHECK(leads.find("| 3 | ") != std::string::npos);
  CHECK(leads.find("| 4 | ") != std::string::npos);
  CHECK(leads.find("| 2 | ") == std::string::npos);
  CHECK(dismissed.find("| 6 | ") != std::string::npos);
  CHECK(dismissed.find("patching job (CHG-1)") != std::string::npos);
  // Recon (#5) comes before execution (#2) among the findings: kill-chain order.
  CHECK(findings.find("| 5 | ") < findings.find("| 2 | "));
}

TEST_CASE("the markdown report lists techniques under their tactics in kill-chain order", "[report]") {
  HandCase c;
  const auto md = report(c);
  const auto techniques = section(md, "## Techniques in kill-chain order", "## Hosts and accounts");
  const auto recon = techniques.find("### Reconnaissance (TA0043)");
  const auto execution = techniques.find("### Execution (TA0002)");
  REQUIRE(recon != std::string::npos);
  REQUIRE(execution != std::string::npos);
  CHECK(recon < execution);
  CHECK(techniques.find("T1591.002 Business Relationships") > recon);
  CHECK(techniques.find("T1059.001 PowerShell") > execution);
  CHECK(techniques.find("1 verified, 1 unverified") != std::string::npos);
}

TEST_CASE("report --since last lists only what was logged or changed after the previous report",
          "[report]") {
  HandCase c;
  const auto first = report(c, {"--since", "last"});
  CHECK(first.find("No report was issued for this case before: everything in this report is new.") !=
        std::string::npos);
  // After the first report: one new observation and one status change.
  c.ok({"log", "--case", "IR-X", "--time", "2026-11-30T09:30:00Z", "--host", "WS01", "--cmd",
        "whoami /all", "--source", "EDR"},
       1796037000000000LL);
  c.ok({"obs", "mark", "--case", "IR-X", "4", "verified", "--reason", "user confirmed the click"},
       1796037060000000LL);
  const auto second = report(c, {"--since", "last"}, 1796037600000000LL);
  const auto since = section(second, "## Since the last handoff", "## Integrity");
  CHECK(since.find("Logged or changed since the previous report, issued 2026-11-30T12:00:00.000000+01:00 by tester.") !=
        std::string::npos);
  const auto logged = section(since, "### Logged since", "### Changed since");
  CHECK(logged.find("| 7 | ") != std::string::npos);
  CHECK(logged.find("`whoami /all`") != std::string::npos);
  CHECK(logged.find("| 2 | ") == std::string::npos);
  CHECK(logged.find("| 4 | ") == std::string::npos);
  const auto changed = since.substr(since.find("### Changed since"));
  CHECK(changed.find("- #4: `") != std::string::npos);
  CHECK(changed.find("unverified -> verified (user confirmed the click)") != std::string::npos);
  CHECK(changed.find("#2") == std::string::npos);
  // The previous report shows in the header.
  CHECK(second.find("| Previous report | 2026-11-30T12:00:00.000000+01:00 by tester (md, 6 observations) |") !=
        std::string::npos);
}

TEST_CASE("report --since TIME lists what was logged or changed from that time", "[report]") {
  HandCase c;
  const auto md = report(c, {"--since", "2026-11-30T10:00:00Z"});
  const auto logged = section(md, "### Logged since", "### Changed since");
  // Everything was logged at the fixed clock, 10:00Z: all six.
  for (int n = 1; n <= 6; ++n) CHECK(logged.find("| " + std::to_string(n) + " | ") != std::string::npos);
  const auto later = report(c, {"--since", "2026-11-30T10:01:00Z"});
  CHECK(later.find("Nothing was logged since.") != std::string::npos);
}

TEST_CASE("report refuses a bad --since, --format or case, naming it", "[report]") {
  HandCase c;
  auto r = c.run({"report", "--case", "IR-X", "--format", "md", "--since", "lst"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("casetrail: error: invalid --since \"lst\": ", 0) == 0);
  r = c.run({"report", "--case", "IR-X", "--format", "pdf"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "casetrail: error: invalid --format \"pdf\": expected md or html\n");
  r = c.run({"report", "--case", "IR-NOPE", "--format", "md"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("IR-NOPE") != std::string::npos);
}

TEST_CASE("the markdown report shows a non-UTF-8 command line visibly and says so", "[report]") {
  HandCase c;
  const auto md = report(c);
  CHECK(md.find("`cmd.exe /c echo caf\\xe9 \\xff\\xfe` (not valid UTF-8") != std::string::npos);
}

TEST_CASE("the report says so when the hash chain does not verify", "[report]") {
  HandCase c;
  {
    // An edit behind the tool's back (the append-only trigger dropped first).
    SQLite::Database db(c.db, SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER observation_append_only_update");
    db.exec("UPDATE observation SET observed_text = '2026-11-30T08:42:11Z' WHERE number = 3");
  }
  const auto md = report(c);
  const auto integrity = md.substr(md.find("## Integrity"));
  CHECK(integrity.find("- Chain verification: FAILED: 1 problem (casetrail verify lists them); ") !=
        std::string::npos);
  CHECK(integrity.find("#3") != std::string::npos);
}

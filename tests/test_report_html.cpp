#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/export_support.hpp"

using casetrail::test::HandCase;
using casetrail::test::check_golden;

namespace {

std::string html_report(const HandCase& c) {
  const auto r = c.run({"report", "--case", "IR-X", "--format", "html"}, 1796036400000000LL);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the html report of the hand-built case is exactly its golden file", "[report]") {
  HandCase c;
  check_golden("report/IR-X.html", casetrail::test::without_uuids(html_report(c)));
}

TEST_CASE("the html report states the chain head that casetrail verify computes", "[report]") {
  HandCase c;
  const auto html = html_report(c);
  const auto verify = c.run({"--json", "verify", "--case", "IR-X"});
  REQUIRE(verify.exit_code == 0);
  const auto head = nlohmann::json::parse(verify.out).at("head").at("hash").get<std::string>();
  CHECK(html.find("<li>Hash-chain head: <code>" + head + "</code>.</li>") != std::string::npos);
  CHECK(html.find("<li>Chain verification: intact (10 links: 6 observations, 3 audit records, 0 import runs).</li>") !=
        std::string::npos);
}

TEST_CASE("the html report is self-contained: no script, nothing loaded from elsewhere", "[report]") {
  HandCase c;
  const auto html = html_report(c);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(html, "<script") == 0);
  for (const char* external : {"<link", "<img", "<iframe", "<object", "<embed", " src=", " href=",
                               "url(", "@import"}) {
    INFO(external);
    CHECK(count(html, external) == 0);
  }
  CHECK(count(html, "<style>") == 1);
  CHECK(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"") !=
        std::string::npos);
}

TEST_CASE("the html report escapes a hostile command line and the case's own texts", "[report]") {
  HandCase c;
  const auto html = html_report(c);
  CHECK(html.find("cmd.exe /c echo &lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("</svg><script>") == std::string::npos);
  // One picture: the hostile text did not close it early.
  CHECK(count(html, "<svg") == 1);
  CHECK(count(html, "</svg>") == 1);
  CHECK(html.find("<title>Handoff report: IR-X, Phishing to PowerShell &lt;b&gt;&amp;&lt;/b&gt;</title>") !=
        std::string::npos);
  CHECK(html.find("&lt;i&gt;seen&lt;/i&gt; on the wire") != std::string::npos);
  CHECK(html.find("=HYPERLINK(&quot;http://203.0.113.9/x&quot;,&quot;open&quot;)") != std::string::npos);
}

TEST_CASE("the html timeline picture has a lane per host and a mark per observation", "[report]") {
  HandCase c;
  const auto html = html_report(c);
  const auto svg = html.substr(html.find("<svg"), html.find("</svg>") - html.find("<svg"));
  // Lanes for the hosts with verified or unverified evidence (lx01 has only
  // benign evidence).
  CHECK(svg.find(">fs02</text>") != std::string::npos);
  CHECK(svg.find(">ws01</text>") != std::string::npos);
  CHECK(svg.find(">lx01</text>") == std::string::npos);
  CHECK(count(svg, "<circle") == 5);
  // Coloured by tactic: execution and reconnaissance, with a legend.
  CHECK(svg.find("fill=\"#ea580c\"") != std::string::npos);
  CHECK(svg.find(">Reconnaissance</text>") != std::string::npos);
  CHECK(svg.find(">Execution</text>") != std::string::npos);
  // The burst on ws01 (#1..#4 within 30 minutes) as a band.
  CHECK(count(svg, "class=\"burst\"") == 1);
  // The axis in the report's zone.
  CHECK(svg.find("time (Europe/Berlin, 2026-11-30)") != std::string::npos);
  CHECK(svg.find(">09:12:03</text>") != std::string::npos);
}

TEST_CASE("the html timeline aggregates a large case into counts", "[report]") {
  HandCase c;
  // 2,100 more observations from one jsonl file (more than the picture marks).
  std::string jsonl;
  for (int i = 0; i < 2100; ++i) {
    nlohmann::json r = {{"uuid", "00000000-0000-7000-8000-" + std::string(12 - std::to_string(i).size(), '0') + std::to_string(i)},
                        {"kind", "process"},
                        {"observed_at_us", 1796030000000000LL + i * 1000000LL},
                        {"observed_text", "t" + std::to_string(i)},
                        {"time_source", "EDR"},
                        {"host_observed", i % 2 ? "ws01" : "ws02"},
                        {"source", "EDR"},
                        {"image", "x.exe"},
                        {"command_line", "x.exe " + std::to_string(i)}};
    jsonl += r.dump() + "\n";
  }
  casetrail::test::write_file(c.dir / "many.jsonl", jsonl);
  c.ok({"import", "--case", "IR-X", (c.dir / "many.jsonl").string()});
  const auto html = html_report(c);
  const auto svg = html.substr(html.find("<svg"), html.find("</svg>") - html.find("<svg"));
  CHECK(count(svg, "<circle") == 0);
  CHECK(svg.find("counts per time slot") != std::string::npos);
  CHECK(svg.find(" observations (0 verified), mostly") != std::string::npos);
  CHECK(html.find("Showing 200 of 2103; all of them: casetrail export --case IR-X --status unverified") != std::string::npos);
}

// A real browser: headless Chromium (Debian's `chromium`, installed by
// scripts/setup) renders the HTML report of a case holding a hostile command
// line to a PNG screenshot and a PDF, and dumps the DOM it built. The DOM
// must hold the hostile text as text, and no script element. Skipped with a
// message when chromium is missing; under CI=true a missing chromium fails.

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "tests/export_support.hpp"

using casetrail::test::HandCase;

namespace {

std::optional<std::string> find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    for (const char* dir : {"/usr/bin", "/usr/local/bin", "/snap/bin"}) {
      const std::filesystem::path p = std::filesystem::path(dir) / name;
      if (std::filesystem::exists(p)) return p.string();
    }
  }
  return std::nullopt;
}

// Runs a shell command; returns its exit status and standard output.
std::pair<int, std::string> shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

TEST_CASE("headless chromium renders the html report, and the hostile command line stays text",
          "[report][browser]") {
  const auto chromium = find_chromium();
  if (!chromium) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") FAIL("chromium is missing (CI=true): run scripts/setup");
    WARN("chromium is missing: the real-browser check was skipped (scripts/setup installs it)");
    return;
  }
  HandCase c;
  const auto html = (c.dir / "report.html").string();
  c.ok({"report", "--case", "IR-X", "--format", "html", "-o", html});
  const auto png = (c.dir / "report.png").string();
  const auto pdf = (c.dir / "report.pdf").string();
  // A profile of its own and no network: nothing may be fetched anyway.
  const std::string common = quoted(*chromium) + " --headless --no-sandbox --disable-gpu " +
                             "--no-first-run --user-data-dir=" + quoted((c.dir / "profile").string()) +
                             " --host-resolver-rules='MAP * ~NOTFOUND' ";
  const std::string url = quoted("file://" + html);

  const auto [shot_status, shot_out] =
      shell(common + "--window-size=1280,2400 --screenshot=" + quoted(png) + " " + url + " 2>/dev/null");
  CHECK(shot_status == 0);
  REQUIRE(std::filesystem::exists(png));
  CHECK(casetrail::test::read_file(png).substr(0, 8) == "\x89PNG\r\n\x1a\n");
  CHECK(std::filesystem::file_size(png) > 10000);

  const auto [pdf_status, pdf_out] =
      shell(common + "--no-pdf-header-footer --print-to-pdf=" + quoted(pdf) + " " + url + " 2>/dev/null");
  CHECK(pdf_status == 0);
  REQUIRE(std::filesystem::exists(pdf));
  CHECK(casetrail::test::read_file(pdf).substr(0, 5) == "%PDF-");

  const auto [dom_status, dom] = shell(common + "--dump-dom " + url + " 2>/dev/null");
  CHECK(dom_status == 0);
  REQUIRE(dom.find("<html") != std::string::npos);
  // The hostile command line is a text node (serialised with &lt;), inside
  // the table, and built no element.
  CHECK(dom.find("cmd.exe /c echo &lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(dom.find("<script") == std::string::npos);
  CHECK(dom.find("alert(1)</script>") == std::string::npos);
  // The markup was not broken: one svg element, and the last section exists
  // after the evidence tables.
  std::size_t svgs = 0;
  for (auto at = dom.find("<svg"); at != std::string::npos; at = dom.find("<svg", at + 1)) ++svgs;
  CHECK(svgs == 1);
  const auto leads = dom.find("<h2 id=\"leads\">");
  const auto integrity = dom.find("<h2 id=\"integrity\">");
  REQUIRE(leads != std::string::npos);
  REQUIRE(integrity != std::string::npos);
  CHECK(leads < integrity);
}

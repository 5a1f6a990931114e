// The handoff report as one self-contained HTML file: inline CSS, no
// scripts, no external resources (images, fonts, links to stylesheets), an
// inline SVG timeline. Everything that comes from evidence or from people
// goes through escape() after display_text(): a command line holding
// `</svg><script>` shows as text and cannot end an element.
//
// The Content-Security-Policy meta element repeats the promise to the
// browser (https://www.w3.org/TR/CSP3/#meta-element): even if some markup
// got through, nothing would load or run.

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <date/tz.h>

#include "core/export/evidence_text.hpp"
#include "core/report/log_sources.hpp"
#include "core/report/render_util.hpp"
#include "core/report/report.hpp"

namespace casetrail::report {
namespace {

// HTML text and attribute values
// (https://html.spec.whatwg.org/multipage/parsing.html#escapingString): the
// five characters that can end text or an attribute.
std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Evidence or anything people typed: control bytes and invalid UTF-8 made
// visible, then escaped.
std::string ev(const std::string& raw) { return escape(exporting::display_text(raw)); }

std::string code(const std::string& raw) { return "<code>" + ev(raw) + "</code>"; }

// Colours by tactic shortname (the Enterprise matrix), chosen to stay apart
// on screen and in print; "none" (no technique) grey.
std::string tactic_colour(const std::string& shortname) {
  static const std::pair<const char*, const char*> colours[] = {
      {"reconnaissance", "#6b7280"},       {"resource-development", "#9ca3af"},
      {"initial-access", "#b91c1c"},       {"execution", "#ea580c"},
      {"persistence", "#ca8a04"},          {"privilege-escalation", "#65a30d"},
      {"defense-evasion", "#059669"},      {"credential-access", "#0891b2"},
      {"discovery", "#2563eb"},            {"lateral-movement", "#7c3aed"},
      {"collection", "#c026d3"},           {"command-and-control", "#db2777"},
      {"exfiltration", "#9f1239"},         {"impact", "#111827"},
  };
  for (const auto& [name, colour] : colours) {
    if (shortname == name) return colour;
  }
  return "#a3a3a3";
}

const char* k_css = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em;color:#111;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.6em 0 1em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#f3f4f6}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em;white-space:pre-wrap;word-break:break-all}
.warn{border-left:4px solid #b91c1c;background:#fef2f2;padding:.5em .8em}
.note{color:#555;font-style:italic}
.gap{color:#b91c1c;font-weight:bold}
.verified{color:#065f46;font-weight:bold}
pre{background:#f9fafb;border:1px solid #e5e7eb;padding:.5em;white-space:pre-wrap}
svg{max-width:100%;height:auto}
@media print{body{margin:0;font-size:10pt}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
)";

void table_head(std::ostringstream& out, const std::vector<std::string>& columns) {
  out << "<table><thead><tr>";
  for (const auto& c : columns) out << "<th>" << escape(c) << "</th>";
  out << "</tr></thead><tbody>\n";
}

std::string status_cell(const Row& r) {
  if (!r.status_change) return "-";
  const auto& s = *r.status_change;
  return ev(s.analyst) + ", " + escape(utc_time(s.at)) + (s.reason ? ": " + ev(*s.reason) : "");
}

std::string what_cell(const Row& r) {
  std::string cell = code(r.what);
  if (r.inexact) {
    cell += " <span class=\"note\">(not valid UTF-8: bytes shown as \\xNN; exact bytes in the "
            "csv/jsonl export)</span>";
  }
  return cell;
}

void rows_table(std::ostringstream& out, const ReportModel& m, const RowList& list, bool with_reason,
                bool with_status, const std::string& empty, const std::string& hint) {
  if (list.rows.empty()) {
    out << "<p>" << escape(empty) << "</p>\n";
    return;
  }
  std::vector<std::string> columns = {"#", "Time (" + m.zone_name + ")", "UTC", "Host", "Account",
                                      "Technique", "What", "Source"};
  if (with_status) columns.push_back("Status");
  if (with_reason) columns.push_back("Marked by, reason");
  table_head(out, columns);
  for (const auto& r : list.rows) {
    out << "<tr><td>" << r.number << "</td><td>" << escape(local_time(m, r.at)) << "</td><td>"
        << escape(utc_time(r.at)) << "</td><td>" << code(r.host) << "</td><td>"
        << (r.account ? code(*r.account) : "-") << "</td><td>" << ev(techniques_text(r))
        << "</td><td>" << what_cell(r) << "</td><td>"
        << ev(r.source + (r.source_ref ? " (" + *r.source_ref + ")" : "")) << "</td>";
    if (with_status) out << "<td>" << escape(status_text(r.status)) << "</td>";
    if (with_reason) out << "<td>" << status_cell(r) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
  const auto rest = rest_text(list, hint);
  if (!rest.empty()) out << "<p class=\"note\">" << escape(rest) << "</p>\n";
}

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

}  // namespace

std::string render_timeline_svg(const ReportModel& m) {
  const Timeline& p = m.picture;
  constexpr double k_left = 170;
  constexpr double k_width = 1000;
  constexpr double k_plot = k_width - k_left - 20;
  constexpr double k_lane = 24;
  constexpr double k_top = 10;
  const std::size_t lanes = std::max<std::size_t>(p.lanes.size(), 1);
  const double axis_y = k_top + k_lane * static_cast<double>(lanes);
  const double legend_y = axis_y + 42;
  const double height = legend_y + 24;
  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << k_width << " "
      << number_text(height) << "\" width=\"" << k_width << "\" height=\"" << number_text(height)
      << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  out << "<title>Timeline of verified and unverified evidence, one lane per host, times in "
      << escape(m.zone_name) << "</title>\n";
  if (!p.from || p.lanes.empty()) {
    out << "<text x=\"10\" y=\"20\">No verified or unverified evidence to draw.</text>\n</svg>";
    return out.str();
  }
  const auto from = p.from->time_since_epoch().count();
  const auto to = p.to->time_since_epoch().count();
  const double span = to > from ? static_cast<double>(to - from) : 1.0;
  auto x_of = [&](time::UtcTime t) {
    return k_left + (static_cast<double>(t.time_since_epoch().count() - from) / span) * k_plot;
  };
  // Lanes, with their host names.
  for (std::size_t i = 0; i < p.lanes.size(); ++i) {
    const double y = k_top + k_lane * static_cast<double>(i);
    out << "<rect x=\"" << k_left << "\" y=\"" << number_text(y) << "\" width=\"" << k_plot
        << "\" height=\"" << k_lane << "\" fill=\"" << (i % 2 ? "#ffffff" : "#f6f7f9") << "\"/>\n";
    out << "<text x=\"" << k_left - 6 << "\" y=\"" << number_text(y + k_lane / 2 + 4)
        << "\" text-anchor=\"end\">" << ev(exporting::display_text(p.lanes[i], 24)) << "</text>\n";
  }
  // Bursts as bands behind the marks.
  for (const auto& b : p.bands) {
    const double y = k_top + k_lane * static_cast<double>(b.lane);
    const double x = x_of(b.first);
    const double w = std::max(2.0, x_of(b.last) - x);
    out << "<rect class=\"burst\" x=\"" << number_text(x) << "\" y=\"" << number_text(y + 2)
        << "\" width=\"" << number_text(w) << "\" height=\"" << k_lane - 4
        << "\" fill=\"#fde68a\" fill-opacity=\"0.55\"><title>burst: " << b.count << " observations, "
        << escape(local_time(m, b.first)) << " to " << escape(local_time(m, b.last))
        << "</title></rect>\n";
  }
  if (!p.aggregated) {
    for (const auto& mark : p.marks) {
      const double y = k_top + k_lane * static_cast<double>(mark.lane) + k_lane / 2;
      const std::string colour = tactic_colour(mark.tactic);
      out << "<circle cx=\"" << number_text(x_of(mark.at)) << "\" cy=\"" << number_text(y)
          << "\" r=\"4\" fill=\"" << (mark.verified ? colour : "#ffffff") << "\" stroke=\"" << colour
          << "\" stroke-width=\"1.5\"><title>#" << mark.number << " "
          << escape(local_time(m, mark.at)) << " " << escape(tactic_name(m, mark.tactic))
          << (mark.verified ? " (verified)" : " (unverified)") << "</title></circle>\n";
    }
  } else {
    // Counts per lane and time slot: one cell each, coloured by its most
    // frequent tactic, darker with more evidence.
    std::int64_t most = 1;
    for (const auto& cell : p.cells) {
      std::int64_t n = 0;
      for (const auto& [tactic, count] : cell.by_tactic) n += count;
      most = std::max(most, n);
    }
    const double slot_width = k_plot / static_cast<double>(std::max<std::size_t>(p.slots, 1));
    for (const auto& cell : p.cells) {
      std::int64_t n = 0;
      std::string top;
      std::int64_t top_count = -1;
      for (const auto& [tactic, count] : cell.by_tactic) {
        n += count;
        if (count > top_count) {
          top = tactic;
          top_count = count;
        }
      }
      const double y = k_top + k_lane * static_cast<double>(cell.lane) + 3;
      const double opacity = 0.25 + 0.75 * static_cast<double>(n) / static_cast<double>(most);
      out << "<rect x=\"" << number_text(k_left + slot_width * static_cast<double>(cell.slot))
          << "\" y=\"" << number_text(y) << "\" width=\"" << number_text(std::max(1.0, slot_width - 0.5))
          << "\" height=\"" << k_lane - 6 << "\" fill=\"" << tactic_colour(top) << "\" fill-opacity=\""
          << number_text(opacity) << "\"><title>" << n << " observations (" << cell.verified
          << " verified), mostly " << escape(tactic_name(m, top)) << "</title></rect>\n";
    }
  }
  // Time axis in the report's zone: six ticks.
  out << "<line x1=\"" << k_left << "\" y1=\"" << number_text(axis_y) << "\" x2=\"" << k_left + k_plot
      << "\" y2=\"" << number_text(axis_y) << "\" stroke=\"#333\"/>\n";
  // Labels short enough not to collide: the time of day when the picture
  // spans one local date (the date then goes into the caption), else month,
  // day, hours and minutes.
  const std::string first_label = local_time(m, *p.from);
  const bool one_day = first_label.substr(0, 10) == local_time(m, *p.to).substr(0, 10);
  for (int i = 0; i <= 5; ++i) {
    const double x = k_left + k_plot * i / 5.0;
    const auto t = time::UtcTime(time::Micros(from + static_cast<std::int64_t>(span * i / 5.0)));
    const std::string full = local_time(m, t);
    const std::string label = one_day ? full.substr(11, 8) : full.substr(5, 11);
    out << "<line x1=\"" << number_text(x) << "\" y1=\"" << number_text(axis_y) << "\" x2=\""
        << number_text(x) << "\" y2=\"" << number_text(axis_y + 5) << "\" stroke=\"#333\"/>\n";
    out << "<text x=\"" << number_text(x) << "\" y=\"" << number_text(axis_y + 17)
        << "\" text-anchor=\"" << (i == 0 ? "start" : i == 5 ? "end" : "middle") << "\">"
        << escape(label) << "</text>\n";
  }
  out << "<text x=\"" << k_left << "\" y=\"" << number_text(axis_y + 32) << "\">time ("
      << escape(m.zone_name) << (one_day ? ", " + escape(first_label.substr(0, 10)) : std::string()) << ")" << (p.aggregated ? "; counts per time slot" : "")
      << "; filled: verified, hollow: unverified; yellow bands: bursts</text>\n";
  // Legend: the tactics present.
  double x = k_left;
  for (const auto& tactic : p.tactics) {
    const std::string name = tactic_name(m, tactic);
    out << "<rect x=\"" << number_text(x) << "\" y=\"" << number_text(legend_y) << "\" width=\"10\" "
        << "height=\"10\" fill=\"" << tactic_colour(tactic) << "\"/><text x=\"" << number_text(x + 14)
        << "\" y=\"" << number_text(legend_y + 9) << "\">" << escape(name) << "</text>\n";
    x += 24 + 6.2 * static_cast<double>(name.size());
  }
  out << "</svg>";
  return out.str();
}

std::string render_html(const ReportModel& m) {
  std::ostringstream out;
  const auto& c = m.case_record;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>Handoff report: " << ev(c.key) << ", " << ev(c.title) << "</title>\n"
      << "<style>" << k_css << "</style>\n</head>\n<body>\n";
  out << "<h1>Handoff report: " << ev(c.key) << ", " << ev(c.title) << "</h1>\n";

  out << "<table class=\"header\"><tbody>\n";
  auto header_row = [&](const std::string& name, const std::string& html) {
    out << "<tr><th>" << escape(name) << "</th><td>" << html << "</td></tr>\n";
  };
  header_row("Case", ev(c.key));
  header_row("Title", ev(c.title));
  header_row("Severity", escape(model::to_string(c.severity)));
  header_row("Status", escape(model::to_string(c.status)));
  header_row("Lead", c.lead ? ev(*c.lead) : "-");
  std::vector<std::string> analysts;
  for (const auto& a : m.analysts) analysts.push_back(a);
  header_row("Analysts", ev(join(analysts, 50)));
  header_row("Time zone", ev(m.zone_name) + " (times below in " + ev(m.zone_name) + ", with UTC beside)");
  if (m.first) {
    header_row("Period covered", escape(local_time(m, *m.first)) + " to " +
                                     escape(local_time(m, *m.last)) + " (UTC " +
                                     escape(utc_time(*m.first)) + " to " + escape(utc_time(*m.last)) + ")");
  } else {
    header_row("Period covered", "no evidence yet");
  }
  header_row("ATT&CK release", m.attack_release ? ev(*m.attack_release) : "none imported");
  header_row("Issued", escape(local_time(m, m.issued_at)) + " by " + ev(m.issued_by));
  if (m.previous) {
    header_row("Previous report", escape(local_time(m, m.previous->issued_at)) + " by " +
                                      ev(m.previous->issued_by) + " (" + escape(m.previous->format) +
                                      ", " + std::to_string(m.previous->mark.observations) +
                                      " observations)");
  } else {
    header_row("Previous report", "none");
  }
  out << "</tbody></table>\n";

  out << "<h2>Summary</h2>\n<ul>\n";
  std::size_t technique_count = 0;
  for (const auto& g : m.kill_chain) technique_count += g.techniques.size();
  out << "<li>" << escape(counts_text(m)) << ".</li>\n";
  out << "<li>" << technique_count << " technique" << (technique_count == 1 ? "" : "s") << ", "
      << m.hosts.size() << " host" << (m.hosts.size() == 1 ? "" : "s") << ", " << m.accounts.size()
      << " account" << (m.accounts.size() == 1 ? "" : "s")
      << " with verified or unverified evidence.</li>\n";
  out << "<li>Verified findings and unverified leads are kept apart below: act on the findings; "
         "verify the leads before acting on them.</li>\n</ul>\n";

  out << "<h2 id=\"timeline-picture\">Timeline picture</h2>\n" << render_timeline_svg(m) << "\n";

  out << "<h2 id=\"findings\">Verified findings</h2>\n"
      << "<p>Verified evidence in kill-chain order, with who verified it and why.</p>\n";
  rows_table(out, m, m.findings, true, false, "No verified findings yet.",
             "casetrail export --case " + c.key + " --status verified");

  out << "<h2 id=\"leads\">Unverified leads</h2>\n"
      << "<p class=\"warn\"><strong>Not verified.</strong> These are leads, not findings: do not act "
         "on them (block, eradicate, report) until they are verified; verify or dismiss them "
         "first.</p>\n";
  rows_table(out, m, m.leads, false, false, "No unverified leads.",
             "casetrail export --case " + c.key + " --status unverified");

  out << "<h2 id=\"dismissed\">Benign and false positive</h2>\n"
      << "<p>Evidence set aside, with the reasons given.</p>\n";
  rows_table(out, m, m.dismissed, true, true, "Nothing was marked benign or false positive.",
             "casetrail export --case " + c.key + " --status benign (and --status false-positive)");

  out << "<h2 id=\"techniques\">Techniques in kill-chain order</h2>\n";
  if (m.kill_chain.empty()) out << "<p>No techniques recorded.</p>\n";
  for (const auto& g : m.kill_chain) {
    out << "<h3>" << (g.tactic ? ev(g.tactic->name) + " (" + ev(g.tactic->id) + ")" : "Tactic unknown")
        << "</h3>\n";
    table_head(out, {"Technique", "Evidence", "Hosts", "Accounts", "First seen", "Last seen",
                     "Log sources ATT&CK names", "Sources the evidence came from"});
    for (const auto& t : g.techniques) {
      std::string name = ev(t.id);
      if (t.name) name += " " + ev(*t.name);
      if (t.tactics.size() > 1) {
        std::vector<std::string> names;
        for (const auto& s : t.tactics) names.push_back(tactic_name(m, s));
        name += " (tactics: " + ev(join(names)) + ")";
      }
      if (!t.in_catalogue) name += " <span class=\"note\">(not in the imported catalogue)</span>";
      std::vector<std::string> recommended;
      for (const auto& ls : t.recommended) recommended.push_back(describe(ls));
      std::string sources = ev(join(t.sources_used));
      if (t.gap()) {
        sources += " <span class=\"gap\">GAP: none of the log sources ATT&amp;CK names was used</span>";
      } else if (!t.matched.empty()) {
        sources += " (matches: " + ev(join(t.matched)) + ")";
      }
      out << "<tr><td>" << name << "</td><td>" << t.verified << " verified, " << t.unverified
          << " unverified" << (t.dismissed ? ", " + std::to_string(t.dismissed) + " dismissed" : "")
          << "</td><td>" << ev(join(t.hosts)) << "</td><td>" << ev(join(t.accounts)) << "</td><td>"
          << (t.first ? escape(local_time(m, *t.first)) : "-") << "</td><td>"
          << (t.last ? escape(local_time(m, *t.last)) : "-") << "</td><td>"
          << (recommended.empty() ? std::string("none named") : ev(join(recommended, 20)))
          << "</td><td>" << sources << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }

  out << "<h2 id=\"entities\">Hosts and accounts</h2>\n";
  if (m.entities_note) out << "<p class=\"note\">" << ev(*m.entities_note) << ".</p>\n";
  for (const auto* list : {&m.hosts, &m.accounts}) {
    const bool is_hosts = list == &m.hosts;
    out << "<h3>" << (is_hosts ? "Hosts" : "Accounts") << "</h3>\n";
    if (list->empty()) {
      out << "<p>None.</p>\n";
      continue;
    }
    table_head(out, {is_hosts ? "Host" : "Account", "First seen", "Last seen", "Dwell time",
                     "Evidence", "Techniques"});
    for (const auto& e : *list) {
      out << "<tr><td>" << code(e.key) << "</td><td>"
          << (e.first ? escape(local_time(m, *e.first)) : "n/a") << "</td><td>"
          << (e.last ? escape(local_time(m, *e.last)) : "n/a") << "</td><td>"
          << (e.first && e.last ? escape(time::format_duration(*e.last - *e.first)) : "n/a")
          << "</td><td>" << e.verified << " verified of " << e.observations << "</td><td>"
          << ev(join(e.techniques)) << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }

  out << "<h2 id=\"timeline\">Timeline of verified evidence</h2>\n";
  if (m.timeline.rows.empty()) {
    out << "<p>No verified evidence yet.</p>\n";
  } else {
    table_head(out, {"Time (" + m.zone_name + ")", "UTC", "Host", "Account", "Command line / what",
                     "Technique", "#"});
    for (const auto& r : m.timeline.rows) {
      out << "<tr><td>" << escape(local_time(m, r.at)) << "</td><td>" << escape(utc_time(r.at))
          << "</td><td>" << code(r.host) << "</td><td>" << (r.account ? code(*r.account) : "-")
          << "</td><td>" << what_cell(r) << "</td><td>" << ev(techniques_text(r)) << "</td><td>"
          << r.number << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
    const auto rest = rest_text(m.timeline, "casetrail export --case " + c.key + " --status verified");
    if (!rest.empty()) out << "<p class=\"note\">" << escape(rest) << "</p>\n";
  }
  if (m.picture.bands_note) out << "<p class=\"note\">" << ev(*m.picture.bands_note) << ".</p>\n";

  out << "<h2 id=\"trees\">Process trees of key executions</h2>\n";
  if (m.trees.empty()) {
    out << "<p class=\"note\">" << ev(m.trees_note.value_or("no verified process executions to show"))
        << ".</p>\n";
  }
  for (const auto& tree : m.trees) {
    out << "<h3>" << ev(tree.title) << "</h3>\n<pre>";
    for (const auto& line : tree.lines) {
      out << std::string(static_cast<std::size_t>(line.depth) * 2, ' ') << (line.anchor ? "&gt; " : "- ")
          << (line.anchor ? "<strong>" : "") << ev(line.text) << (line.anchor ? "</strong>" : "")
          << "\n";
    }
    out << "</pre>\n";
  }

  out << "<h2 id=\"since\">Since the last handoff</h2>\n";
  if (!m.since.requested) {
    out << "<p>This report covers the whole case (no --since); <code>casetrail report --since "
           "last</code> lists only what was logged or changed after the previous report.</p>\n";
  } else if (m.since.first_report) {
    out << "<p>No report was issued for this case before: everything in this report is new.</p>\n";
  } else {
    out << "<p>Logged or changed since " << ev(*m.since.what) << ".</p>\n<h3>Logged since</h3>\n";
    rows_table(out, m, m.since.logged, false, true, "Nothing was logged since.",
               "casetrail export --case " + c.key);
    out << "<h3>Changed since</h3>\n";
    if (m.since.changes.empty()) {
      out << "<p>Nothing was changed since.</p>\n";
    } else {
      out << "<ul>\n";
      for (const auto& ch : m.since.changes) {
        out << "<li>" << (ch.number ? "#" + std::to_string(*ch.number) : std::string("case")) << ": "
            << code(change_text(ch.entry)) << "</li>\n";
      }
      if (m.since.changes_total > static_cast<std::int64_t>(m.since.changes.size())) {
        out << "<li>and " << (m.since.changes_total - static_cast<std::int64_t>(m.since.changes.size()))
            << " more changes (casetrail obs show lists each observation's history)</li>\n";
      }
      out << "</ul>\n";
    }
  }

  out << "<h2 id=\"integrity\">Integrity</h2>\n<ul>\n";
  out << "<li>Evidence: " << m.integrity.observations << " observations, "
      << m.integrity.audit_records << " audit records.</li>\n";
  if (m.integrity.chain_head) out << "<li>Hash-chain head: " << code(*m.integrity.chain_head) << ".</li>\n";
  out << "<li>Chain verification: "
      << (m.integrity.verify_result.rfind("FAILED", 0) == 0 ? "<span class=\"gap\">" + ev(m.integrity.verify_result) + "</span>"
                                                             : ev(m.integrity.verify_result))
      << ".</li>\n";
  out << "</ul>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace casetrail::report

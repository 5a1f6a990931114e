// The handoff report as Markdown (CommonMark with GitHub's tables,
// https://github.github.com/gfm/). Everything that comes from evidence or
// from people (command lines, hosts, accounts, notes, reasons) is written as
// a code span, where no Markdown or HTML is interpreted; the few other texts
// that people typed (title, names) are backslash-escaped.

#include <algorithm>
#include <sstream>

#include "core/export/evidence_text.hpp"
#include "core/report/log_sources.hpp"
#include "core/report/render_util.hpp"
#include "core/report/report.hpp"

namespace casetrail::report {
namespace {

// A code span holding `text` (already display text: no line breaks), with
// a backtick fence longer than any backtick run inside
// (https://spec.commonmark.org/0.30/#code-spans). In a table cell a pipe
// must be escaped even there (GFM strips the backslash).
std::string code(const std::string& raw, bool in_table = true) {
  std::string text = exporting::display_text(raw);
  if (text.empty()) return "";
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = text.front() == '`' || text.back() == '`' || text.front() == ' ';
  std::string body;
  for (char c : text) {
    if (in_table && c == '|') body += '\\';
    body += c;
  }
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

// Plain text people typed, with every character Markdown could read as
// markup inside a line backslash-escaped
// (https://spec.commonmark.org/0.30/#backslash-escapes): emphasis, code,
// links, raw HTML, entities, table pipes, strikethrough. Characters that are
// markup only at the start of a line (- + . # !) are left alone: this text
// never starts one (it follows a heading marker or a table pipe), and times
// and names stay readable in the raw file.
std::string text(const std::string& raw) {
  const std::string display = exporting::display_text(raw);
  std::string out;
  for (char c : display) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']':
      case '<': case '>': case '|': case '~': case '&':
        out += '\\';
        [[fallthrough]];
      default: out += c;
    }
  }
  return out;
}

std::string row_status(const Row& r) {
  if (!r.status_change) return "";
  return r.status_change->analyst + ", " + utc_time(r.status_change->at) +
         (r.status_change->reason ? ": " + *r.status_change->reason : "");
}

std::string what_cell(const Row& r) {
  std::string cell = code(r.what);
  if (r.inexact) cell += " (not valid UTF-8: bytes shown as \\xNN; exact bytes in the csv/jsonl export)";
  return cell;
}

void table_header(std::ostringstream& out, const std::vector<std::string>& columns) {
  out << "|";
  for (const auto& c : columns) out << " " << c << " |";
  out << "\n|";
  for (std::size_t i = 0; i < columns.size(); ++i) out << "---|";
  out << "\n";
}

void rows_table(std::ostringstream& out, const ReportModel& m, const RowList& list, bool with_reason,
                bool with_status, const std::string& empty, const std::string& hint) {
  if (list.rows.empty()) {
    out << empty << "\n\n";
    return;
  }
  std::vector<std::string> columns = {"#", "Time (" + m.zone_name + ")", "UTC", "Host", "Account",
                                      "Technique", "What", "Source"};
  if (with_status) columns.push_back("Status");
  if (with_reason) columns.push_back("Marked by, reason");
  table_header(out, columns);
  for (const auto& r : list.rows) {
    out << "| " << r.number << " | " << local_time(m, r.at) << " | " << utc_time(r.at) << " | "
        << code(r.host) << " | " << (r.account ? code(*r.account) : "-") << " | "
        << code(techniques_text(r)) << " | " << what_cell(r) << " | "
        << code(r.source + (r.source_ref ? " (" + *r.source_ref + ")" : "")) << " |";
    if (with_status) out << " " << status_text(r.status) << " |";
    if (with_reason) out << " " << (r.status_change ? code(row_status(r)) : "-") << " |";
    out << "\n";
  }
  const auto rest = rest_text(list, hint);
  out << "\n" << (rest.empty() ? "" : rest + "\n\n");
}

}  // namespace

std::string render_markdown(const ReportModel& m) {
  std::ostringstream out;
  const auto& c = m.case_record;
  out << "# Handoff report: " << text(c.key) << ", " << text(c.title) << "\n\n";
  table_header(out, {"Case", text(c.key)});
  out << "| Title | " << text(c.title) << " |\n";
  out << "| Severity | " << model::to_string(c.severity) << " |\n";
  out << "| Status | " << model::to_string(c.status) << " |\n";
  out << "| Lead | " << (c.lead ? text(*c.lead) : "-") << " |\n";
  std::vector<std::string> analysts;
  for (const auto& a : m.analysts) analysts.push_back(text(a));
  out << "| Analysts | " << join(analysts, 50) << " |\n";
  out << "| Time zone | " << text(m.zone_name) << " (times below in " << text(m.zone_name)
      << ", with UTC beside) |\n";
  if (m.first) {
    out << "| Period covered | " << local_time(m, *m.first) << " to " << local_time(m, *m.last)
        << " (UTC " << utc_time(*m.first) << " to " << utc_time(*m.last) << ") |\n";
  } else {
    out << "| Period covered | no evidence yet |\n";
  }
  out << "| ATT&CK release | " << (m.attack_release ? text(*m.attack_release) : "none imported")
      << " |\n";
  out << "| Issued | " << local_time(m, m.issued_at) << " by " << text(m.issued_by) << " |\n";
  if (m.previous) {
    out << "| Previous report | " << local_time(m, m.previous->issued_at) << " by "
        << text(m.previous->issued_by) << " (" << m.previous->format << ", "
        << m.previous->mark.observations << " observations) |\n";
  } else {
    out << "| Previous report | none |\n";
  }
  out << "\n## Summary\n\n";
  std::size_t technique_count = 0;
  for (const auto& g : m.kill_chain) technique_count += g.techniques.size();
  out << "- " << counts_text(m) << ".\n";
  out << "- " << technique_count << " technique" << (technique_count == 1 ? "" : "s") << ", "
      << m.hosts.size() << " host" << (m.hosts.size() == 1 ? "" : "s") << ", " << m.accounts.size()
      << " account" << (m.accounts.size() == 1 ? "" : "s") << " with verified or unverified evidence.\n";
  out << "- Verified findings and unverified leads are kept apart below: act on the findings; "
         "verify the leads before acting on them.\n\n";

  out << "## Verified findings\n\n";
  out << "Verified evidence in kill-chain order, with who verified it and why.\n\n";
  rows_table(out, m, m.findings, true, false, "No verified findings yet.",
             "`casetrail export --case " + c.key + " --status verified`");

  out << "## Unverified leads\n\n";
  out << "> **Not verified.** These are leads, not findings: do not act on them (block, "
         "eradicate, report) until they are verified; verify or dismiss them first.\n\n";
  rows_table(out, m, m.leads, false, false, "No unverified leads.",
             "`casetrail export --case " + c.key + " --status unverified`");

  out << "## Benign and false positive\n\n";
  out << "Evidence set aside, with the reasons given.\n\n";
  rows_table(out, m, m.dismissed, true, true, "Nothing was marked benign or false positive.",
             "`casetrail export --case " + c.key + " --status benign` and `--status false-positive`");

  out << "## Techniques in kill-chain order\n\n";
  if (m.kill_chain.empty()) out << "No techniques recorded.\n\n";
  for (const auto& g : m.kill_chain) {
    out << "### " << (g.tactic ? text(g.tactic->name) + " (" + g.tactic->id + ")" : "Tactic unknown")
        << "\n\n";
    table_header(out, {"Technique", "Evidence", "Hosts", "Accounts", "First seen", "Last seen",
                       "Log sources ATT&CK names", "Sources the evidence came from"});
    for (const auto& t : g.techniques) {
      std::string name = t.id;
      if (t.name) name.append(" ").append(text(*t.name));
      if (t.tactics.size() > 1) {
        std::vector<std::string> names;
        for (const auto& s : t.tactics) names.push_back(tactic_name(m, s));
        name += " (tactics: " + join(names) + ")";
      }
      if (!t.in_catalogue) name += " (not in the imported catalogue)";
      std::vector<std::string> recommended;
      for (const auto& ls : t.recommended) recommended.push_back(describe(ls));
      std::vector<std::string> hosts, accounts, used;
      for (const auto& h : t.hosts) hosts.push_back(code(h));
      for (const auto& a : t.accounts) accounts.push_back(code(a));
      for (const auto& s : t.sources_used) used.push_back(code(s));
      std::string sources = join(used);
      if (t.gap()) {
        sources += " **GAP: none of the log sources ATT&CK names was used**";
      } else if (!t.matched.empty()) {
        sources += " (matches: " + text(join(t.matched)) + ")";
      }
      out << "| " << name << " | " << t.verified << " verified, " << t.unverified << " unverified"
          << (t.dismissed ? ", " + std::to_string(t.dismissed) + " dismissed" : "") << " | "
          << join(hosts) << " | " << join(accounts) << " | "
          << (t.first ? local_time(m, *t.first) : "-") << " | "
          << (t.last ? local_time(m, *t.last) : "-") << " | "
          << (recommended.empty() ? std::string("none named") : text(join(recommended, 20))) << " | "
          << sources << " |\n";
    }
    out << "\n";
  }

  out << "## Hosts and accounts\n\n";
  if (m.entities_note) out << "*" << text(*m.entities_note) << ".*\n\n";
  for (const auto* list : {&m.hosts, &m.accounts}) {
    const bool is_hosts = list == &m.hosts;
    out << "### " << (is_hosts ? "Hosts" : "Accounts") << "\n\n";
    if (list->empty()) {
      out << "None.\n\n";
      continue;
    }
    table_header(out, {is_hosts ? "Host" : "Account", "First seen", "Last seen", "Dwell time",
                       "Evidence", "Techniques"});
    for (const auto& e : *list) {
      out << "| " << code(e.key) << " | " << (e.first ? local_time(m, *e.first) : "n/a") << " | "
          << (e.last ? local_time(m, *e.last) : "n/a") << " | "
          << (e.first && e.last ? time::format_duration(*e.last - *e.first) : "n/a") << " | "
          << e.verified << " verified of " << e.observations << " | " << join(e.techniques) << " |\n";
    }
    out << "\n";
  }

  out << "## Timeline of verified evidence\n\n";
  if (m.timeline.rows.empty()) {
    out << "No verified evidence yet.\n\n";
  } else {
    table_header(out, {"Time (" + m.zone_name + ")", "UTC", "Host", "Account", "Command line / what",
                       "Technique", "#"});
    for (const auto& r : m.timeline.rows) {
      out << "| " << local_time(m, r.at) << " | " << utc_time(r.at) << " | " << code(r.host) << " | "
          << (r.account ? code(*r.account) : "-") << " | " << what_cell(r) << " | "
          << code(techniques_text(r)) << " | " << r.number << " |\n";
    }
    const auto rest = rest_text(m.timeline, "`casetrail export --case " + c.key + " --status verified`");
    out << "\n" << (rest.empty() ? "" : rest + "\n\n");
  }
  if (m.picture.bands_note) out << "*" << text(*m.picture.bands_note) << ".*\n\n";

  out << "## Process trees of key executions\n\n";
  if (m.trees.empty()) {
    out << "*" << text(m.trees_note.value_or("no verified process executions to show")) << ".*\n\n";
  }
  for (const auto& tree : m.trees) {
    out << "### " << text(tree.title) << "\n\n```text\n";
    for (const auto& line : tree.lines) {
      // Inside a fence nothing is markup; only a line that could close the
      // fence matters, and display text has no line breaks.
      out << std::string(static_cast<std::size_t>(line.depth) * 2, ' ') << (line.anchor ? "> " : "- ")
          << exporting::display_text(line.text) << "\n";
    }
    out << "```\n\n";
  }

  out << "## Since the last handoff\n\n";
  if (!m.since.requested) {
    out << "This report covers the whole case (no `--since`); `casetrail report --since last` "
           "lists only what was logged or changed after the previous report.\n\n";
  } else if (m.since.first_report) {
    out << "No report was issued for this case before: everything in this report is new.\n\n";
  } else {
    out << "Logged or changed since " << text(*m.since.what) << ".\n\n";
    out << "### Logged since\n\n";
    rows_table(out, m, m.since.logged, false, true, "Nothing was logged since.",
               "`casetrail export --case " + c.key + "`");
    out << "### Changed since\n\n";
    if (m.since.changes.empty()) out << "Nothing was changed since.\n\n";
    for (const auto& ch : m.since.changes) {
      out << "- ";
      if (ch.number) {
        out << "#" << *ch.number;
      } else {
        out << "case";
      }
      out << ": "
          << code(change_text(ch.entry), false) << "\n";
    }
    if (m.since.changes_total > static_cast<std::int64_t>(m.since.changes.size())) {
      out << "- and " << (m.since.changes_total - static_cast<std::int64_t>(m.since.changes.size()))
          << " more changes (`casetrail obs show` lists each observation's history)\n";
    }
    out << "\n";
  }

  out << "## Integrity\n\n";
  out << "- Evidence: " << m.integrity.observations << " observations, "
      << m.integrity.audit_records << " audit records.\n";
  if (m.integrity.chain_head) out << "- Hash-chain head: `" << *m.integrity.chain_head << "`.\n";
  out << "- Chain verification: " << text(m.integrity.verify_result) << ".\n";
  out << "\n";
  return out.str();
}

}  // namespace casetrail::report

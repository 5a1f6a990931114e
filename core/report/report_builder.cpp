#include <algorithm>
#include <unordered_map>

#include <date/tz.h>

#include "core/attack/catalogue.hpp"
#include "core/correlate/bursts.hpp"
#include "core/correlate/process_tree.hpp"
#include "core/error.hpp"
#include "core/integrity/chain.hpp"
#include "core/integrity/verify.hpp"
#include "core/evidence/evidence.hpp"
#include "core/export/evidence_text.hpp"
#include "core/report/log_sources.hpp"
#include "core/report/report.hpp"
#include "core/store/attack_store.hpp"
#include "core/store/case_store.hpp"
#include "core/store/export_store.hpp"
#include "core/store/observation_store.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::report {
namespace {

std::size_t status_index(model::Status s) { return static_cast<std::size_t>(s); }

bool is_evidence(model::Status s) {
  return s == model::Status::verified || s == model::Status::unverified;
}

// The tactic a mark is coloured by: the first tactic (matrix order) of the
// observation's first technique that has one.
std::string mark_tactic(const model::ObservationRecord& r) {
  for (const auto& t : r.techniques) {
    if (!t.tactics.empty()) return t.tactics.front();
  }
  return "none";
}

std::string local_time_text(const date::time_zone* zone, time::UtcTime t) {
  return zone ? time::format_in_zone(t, zone) : time::format_utc(t);
}

struct HostPicture {
  std::int64_t count = 0;
  std::vector<TimelineMark> marks;
  std::map<std::size_t, TimelineCell> cells;
};

}  // namespace

std::string_view to_string(ReportFormat f) { return f == ReportFormat::md ? "md" : "html"; }

ReportFormat parse_format(std::string_view text) {
  if (text == "md") return ReportFormat::md;
  if (text == "html") return ReportFormat::html;
  throw invalid_value("--format", text, "expected md or html");
}

ReportModel gather(const store::Database& db, const model::CaseRecord& c, ReportFormat format,
                   const std::optional<std::string>& since, const date::time_zone* zone,
                   const std::string& analyst, time::UtcTime now) {
  ReportModel m;
  m.format = format;
  m.case_record = c;
  m.zone = zone;
  m.zone_name = zone ? std::string(zone->name()) : std::string("UTC");
  m.analysts = store::case_analysts(db, c.id);
  m.attack_release = store::attack_release_label(db);
  m.issued_at = now;
  m.issued_by = analyst;
  m.previous = store::last_report_issue(db, c.id);
  m.mark = store::case_mark(db, c.id);

  // What "since" means: after the previous report's mark, or from a time.
  std::optional<std::int64_t> after_observation;
  std::optional<time::UtcTime> logged_from;
  store::ChangeFilter changes;
  if (since) {
    m.since.requested = true;
    if (*since == "last") {
      if (m.previous) {
        after_observation = m.previous->mark.last_observation_id;
        changes.after_audit_id = m.previous->mark.last_audit_id;
        m.since.what = "the previous report, issued " +
                       (zone ? time::format_in_zone(m.previous->issued_at, zone)
                             : time::format_utc(m.previous->issued_at)) +
                       " by " + m.previous->issued_by;
      } else {
        m.since.first_report = true;
      }
    } else {
      time::ParseOptions options;
      options.zone = zone;
      auto t = time::parse_time(*since, options);
      if (!t) throw invalid_value("--since", *since, t.error());
      logged_from = t->utc;
      changes.from = t->utc;
      m.since.what = zone ? time::format_in_zone(t->utc, zone) : time::format_utc(t->utc);
    }
  }

  // The picture's frame: the case's whole span, so that slots are fixed
  // before the pass.
  const auto span = store::case_time_span(db, c.id);
  m.picture.aggregated = m.mark.observations > k_max_marks;
  m.picture.slots = m.picture.aggregated ? 160 : 0;
  if (span) {
    m.picture.from = span->first;
    m.picture.to = span->second;
  }
  auto slot_of = [&](time::UtcTime t) -> std::size_t {
    const auto width = (span->second - span->first).count();
    if (width <= 0) return 0;
    const auto offset = (t - span->first).count();
    return std::min<std::size_t>(m.picture.slots - 1,
                                 static_cast<std::size_t>(static_cast<double>(offset) /
                                                          static_cast<double>(width) *
                                                          static_cast<double>(m.picture.slots)));
  };

  std::map<std::string, TechniqueSummary> techniques;
  std::map<std::string, Entity> hosts;
  std::map<std::string, Entity> accounts;
  std::unordered_map<std::string, HostPicture> pictures;
  std::set<std::string> tactics_seen;
  store::HistoryReader history(db, c.id);

  auto make_row = [&](const model::ObservationRecord& r) {
    Row row;
    row.number = r.number;
    row.at = r.observed_at;
    row.kind = r.kind;
    row.status = r.status;
    row.host = r.host;
    row.account = r.account;
    row.what = exporting::what_text(r, k_what_limit);
    row.inexact = r.process && r.process->command_line &&
                  exporting::needs_exact_twin(*r.process->command_line);
    for (const auto& t : r.techniques) row.techniques.push_back({t.id, t.name});
    row.source = r.source;
    row.source_ref = r.source_ref;
    row.note = r.note;
    if (r.status != model::Status::unverified) {
      const auto& entries = history.read(r.id);
      for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        if (it->action == "status") {
          row.status_change = *it;
          break;
        }
      }
    }
    return row;
  };
  auto keep = [&](RowList& list, std::size_t cap, const model::ObservationRecord& r) {
    ++list.total;
    if (list.rows.size() < cap) list.rows.push_back(make_row(r));
  };

  store::ObservationFilter everything;
  everything.raw = false;  // the report never shows the verbatim source record
  store::for_each_observation(db, c.id, everything, [&](const model::ObservationRecord& r) {
    ++m.observations;
    ++m.by_status[status_index(r.status)];
    if (!m.first) m.first = r.observed_at;
    m.last = r.observed_at;
    const bool evidence = is_evidence(r.status);

    for (const auto& t : r.techniques) {
      TechniqueSummary& s = techniques[t.id];
      s.id = t.id;
      if (!s.name && t.name) s.name = t.name;
      if (s.tactics.empty()) s.tactics = t.tactics;
      s.sources_used.insert(r.source);
      if (r.status == model::Status::verified) ++s.verified;
      if (r.status == model::Status::unverified) ++s.unverified;
      if (!evidence) ++s.dismissed;
      if (evidence) {
        s.hosts.insert(r.host);
        if (r.account) s.accounts.insert(*r.account);
        if (!s.first) s.first = r.observed_at;
        s.last = r.observed_at;
      }
    }
    if (evidence) {
      auto add = [&](std::map<std::string, Entity>& map, const std::string& key) {
        Entity& e = map[key];
        e.key = key;
        ++e.observations;
        if (!e.first) e.first = r.observed_at;
        e.last = r.observed_at;
        if (r.status == model::Status::verified) ++e.verified;
        for (const auto& t : r.techniques) e.techniques.insert(t.id);
      };
      add(hosts, r.host);
      if (r.account) add(accounts, *r.account);

      HostPicture& p = pictures[r.host];
      ++p.count;
      const std::string tactic = mark_tactic(r);
      tactics_seen.insert(tactic);
      if (m.picture.aggregated) {
        TimelineCell& cell = p.cells[slot_of(r.observed_at)];
        ++cell.by_tactic[tactic];
        if (r.status == model::Status::verified) ++cell.verified;
      } else {
        p.marks.push_back({r.observed_at, 0, tactic, r.status == model::Status::verified, r.number});
      }
    }

    switch (r.status) {
      case model::Status::verified:
        keep(m.findings, k_max_findings, r);
        keep(m.timeline, k_max_timeline, r);
        break;
      case model::Status::unverified: keep(m.leads, k_max_leads, r); break;
      default: keep(m.dismissed, k_max_dismissed, r); break;
    }
    if (m.since.requested && ((after_observation && r.id > *after_observation) ||
                              (logged_from && r.logged_at >= *logged_from))) {
      keep(m.since.logged, k_max_since, r);
    }
  });

  // Techniques: what ATT&CK recommends watching, against what was used.
  const auto tactics = attack::tactics_in_order(db);
  auto tactic_order = [&](const std::string& shortname) {
    for (const auto& t : tactics) {
      if (t.shortname == shortname) return t.order;
    }
    return 1000;
  };
  for (auto& [id, s] : techniques) {
    if (auto details = store::find_attack_technique(db, id)) {
      s.in_catalogue = true;
      if (!s.name) s.name = details->technique.name;
      if (s.tactics.empty()) s.tactics = details->technique.tactics;
      // One entry per distinct log source (v18 lists one per analytic).
      for (const auto& ls : details->technique.log_sources) {
        if (std::find(s.recommended.begin(), s.recommended.end(), ls) == s.recommended.end()) {
          s.recommended.push_back(ls);
        }
      }
    }
    for (const auto& ls : s.recommended) {
      for (const auto& used : s.sources_used) {
        if (source_matches(used, ls)) {
          const auto text = describe(ls);
          if (std::find(s.matched.begin(), s.matched.end(), text) == s.matched.end()) {
            s.matched.push_back(text);
          }
        }
      }
    }
  }
  // Kill-chain order: each technique under its first tactic in matrix order.
  std::map<int, TacticGroup> groups;
  for (auto& [id, s] : techniques) {
    int order = 1000;
    for (const auto& t : s.tactics) order = std::min(order, tactic_order(t));
    TacticGroup& g = groups[order];
    if (!g.tactic && order != 1000) {
      for (const auto& t : tactics) {
        if (t.order == order) g.tactic = t;
      }
    }
    g.techniques.push_back(s);
  }
  for (auto& [order, g] : groups) m.kill_chain.push_back(std::move(g));

  // Findings in kill-chain order, then time.
  auto row_order = [&](const Row& row) {
    int order = 1000;
    for (const auto& t : row.techniques) {
      const auto it = techniques.find(t.id);
      if (it == techniques.end()) continue;
      for (const auto& tactic : it->second.tactics) order = std::min(order, tactic_order(tactic));
    }
    return order;
  };
  std::stable_sort(m.findings.rows.begin(), m.findings.rows.end(),
                   [&](const Row& a, const Row& b) { return row_order(a) < row_order(b); });

  auto ranked = [](std::map<std::string, Entity>& map) {
    std::vector<Entity> out;
    for (auto& [key, e] : map) out.push_back(std::move(e));
    std::stable_sort(out.begin(), out.end(), [](const Entity& a, const Entity& b) {
      if (a.verified != b.verified) return a.verified > b.verified;
      return a.observations > b.observations;
    });
    return out;
  };
  m.hosts = ranked(hosts);
  m.accounts = ranked(accounts);

  // The picture's lanes: the busiest hosts, the rest in one lane.
  std::vector<std::pair<std::string, std::int64_t>> by_count;
  for (const auto& [host, p] : pictures) by_count.emplace_back(host, p.count);
  std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return a.first < b.first;
  });
  const bool overflow = by_count.size() > k_max_lanes;
  const std::size_t named = overflow ? k_max_lanes - 1 : by_count.size();
  std::vector<std::pair<std::string, std::int64_t>> lanes(by_count.begin(), by_count.begin() + named);
  std::sort(lanes.begin(), lanes.end());  // by name
  for (const auto& [host, count] : lanes) m.picture.lanes.push_back(host);
  if (overflow) {
    m.picture.lanes.push_back("other hosts (" + std::to_string(by_count.size() - named) + ")");
  }
  auto lane_of = [&](const std::string& host) {
    const auto it = std::find(m.picture.lanes.begin(), m.picture.lanes.end(), host);
    return static_cast<std::size_t>(it == m.picture.lanes.end() ? m.picture.lanes.size() - 1
                                                                : it - m.picture.lanes.begin());
  };
  std::map<std::pair<std::size_t, std::size_t>, TimelineCell> merged;
  for (auto& [host, p] : pictures) {
    const std::size_t lane = lane_of(host);
    for (auto& mark : p.marks) {
      mark.lane = lane;
      m.picture.marks.push_back(mark);
    }
    for (auto& [slot, cell] : p.cells) {
      TimelineCell& into = merged[{lane, slot}];
      into.lane = lane;
      into.slot = slot;
      into.verified += cell.verified;
      for (const auto& [tactic, n] : cell.by_tactic) into.by_tactic[tactic] += n;
    }
  }
  for (auto& [key, cell] : merged) m.picture.cells.push_back(std::move(cell));
  std::sort(m.picture.marks.begin(), m.picture.marks.end(),
            [](const TimelineMark& a, const TimelineMark& b) {
              return a.at != b.at ? a.at < b.at : a.number < b.number;
            });
  for (const auto& t : tactics) {
    if (tactics_seen.count(t.shortname)) m.picture.tactics.push_back(t.shortname);
  }
  for (const auto& t : tactics_seen) {
    if (t != "none" && std::find(m.picture.tactics.begin(), m.picture.tactics.end(), t) ==
                           m.picture.tactics.end()) {
      m.picture.tactics.push_back(t);
    }
  }
  if (tactics_seen.count("none")) m.picture.tactics.push_back("none");
  // Bursts (the correlation engine's runs of activity per host, default
  // gap) as bands on the lanes; single observations are marks enough.
  {
    correlate::BurstInput input;
    input.case_key = c.key;
    const auto bursts = correlate::find_bursts(db, input);
    std::int64_t shown = 0;
    for (const auto& b : bursts.bursts) {
      if (b.count < 2) continue;
      if (std::find(m.picture.lanes.begin(), m.picture.lanes.end(), b.key) == m.picture.lanes.end() &&
          m.picture.lanes.size() < k_max_lanes) {
        continue;  // a host with only benign or false-positive evidence has no lane
      }
      m.picture.bands.push_back({lane_of(b.key), b.first, b.last, b.count});
      ++shown;
    }
    if (shown == 0) {
      m.picture.bands_note = "no bursts: no host has two observations within " +
                             time::format_duration(bursts.gap) + " of each other";
    }
  }

  // Process trees of the key executions: the first verified findings (in
  // kill-chain order) that are process starts with a pid or process GUID.
  for (const auto& row : m.findings.rows) {
    if (m.trees.size() >= k_max_trees) break;
    if (row.kind != model::Kind::process) continue;
    correlate::ProcessTree tree;
    try {
      tree = correlate::process_tree(db, c.key, std::to_string(row.number));
    } catch (const Error&) {
      continue;  // neither pid nor GUID: nothing to link
    }
    ProcessTreeView view;
    view.anchor = row.number;
    view.title = "#" + std::to_string(row.number) + " on " + row.host;
    for (const auto& node : tree.nodes) {
      TreeLine line;
      line.depth = node.depth;
      line.anchor = node.anchor;
      if (node.synthetic) {
        line.text = *node.synthetic;
      } else {
        std::string text;
        if (!node.observations.empty()) text = "#" + std::to_string(node.observations.front().number) + " ";
        if (node.started_at) text += local_time_text(zone, *node.started_at) + " ";
        text += node.command_line ? *node.command_line : node.image.value_or("(image unknown)");
        if (node.pid) text += " (pid " + std::to_string(*node.pid) + ")";
        line.text = std::move(text);
      }
      view.lines.push_back(std::move(line));
    }
    m.trees.push_back(std::move(view));
  }
  if (m.trees.empty()) m.trees_note = "no verified process execution with a pid or process GUID";

  if (m.since.requested && !m.since.first_report) {
    store::for_each_change(db, c.id, changes, [&](const store::Change& change) {
      ++m.since.changes_total;
      if (m.since.changes.size() < k_max_changes) m.since.changes.push_back({change.number, change.entry});
    });
  }

  // Integrity: the hash chain recomputed now, from the records as they are
  // (`casetrail verify`). It supersedes a database check, which costs as
  // much again on a large file and finds less (`casetrail db check` runs it).
  const auto verified = integrity::verify_case(db, c.key, {});
  m.integrity.observations = verified.observations;
  m.integrity.audit_records = verified.audits;
  if (verified.head) m.integrity.chain_head = integrity::to_hex(*verified.head);
  if (verified.intact()) {
    m.integrity.verify_result = "intact (" + std::to_string(verified.links) + " links: " +
                                std::to_string(verified.observations) + " observations, " +
                                std::to_string(verified.audits) + " audit records, " +
                                std::to_string(verified.import_runs) + " import runs)";
  } else {
    std::string text = "FAILED: " + std::to_string(verified.problems.size()) + " problem" +
                       (verified.problems.size() == 1 ? "" : "s") + " (casetrail verify lists them)";
    for (std::size_t i = 0; i < verified.problems.size() && i < 5; ++i) {
      text += "; " + verified.problems[i].message;
    }
    m.integrity.verify_result = std::move(text);
  }
  return m;
}

IssuedReport build_report(const store::Database& db, const ReportRequest& request) {
  const ReportFormat format = parse_format(request.format);
  const auto c = store::require_case(db, request.case_key);
  const auto* zone = evidence::display_zone(&c, request.tz);
  IssuedReport out;
  out.case_id = c.id;
  out.model = gather(db, c, format, request.since, zone, request.analyst, request.now);
  out.text = format == ReportFormat::md ? render_markdown(out.model) : render_html(out.model);
  out.issue.issued_at = request.now;
  out.issue.issued_by = request.analyst;
  out.issue.format = std::string(to_string(format));
  out.issue.mark = out.model.mark;
  out.issue.chain_head = out.model.integrity.chain_head;
  out.issue.sha256 = util::sha256_hex(out.text);
  return out;
}

std::int64_t record_issue(const store::Database& db, const IssuedReport& report) {
  return store::record_report_issue(db, report.case_id, report.issue);
}

}  // namespace casetrail::report

#pragma once
// Everything a handoff report shows, gathered from the case in one pass over
// its observations (report_builder) and rendered as Markdown or HTML
// (render_markdown, render_html). Lists that could grow with the case are
// capped; each says how many it holds in all and how to get the rest.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/model/attack.hpp"
#include "core/model/case_record.hpp"
#include "core/model/observation_record.hpp"
#include "core/store/report_store.hpp"
#include "core/time/time.hpp"

namespace date {
class time_zone;
}

namespace casetrail::report {

enum class ReportFormat { md, html };
std::string_view to_string(ReportFormat f);

// How many rows a list shows at most (the rest: casetrail export).
inline constexpr std::size_t k_max_findings = 500;
inline constexpr std::size_t k_max_leads = 200;
inline constexpr std::size_t k_max_dismissed = 200;
inline constexpr std::size_t k_max_timeline = 500;
inline constexpr std::size_t k_max_since = 200;
inline constexpr std::size_t k_max_changes = 200;
// Up to this many observations the timeline picture draws one mark each;
// beyond, it draws counts per host and time slot.
inline constexpr std::int64_t k_max_marks = 2000;
// Process trees shown (of the first verified process findings).
inline constexpr std::size_t k_max_trees = 5;
// Lanes in the picture: the busiest hosts; the rest share one lane.
inline constexpr std::size_t k_max_lanes = 24;
// Display length of a command line in a table cell (code points).
inline constexpr std::size_t k_what_limit = 400;

struct TechniqueLabel {
  std::string id;
  std::optional<std::string> name;
};

// One observation as a report row.
struct Row {
  std::int64_t number = 0;
  time::UtcTime at{};
  model::Kind kind = model::Kind::process;
  model::Status status = model::Status::unverified;
  std::string host;
  std::optional<std::string> account;  // canonical
  std::string what;                    // display text (evidence_text::what_text)
  bool inexact = false;                // the command line is not valid UTF-8 text
  std::vector<TechniqueLabel> techniques;
  std::string source;
  std::optional<std::string> source_ref;
  std::optional<std::string> note;
  // The latest status change: who, when, why (verified, benign, false positive).
  std::optional<model::AuditEntry> status_change;
};

// A list of rows with the number it would hold uncapped.
struct RowList {
  std::vector<Row> rows;
  std::int64_t total = 0;
};

struct TechniqueSummary {
  std::string id;
  std::optional<std::string> name;
  std::vector<std::string> tactics;  // shortnames, matrix order
  bool in_catalogue = false;
  std::int64_t verified = 0;
  std::int64_t unverified = 0;
  std::int64_t dismissed = 0;  // benign and false positive
  std::set<std::string> hosts;     // of verified and unverified evidence
  std::set<std::string> accounts;
  std::optional<time::UtcTime> first;
  std::optional<time::UtcTime> last;
  std::set<std::string> sources_used;  // casetrail source names, all evidence
  std::vector<model::AttackLogSource> recommended;  // what ATT&CK names
  std::vector<std::string> matched;  // recommended ones the evidence came from (described)
  bool gap() const { return !recommended.empty() && matched.empty(); }
};

// Techniques under a tactic heading (their first tactic in matrix order).
struct TacticGroup {
  std::optional<model::AttackTactic> tactic;  // nullopt: techniques without a known tactic
  std::vector<TechniqueSummary> techniques;
};

// A host or account: observations and techniques from this pass; first
// seen, last seen and dwell from the correlation engine when this build has
// one (nullopt otherwise).
struct Entity {
  std::string key;
  std::int64_t observations = 0;  // verified and unverified
  std::int64_t verified = 0;
  std::set<std::string> techniques;
  std::optional<time::UtcTime> first;
  std::optional<time::UtcTime> last;
};

// The timeline picture's data: marks (small cases) or counts per lane and
// slot (large ones). Colours by tactic (the first of the observation's first
// technique), "none" without a technique.
struct TimelineMark {
  time::UtcTime at{};
  std::size_t lane = 0;
  std::string tactic;  // shortname or "none"
  bool verified = false;
  std::int64_t number = 0;
};
struct TimelineCell {
  std::size_t lane = 0;
  std::size_t slot = 0;
  std::map<std::string, std::int64_t> by_tactic;
  std::int64_t verified = 0;
};
struct TimelineBand {
  std::size_t lane = 0;
  time::UtcTime first{};
  time::UtcTime last{};
  std::int64_t count = 0;
};
struct Timeline {
  std::optional<time::UtcTime> from;  // nullopt: no evidence
  std::optional<time::UtcTime> to;
  std::vector<std::string> lanes;  // host names; the last may be "other hosts (N)"
  bool aggregated = false;
  std::size_t slots = 0;
  std::vector<TimelineMark> marks;
  std::vector<TimelineCell> cells;
  std::vector<std::string> tactics;  // shortnames present, matrix order ("none" last)
  std::vector<TimelineBand> bands;   // bursts
  std::optional<std::string> bands_note;  // why there are no bands
};

struct ChangeRow {
  std::optional<std::int64_t> number;
  model::AuditEntry entry;
};

struct SinceSection {
  bool requested = false;  // --since given
  std::optional<std::string> what;  // "the report of 2026-... by alice" or "2026-... (--since)"
  bool first_report = false;  // --since last and no report was issued before
  RowList logged;             // observations logged since
  std::vector<ChangeRow> changes;
  std::int64_t changes_total = 0;
};

// What `casetrail verify` finds, at the moment of the report.
struct IntegritySection {
  std::int64_t observations = 0;   // chained observations
  std::int64_t audit_records = 0;  // chained audit records
  std::optional<std::string> chain_head;  // hex; nullopt for an empty chain
  std::string verify_result;              // "intact (...)" or "FAILED: ..."
};

struct TreeLine {
  int depth = 0;
  std::string text;  // display text
  bool anchor = false;
};
struct ProcessTreeView {
  std::int64_t anchor = 0;
  std::string title;
  std::vector<TreeLine> lines;
};

struct ReportModel {
  ReportFormat format = ReportFormat::md;
  model::CaseRecord case_record;
  const date::time_zone* zone = nullptr;  // nullptr: UTC
  std::string zone_name;
  std::vector<std::string> analysts;
  std::optional<std::string> attack_release;
  time::UtcTime issued_at{};
  std::string issued_by;
  std::optional<store::ReportIssue> previous;  // the report before this one

  std::int64_t observations = 0;
  std::array<std::int64_t, 4> by_status{};  // indexed by model::Status
  std::optional<time::UtcTime> first;       // period covered (all observations)
  std::optional<time::UtcTime> last;

  RowList findings;   // verified, kill-chain order then time
  RowList leads;      // unverified, time order
  RowList dismissed;  // benign and false positive, time order
  RowList timeline;   // verified, time order
  std::vector<TacticGroup> kill_chain;
  std::vector<Entity> hosts;     // most verified first, then most observations, then name
  std::vector<Entity> accounts;
  std::optional<std::string> entities_note;  // what this build cannot say about them
  Timeline picture;
  std::vector<ProcessTreeView> trees;
  std::optional<std::string> trees_note;
  SinceSection since;
  IntegritySection integrity;
  store::CaseMark mark;  // the case at issue
};

}  // namespace casetrail::report

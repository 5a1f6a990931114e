#pragma once
// `casetrail report`: the handoff report of a case, as Markdown or as one
// self-contained HTML file, and the record of each report issued (so that
// --since last lists what was logged or changed after the previous one).

#include <optional>
#include <string>

#include "core/report/report_model.hpp"
#include "core/store/database.hpp"
#include "core/store/report_store.hpp"

namespace casetrail::report {

// Parses "md" or "html". Throws Error(invalid_input) naming --format.
ReportFormat parse_format(std::string_view text);

// Everything `casetrail report` accepts, as given.
struct ReportRequest {
  std::string case_key;
  std::string format;                // md, html
  std::optional<std::string> since;  // "last", or a time (in tz, else the case's zone)
  std::optional<std::string> tz;     // display zone; default the case's, else UTC
  std::string analyst;               // who issues it
  time::UtcTime now{};
};

struct IssuedReport {
  ReportModel model;
  std::string text;          // the report's bytes
  store::ReportIssue issue;  // what record_issue() stores
  std::int64_t case_id = 0;
};

// Gathers the case and renders the report. Writes nothing. Throws
// casetrail::Error: not_found (case), invalid_input (--format, --since, --tz),
// database.
IssuedReport build_report(const store::Database& db, const ReportRequest& request);

// Gathers the model only (build_report without rendering), for tests.
ReportModel gather(const store::Database& db, const model::CaseRecord& c, ReportFormat format,
                   const std::optional<std::string>& since, const date::time_zone* zone,
                   const std::string& analyst, time::UtcTime now);

// Records that `report` was issued (call it once its bytes are written), in
// one transaction. Returns the record's id.
std::int64_t record_issue(const store::Database& db, const IssuedReport& report);

std::string render_markdown(const ReportModel& m);
// One HTML file: inline CSS, no scripts, no external resources, an inline
// SVG timeline; everything from evidence escaped.
std::string render_html(const ReportModel& m);
// The timeline picture alone (an <svg> element).
std::string render_timeline_svg(const ReportModel& m);

}  // namespace casetrail::report

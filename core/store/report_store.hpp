#pragma once
// Handoff reports in storage: the record of each report issued (so that the
// next one can list what came after it), the case's state at a moment, and
// the changes made after a report.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/model/observation_record.hpp"
#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::store {

// The state of a case at one moment: how many observations it holds, and
// the highest row ids of its observations and audit records (0 when none).
struct CaseMark {
  std::int64_t observations = 0;
  std::int64_t last_observation_id = 0;
  std::int64_t last_audit_id = 0;
};

// Throws Error(database).
CaseMark case_mark(const Database& db, std::int64_t case_id);

// One report issued.
struct ReportIssue {
  std::int64_t id = 0;  // set by record_report_issue
  time::UtcTime issued_at{};
  std::string issued_by;
  std::string format;  // md, html
  CaseMark mark;
  std::optional<std::string> chain_head;  // hex; nullopt without a hash chain
  std::string sha256;                      // of the report's bytes, hex
};

// Records a report issued, in one IMMEDIATE transaction. Returns its id.
// Throws Error(database).
std::int64_t record_report_issue(const Database& db, std::int64_t case_id, const ReportIssue& issue);

// The case's latest report, or nullopt when none was issued.
std::optional<ReportIssue> last_report_issue(const Database& db, std::int64_t case_id);

// A change after logging (an audit record), with the number of the
// observation it concerns (nullopt for a change of the case itself).
struct Change {
  std::optional<std::int64_t> number;
  model::AuditEntry entry;
};

// Which changes: those recorded after the audit record with this row id, or
// those made at or after a time.
struct ChangeFilter {
  std::optional<std::int64_t> after_audit_id;
  std::optional<time::UtcTime> from;
};

// Calls `visit` for each change of the case matching `filter`, oldest first
// (by row id). Returns the number visited. Throws Error(database).
std::int64_t for_each_change(const Database& db, std::int64_t case_id, const ChangeFilter& filter,
                             const std::function<void(const Change&)>& visit);

// The earliest and latest observed time of the case's observations, or
// nullopt when it has none.
std::optional<std::pair<time::UtcTime, time::UtcTime>> case_time_span(const Database& db,
                                                                     std::int64_t case_id);

// Everyone who created the case, logged evidence in it or changed it, by name.
std::vector<std::string> case_analysts(const Database& db, std::int64_t case_id);

}  // namespace casetrail::store

#pragma once
// Text pieces both renderers share (plain text, not yet escaped).

#include <set>
#include <string>
#include <vector>

#include "core/report/report_model.hpp"

namespace casetrail::report {

// The time in the report's zone with its offset, and in UTC.
std::string local_time(const ReportModel& m, time::UtcTime t);
std::string utc_time(time::UtcTime t);

// "verified", "unverified", "benign", "false positive".
std::string status_text(model::Status s);

// "T1059.001 PowerShell; T1027 Obfuscated Files or Information", or "-".
std::string techniques_text(const Row& row);

// "a, b, c" (at most `limit` items, then "and N more"), or "-".
std::string join(const std::set<std::string>& items, std::size_t limit = 12);
std::string join(const std::vector<std::string>& items, std::size_t limit = 12);

// "2026-11-30T10:00:00Z alice: unverified -> verified (EDR confirms)".
std::string change_text(const model::AuditEntry& e);

// "3 observations: 1 verified, 1 unverified, 1 benign, 0 false positive".
std::string counts_text(const ReportModel& m);

// The "how to get the rest" line of a capped list, or "" when none is cut.
std::string rest_text(const RowList& list, const std::string& export_hint);

// Names of tactic shortnames ("execution" -> "Execution") from the model's
// kill chain, falling back to the shortname.
std::string tactic_name(const ReportModel& m, const std::string& shortname);

}  // namespace casetrail::report

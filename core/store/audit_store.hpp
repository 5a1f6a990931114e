#pragma once
// Changes after logging, as chained audit records: corrections, notes and
// technique changes; and the projections derived from the audit trail
// (current status, effective techniques, case status), checked and rebuilt
// by verify. Evidence rows themselves never change.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::store {

// Who and when for an audit record.
struct AuditActor {
  std::string analyst;
  time::UtcTime at{};
};

// Records a correction of `field` (a canonical field key, e.g.
// "command_line") of observation #number. The old value is the latest
// correction of that field, else `original` (the logged value as text, or
// nullopt when it was not logged). Returns the old value. Throws
// Error(not_found) for an unknown number, Error(conflict) when the value is
// already the current one.
std::optional<std::string> add_correction(const Database& db, std::int64_t case_id,
                                          const std::string& case_key, std::int64_t number,
                                          const std::string& field,
                                          const std::optional<std::string>& original,
                                          const std::string& value, const std::string& reason,
                                          const AuditActor& actor);

// Adds a note to observation #number (the logged note stays).
void add_note(const Database& db, std::int64_t case_id, const std::string& case_key,
              std::int64_t number, const std::string& text,
              const std::optional<std::string>& reason, const AuditActor& actor);

// Adds (present = true) or removes a technique of observation #number.
// Error(conflict) when it is already present / absent.
void change_technique(const Database& db, std::int64_t case_id, const std::string& case_key,
                      std::int64_t number, const std::string& technique_id, bool present,
                      const std::optional<std::string>& attack_release, const std::string& reason,
                      const AuditActor& actor);

// A projection row that does not match the audit trail.
struct ProjectionMismatch {
  std::string what;  // "status", "technique", "case_status"
  std::optional<std::int64_t> number;  // observation number, if any
  std::string detail;  // technique id for "technique"
  std::string stored;  // what the projection says
  std::string expected;  // what the audit trail says
};

// Compares the projections of a case with what its audit trail implies.
std::vector<ProjectionMismatch> check_projections(const Database& db, std::int64_t case_id);

// Rebuilds the projections of a case from its audit trail in one IMMEDIATE
// transaction. Returns the number of rows changed.
std::int64_t rebuild_projections(const Database& db, std::int64_t case_id);

}  // namespace casetrail::store

#pragma once
// What the audit trail of an observation says beside the logged values:
// the current correction of each corrected field and the notes added later.
// The logged values themselves never change (docs/INTEGRITY.md).

#include <optional>
#include <string>
#include <vector>

#include "core/model/observation_record.hpp"

namespace casetrail::model {

struct Correction {
  std::string field;                    // canonical key: "command_line", "observed_at", ...
  std::optional<std::string> original;  // as logged (nullopt: not logged)
  std::string value;                    // the latest correction
  std::string analyst;
  time::UtcTime at{};
  std::optional<std::string> reason;
};

// The latest correction per field, in the order fields were first corrected,
// from r.history (filled by find_observation).
std::vector<Correction> corrections(const ObservationRecord& r);

// The notes added after logging (`obs note`), oldest first.
std::vector<AuditEntry> added_notes(const ObservationRecord& r);

}  // namespace casetrail::model

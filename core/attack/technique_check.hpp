#pragma once
// Checking technique IDs wherever one is given: the form (T1234, T1234.001),
// and, when an ATT&CK catalogue is imported, that it exists, is not revoked
// (error naming the replacement) and is not deprecated (accepted, warning).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace casetrail::store {
class Database;
}

namespace casetrail::attack {

// True for T followed by four digits, optionally . and three digits.
bool is_technique_id(std::string_view id);

// Upper-cases a leading 't' ("t1059.001" -> "T1059.001"); other text unchanged.
std::string normalise_technique_id(std::string_view id);

struct TechniqueCheck {
  std::vector<std::string> ids;       // normalised, de-duplicated, in given order
  std::optional<std::string> release; // the ATT&CK release checked against, if any
  std::vector<std::string> warnings;  // deprecated IDs, "not checked: no catalogue"
};

// Validates technique IDs given by `field` (for messages: "--technique").
// Throws casetrail::Error(invalid_input) naming the field and the value:
// malformed, unknown (with close matches), or revoked (with the replacement).
TechniqueCheck check_techniques(const store::Database& db, std::string_view field,
                                const std::vector<std::string>& ids);

}  // namespace casetrail::attack

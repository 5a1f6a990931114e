#pragma once
// The 14 Enterprise ATT&CK tactics, known without any import so that tactic
// IDs, shortnames and kill-chain order work offline. After an import the
// catalogue's tactics and matrix order are used instead (catalogue.hpp).

#include <optional>
#include <string_view>
#include <vector>

#include "core/model/attack.hpp"

namespace casetrail::attack {

// The Enterprise tactics in matrix order, Reconnaissance (TA0043) to Impact
// (TA0040), as the x-mitre-matrix of ATT&CK v18.1 lists them
// (https://attack.mitre.org/tactics/enterprise/). Descriptions are the first
// sentence of each tactic's own.
const std::vector<model::AttackTactic>& enterprise_tactics();

// Finds a tactic in `tactics` by ID (TA0043, any case) or shortname
// (reconnaissance, any case). Returns nullopt when none matches.
std::optional<model::AttackTactic> find_tactic(const std::vector<model::AttackTactic>& tactics,
                                               std::string_view id_or_shortname);

}  // namespace casetrail::attack

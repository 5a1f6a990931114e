#pragma once
// Techniques in one table cell, the same in every listing (obs list,
// correlate, tree, timeline).

#include <string>
#include <vector>

#include "core/model/observation_record.hpp"

namespace casetrail::cli {

// "T1059.001 PowerShell [execution]" when the catalogue knows it, else the ID.
std::string technique_text(const model::TechniqueRef& t);

// The techniques of one row: bare IDs joined with ",", or, once one of them
// has a name, each technique_text joined with "; ". "-" when there is none.
std::string techniques_cell(const std::vector<model::TechniqueRef>& techniques);

}  // namespace casetrail::cli

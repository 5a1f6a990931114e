#pragma once
// Cells that several listings share (obs list, timeline, correlate, tree),
// so that one observation reads the same in each.

#include <cstdint>
#include <string>
#include <vector>

#include "core/time/time.hpp"

namespace date {
class time_zone;
}

namespace casetrail::cli {

// A time in the display zone, or in UTC when there is none.
std::string time_cell(time::UtcTime t, const date::time_zone* zone);

// "TIME (Europe/Berlin)" or "TIME (UTC)".
std::string time_header(const date::time_zone* zone);

// The other records of the same execution ("#3,#4": the Sysmon 1 and
// Security 4688 of one process creation), "-" when there are none.
std::string same_execution_cell(const std::vector<std::int64_t>& numbers);

}  // namespace casetrail::cli

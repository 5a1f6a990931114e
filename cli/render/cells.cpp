#include "cli/render/cells.hpp"

#include <date/tz.h>

namespace casetrail::cli {

std::string time_cell(time::UtcTime t, const date::time_zone* zone) {
  return zone ? time::format_in_zone(t, zone) : time::format_utc(t);
}

std::string time_header(const date::time_zone* zone) {
  return zone ? "TIME (" + std::string(zone->name()) + ")" : "TIME (UTC)";
}

std::string same_execution_cell(const std::vector<std::int64_t>& numbers) {
  std::string cell;
  for (const auto n : numbers) cell += (cell.empty() ? "#" : ",#") + std::to_string(n);
  return cell.empty() ? "-" : cell;
}

}  // namespace casetrail::cli

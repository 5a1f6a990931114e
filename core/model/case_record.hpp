#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/model/enums.hpp"
#include "core/time/time.hpp"

namespace casetrail::model {

struct CaseRecord {
  std::int64_t id = 0;
  std::string key;
  std::string title;
  Severity severity = Severity::medium;
  CaseStatus status = CaseStatus::open;
  std::optional<std::string> lead;
  std::optional<std::string> time_zone;
  time::UtcTime created_at{};
  std::string created_by;
  std::optional<time::UtcTime> closed_at;
};

}  // namespace casetrail::model

#pragma once
// Cases: create, find, list, change status (with an audit record).

#include <optional>
#include <string>
#include <vector>

#include "core/model/case_record.hpp"
#include "core/store/database.hpp"

namespace casetrail::store {

struct NewCase {
  std::string key;
  std::string title;
  model::Severity severity = model::Severity::medium;
  std::optional<std::string> lead;
  std::optional<std::string> time_zone;
  std::string created_by;
  time::UtcTime created_at{};
};

// Creates a case. Throws Error(conflict) when the key exists.
model::CaseRecord create_case(const Database& db, const NewCase& c);

// The case with this key, or nullopt.
std::optional<model::CaseRecord> find_case(const Database& db, const std::string& key);

// The case with this key. Throws Error(not_found) naming the key.
model::CaseRecord require_case(const Database& db, const std::string& key);

std::vector<model::CaseRecord> list_cases(const Database& db);

// Sets the case status and records an audit entry (old, new, reason, who,
// when) in one transaction. Throws Error(conflict) when already in it.
model::CaseRecord set_case_status(const Database& db, const std::string& key,
                                  model::CaseStatus status, const std::string& analyst,
                                  time::UtcTime at, const std::optional<std::string>& reason);

}  // namespace casetrail::store

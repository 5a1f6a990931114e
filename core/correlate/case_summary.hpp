#pragma once
// What the evidence of a case says about its extent: first seen, last seen
// and dwell time for the case and for each host, account and technique;
// hosts and accounts ranked by verified evidence. Evidence is every
// observation except those marked benign or false_positive.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::correlate {

struct SeenSpan {
  std::string key;  // host, account or technique ID; empty for the whole case
  time::UtcTime first{};
  time::UtcTime last{};
  std::int64_t count = 0;
  std::int64_t verified = 0;
  std::int64_t unverified = 0;
  time::Micros dwell() const { return last - first; }
};

struct CaseSummary {
  std::optional<SeenSpan> all;  // nullopt: no evidence yet
  // Ranked: most verified first, then most observations, then first seen,
  // then name.
  std::vector<SeenSpan> hosts;
  std::vector<SeenSpan> accounts;
  // By first seen, then ID.
  std::vector<SeenSpan> techniques;
  std::int64_t excluded = 0;  // benign and false-positive observations left out
};

// Throws Error(database) on failure.
CaseSummary summarize_case(const store::Database& db, std::int64_t case_id);

}  // namespace casetrail::correlate

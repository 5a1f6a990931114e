#pragma once
// Bursts: activity grouped per host (or per account) into runs separated by
// quiet gaps. Two consecutive observations of one host belong to one burst
// when at most --gap apart; a longer quiet period starts a new burst.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/evidence/evidence.hpp"
#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::correlate {

// A responder's first cut: an operator's hands-on session rarely pauses for
// half an hour.
inline constexpr const char* k_default_gap = "30m";

enum class BurstBy { host, account };

struct BurstInput {
  std::string case_key;
  evidence::FilterInput filter;    // the timeline's filters
  std::optional<std::string> gap;  // duration, default k_default_gap
  std::optional<std::string> by;   // host (default) or account
};

struct Burst {
  std::string key;  // the host, or the account ("-" for observations without one)
  time::UtcTime first{};
  time::UtcTime last{};
  std::int64_t first_number = 0;
  std::int64_t last_number = 0;
  std::int64_t count = 0;
  std::int64_t verified = 0;
  // Distinct accounts (per host) or hosts (per account) in the burst.
  std::vector<std::string> others;
  std::vector<std::pair<std::string, std::int64_t>> kinds;       // kind, count; by kind order
  std::vector<std::pair<std::string, std::int64_t>> techniques;  // ID, count; by ID
  std::vector<std::string> tactics;  // from the ATT&CK catalogue when imported
  time::Micros duration() const { return last - first; }
};

struct Bursts {
  BurstBy by = BurstBy::host;
  time::Micros gap{};
  std::vector<Burst> bursts;  // by first time, then key
};

// Groups the observations matching the filters into bursts. Throws
// casetrail::Error: not_found (case), invalid_input (a filter, --gap
// negative or not a duration, --by not host or account).
Bursts find_bursts(const store::Database& db, const BurstInput& input);

std::string_view to_string(BurstBy by);

}  // namespace casetrail::correlate

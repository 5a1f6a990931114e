#pragma once
// Observations: append (log and import), read back (list, show), and status
// changes as audit records. Use-case level, so that a second backend can sit
// behind the same functions.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/model/observation.hpp"
#include "core/model/observation_record.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/database.hpp"

namespace casetrail::store {

struct AppendContext {
  std::string analyst;
  time::UtcTime logged_at{};
  // Always on, except in bench/chain_cost (see ChainMode).
  ChainMode chain = ChainMode::on;
};

struct AppendResult {
  // Number given to each input, in input order; 0 where the input was
  // already present (same fingerprint in this case).
  std::vector<std::int64_t> numbers;
  std::int64_t inserted = 0;
  std::int64_t already_present = 0;
};

// Appends observations to a case in one IMMEDIATE transaction: all or none.
// Hosts and accounts are created on first sight. Observations with a
// fingerprint already in the case are skipped and counted. Each inserted
// observation joins the case's hash chain in the same transaction. Throws
// Error(database) on failure, with nothing written.
AppendResult append_observations(const Database& db, std::int64_t case_id,
                                 const std::vector<model::NewObservation>& observations,
                                 const AppendContext& context);

struct ObservationFilter {
  std::optional<time::UtcTime> from;  // inclusive
  std::optional<time::UtcTime> to;    // inclusive
  std::optional<std::string> host;     // canonical
  std::optional<std::string> account;  // canonical
  std::optional<std::string> technique;  // exact ID; a parent ID also matches its sub-techniques
  std::optional<model::Status> status;
  std::optional<model::Kind> kind;
  std::optional<std::int64_t> limit;
  // Read (and decompress) each verbatim source record into `raw`. Readers
  // that never show it (the report) leave it out: on an imported case it is
  // most of what is stored.
  bool raw = true;
};

// Calls `visit` for each matching observation in time order (ties by number).
// Techniques are filled; history is not. Returns the number visited.
std::int64_t for_each_observation(const Database& db, std::int64_t case_id,
                                  const ObservationFilter& filter,
                                  const std::function<void(const model::ObservationRecord&)>& visit);

// The observation with this number, with its techniques and audit history.
std::optional<model::ObservationRecord> find_observation(const Database& db, std::int64_t case_id,
                                                         std::int64_t number);

// Same, throwing Error(not_found) "no observation #N in case KEY".
model::ObservationRecord require_observation(const Database& db, std::int64_t case_id,
                                             const std::string& case_key, std::int64_t number);

// Records a status change (audit entry + current-status projection) in one
// transaction. Returns the previous status. Throws Error(not_found) for an
// unknown number, Error(conflict) when the status is unchanged.
model::Status change_status(const Database& db, std::int64_t case_id, const std::string& case_key,
                            std::int64_t number, model::Status status, const std::string& reason,
                            const std::string& analyst, time::UtcTime at);

}  // namespace casetrail::store

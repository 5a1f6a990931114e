#pragma once
// What an import does to the database beyond appending observations: bulk
// settings and the links between observations of one execution. Import runs
// themselves (the chain of custody) are in custody_store.hpp.

#include <cstdint>
#include <string>
#include <vector>

#include "core/store/custody_store.hpp"
#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::store {

// Sets this connection up for a bulk import: a larger page cache, so that a
// batch's dirty pages stay in memory until its commit instead of spilling to
// the WAL mid-transaction, and index pages stay warm across batches.
void prepare_bulk_import(const Database& db);

// While it lives, commits on this connection sync the WAL only at
// checkpoints (synchronous = NORMAL) instead of at every commit; on
// destruction FULL is back. For an import's batches: a power loss can roll
// back batches committed since the last sync, never tear one or corrupt the
// file, and the commit that finishes the import run (at FULL, after this is
// gone) syncs the WAL and with it every batch before it. Until that commit
// the run shows as unfinished and a re-run completes it exactly.
class RelaxedBatchSync {
 public:
  explicit RelaxedBatchSync(const Database& db);
  ~RelaxedBatchSync();
  RelaxedBatchSync(const RelaxedBatchSync&) = delete;
  RelaxedBatchSync& operator=(const RelaxedBatchSync&) = delete;

 private:
  const Database& m_db;
};

// Two sources that report the same process creation: process observations of
// source_a and source_b on the same host with the same pid and the same image
// (compared ignoring ASCII case) whose times (after skew correction) lie
// within `window` of each other are one execution.
struct ExecutionLinkRule {
  std::string source_a;  // "Sysmon 1"
  std::string source_b;  // "Security 4688"
  time::Micros window{1'000'000};
};

// Links, as 'same_execution', the process observations of import run
// `run_id` - and of any run of the case that never finished (killed), so
// that re-running a killed import completes its links too - to their
// partners anywhere in the case. Idempotent. One transaction. Returns the
// number of pairs newly linked.
std::int64_t link_same_executions(const Database& db, std::int64_t case_id, std::int64_t run_id,
                                  const ExecutionLinkRule& rule);

// Pairs of the rule's sources that would be one execution but for a time
// difference close to a multiple of `step` (a clock or zone error): grouped by
// host and by that multiple.
struct ClockDisagreement {
  std::string host;  // as first observed
  // source_b's time minus source_a's time, rounded to the multiple of step.
  time::Micros offset{0};
  std::int64_t pairs = 0;
};

// Finds such pairs among the unlinked process observations of run `run_id`
// and their partners anywhere in the case: same host, pid and image, time
// difference beyond rule.window, at most max_offset, and within rule.window
// of a non-zero multiple of step. Ordered by host, then most pairs first.
std::vector<ClockDisagreement> find_clock_disagreements(const Database& db, std::int64_t case_id,
                                                        std::int64_t run_id,
                                                        const ExecutionLinkRule& rule,
                                                        time::Micros step, time::Micros max_offset);

}  // namespace casetrail::store

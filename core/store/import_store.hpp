#pragma once
// Import runs (the chain of custody of `casetrail import`: one row per file)
// and the links an import makes between observations of one execution.

#include <cstdint>
#include <string>
#include <vector>

#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::store {

// Sets this connection up for a bulk import: a larger page cache, so that a
// batch's dirty pages stay in memory until its commit instead of spilling to
// the WAL mid-transaction, and index pages stay warm across batches.
void prepare_bulk_import(const Database& db);

struct NewImportRun {
  std::int64_t case_id = 0;
  std::string path;    // as given
  std::string sha256;  // of the file's bytes, 64 lower-case hex digits
  std::int64_t size = 0;
  std::string format;  // "windows-json", "ecs", "csv", ...
  std::string analyst;
  time::UtcTime started_at{};
};

// Records the start of an import run (finished_at stays NULL until
// finish_import_run; a run killed before it keeps NULL, which is how a later
// run finds work a killed one left half done). Returns its id. One
// transaction. Throws Error(database).
std::int64_t begin_import_run(const Database& db, const NewImportRun& run);

// Records the end of a run with its counts (a JSON object). One transaction.
void finish_import_run(const Database& db, std::int64_t run_id, time::UtcTime finished_at,
                       const std::string& counts_json);

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

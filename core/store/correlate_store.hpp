#pragma once
// The storage queries behind correlation, at use-case level ("window around t
// on host h", "process starts with pid p on host h before t", "the logon that
// opened session L on host h"), so that a second backend can answer the same
// questions. Every query here runs on an index (tests/test_correlate_plan.cpp
// checks each with EXPLAIN QUERY PLAN); none scans the observation table.
//
// Windows are inclusive at both ends. Lists come in time order, ties by
// observation id (the order of numbers within a case), unless said otherwise.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model/observation_record.hpp"
#include "core/store/database.hpp"
#include "core/store/observation_store.hpp"

namespace casetrail::store {

// An observation found by a correlation query, before its details are read.
struct ObservationKey {
  std::int64_t id = 0;
  time::UtcTime observed_at{};
};

// A host or an account of a case: its row id and canonical name.
struct Entity {
  std::int64_t id = 0;
  std::string canonical;
};

// The process fields of an observation that lineage needs.
struct ProcessRow {
  std::int64_t id = 0;
  std::int64_t number = 0;
  model::Kind kind = model::Kind::process;
  time::UtcTime observed_at{};
  std::int64_t host_id = 0;
  std::string source;
  std::optional<std::string> image;
  std::optional<std::string> image_name;  // lower-case file name
  std::optional<std::string> command_line;
  std::optional<std::int64_t> pid;
  std::optional<std::string> guid;
  std::optional<std::string> parent_image;
  std::optional<std::string> parent_command_line;
  std::optional<std::int64_t> parent_pid;
  std::optional<std::string> parent_guid;
};

// What correlation needs of its anchor before anything else: row ids, time,
// host, account, logon id and process identity.
struct AnchorRow {
  std::int64_t id = 0;
  std::int64_t number = 0;
  model::Kind kind = model::Kind::process;
  time::UtcTime observed_at{};
  std::int64_t host_id = 0;
  std::string host;  // canonical
  std::optional<std::int64_t> account_id;
  std::optional<std::string> account;  // canonical
  std::optional<std::string> logon_id;
  std::optional<ProcessRow> process;  // when it has process details
};

// Runs `body` inside one read transaction: every query in it sees the same
// snapshot of the case (another process may be importing meanwhile), and
// the file is locked once rather than once per statement. Errors inside are
// translated as everywhere in the store.
void read_snapshot(const Database& db, const std::function<void()>& body);

// The host or account with this canonical name in the case, or nullopt.
std::optional<Entity> find_host(const Database& db, std::int64_t case_id,
                                const std::string& canonical);
std::optional<Entity> find_account(const Database& db, std::int64_t case_id,
                                   const std::string& canonical);

// Observation #number of the case as an anchor, or nullopt.
std::optional<AnchorRow> anchor_row(const Database& db, std::int64_t case_id, std::int64_t number);

// Observations in [from, to] on a host, by an account, in the whole case, or
// in one logon session (same logon id on the host, any kind).
std::vector<ObservationKey> window_on_host(const Database& db, std::int64_t host_id,
                                           time::UtcTime from, time::UtcTime to);
std::vector<ObservationKey> window_by_account(const Database& db, std::int64_t account_id,
                                              time::UtcTime from, time::UtcTime to);
std::vector<ObservationKey> window_in_case(const Database& db, std::int64_t case_id,
                                           time::UtcTime from, time::UtcTime to);
std::vector<ObservationKey> window_in_session(const Database& db, std::int64_t host_id,
                                              const std::string& logon_id, time::UtcTime from,
                                              time::UtcTime to);

// The logon that opened session `logon_id` on the host: the latest kind-logon
// observation with that logon id at or before `at` whose attrs.event is
// "logon" or absent (a logoff or a failed logon opens nothing). Logon ids are
// reused after a reboot, hence the latest. Nullopt when none is recorded.
std::optional<ObservationKey> session_logon(const Database& db, std::int64_t host_id,
                                            const std::string& logon_id, time::UtcTime at);

// The distinct accounts seen on a host, and the distinct hosts an account
// touched, in [from, to], ordered by canonical name.
std::vector<Entity> accounts_on_host(const Database& db, std::int64_t host_id, time::UtcTime from,
                                     time::UtcTime to);
std::vector<Entity> hosts_of_account(const Database& db, std::int64_t account_id,
                                     time::UtcTime from, time::UtcTime to);

// The process fields of observation `id` (any kind), or nullopt when it has none.
std::optional<ProcessRow> process_row(const Database& db, std::int64_t id);

// The lookups that build a process lineage, each statement prepared once and
// reused: a lineage runs a handful per process, a deep tree thousands.
// Keep one for one lineage; it must not outlive `db`. Not thread-safe.
class ProcessLookup {
 public:
  ProcessLookup(const Database& db, std::int64_t case_id);
  ~ProcessLookup();
  ProcessLookup(const ProcessLookup&) = delete;
  ProcessLookup& operator=(const ProcessLookup&) = delete;

  // Process starts (kind process) in the case with this process GUID.
  std::vector<ProcessRow> starts_with_guid(const std::string& guid);

  // Process starts with `pid` on the host at or before `at`, newest first
  // (ties: highest id first), at most `limit`.
  std::vector<ProcessRow> starts_before(std::int64_t host_id, std::int64_t pid, time::UtcTime at,
                                        int limit);

  // Process starts with `pid` on the host after `after`, oldest first, at most `limit`.
  std::vector<ProcessRow> starts_after(std::int64_t host_id, std::int64_t pid, time::UtcTime after,
                                       int limit);

  // Process starts with `pid` on the host in [from, to].
  std::vector<ProcessRow> starts_between(std::int64_t host_id, std::int64_t pid, time::UtcTime from,
                                         time::UtcTime to);

  // Process starts in the case whose parent GUID is `guid`.
  std::vector<ProcessRow> children_by_parent_guid(const std::string& guid);

  // Process starts on the host whose parent pid is `parent_pid`, at or after
  // `from` and, when `before` is given, strictly before it.
  std::vector<ProcessRow> children_by_parent_pid(std::int64_t host_id, std::int64_t parent_pid,
                                                 time::UtcTime from,
                                                 std::optional<time::UtcTime> before);

  // What a process did besides starting (observations of other kinds that
  // name it): by GUID in the case, or by pid on the host in [from, before).
  std::vector<ObservationKey> activity_by_guid(const std::string& guid);
  std::vector<ObservationKey> activity_by_pid(std::int64_t host_id, std::int64_t pid,
                                              time::UtcTime from,
                                              std::optional<time::UtcTime> before);

 private:
  struct Statements;
  std::int64_t m_case_id;
  std::unique_ptr<Statements> m_statements;
};

// The observations with these row ids, in time order (ties by number); ids
// of other cases are ignored. Only what a correlation result shows is read:
// id, number, kind, observed_at, host, account, source, note, attrs_json,
// status, techniques (IDs), and of the process its image, command_line,
// pid, guid and logon_id. The rest stays empty (observation_store's
// find_observation reads everything).
std::vector<model::ObservationRecord> observations_by_id(const Database& db, std::int64_t case_id,
                                                         const std::vector<std::int64_t>& ids);

// What bursts and summaries need of each observation.
struct EventRow {
  time::UtcTime observed_at{};
  std::int64_t number = 0;
  model::Kind kind = model::Kind::process;
  model::Status status = model::Status::unverified;
  std::string host;
  std::optional<std::string> account;
  std::vector<model::TechniqueRef> techniques;
};

// Calls `visit` for each observation matching `filter` (as for_each_observation
// reads it; limit ignored), in time order, ties by number, reading only what
// EventRow holds. Returns the number visited.
std::int64_t for_each_event(const Database& db, std::int64_t case_id,
                            const ObservationFilter& filter,
                            const std::function<void(const EventRow&)>& visit);

// First and last time and counts of a set of observations.
struct Span {
  std::string key;  // canonical host, canonical account or technique ID; empty for the case
  time::UtcTime first{};
  time::UtcTime last{};
  std::int64_t count = 0;
  std::int64_t verified = 0;
  std::int64_t unverified = 0;
};

struct EvidenceSpans {
  std::optional<Span> all;  // nullopt when the case holds no evidence
  std::vector<Span> hosts;
  std::vector<Span> accounts;
  std::vector<Span> techniques;
  std::int64_t excluded = 0;  // benign and false-positive observations left out
};

// First/last seen and counts for the case and per host, account and
// technique, over the observations that are evidence: every status except
// benign and false_positive. Lists are ordered by key.
EvidenceSpans evidence_spans(const Database& db, std::int64_t case_id);

// The statements above, by name, with example parameters: for the EXPLAIN
// QUERY PLAN test and the benchmark's hand-written comparison.
struct NamedQuery {
  std::string name;
  std::string sql;
};
std::vector<NamedQuery> correlation_queries();

}  // namespace casetrail::store

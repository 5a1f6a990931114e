#pragma once
// What exports and reports read beyond store::for_each_observation: each
// observation's audit history, read alongside the observations as they
// stream by.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/observation_record.hpp"
#include "core/store/database.hpp"

namespace SQLite {
class Statement;
}

namespace casetrail::store {

// Reads the audit history of one observation at a time with one prepared
// statement (the audit_observation index makes it a point query). It first
// notes which of the case's observations have any history (the ones analysts
// changed: few, against the case's size), so that the others cost no query.
// Use it on the connection (and thread) of the for_each_observation it
// accompanies.
class HistoryReader {
public:
  HistoryReader(const Database& db, std::int64_t case_id);
  ~HistoryReader();
  HistoryReader(const HistoryReader&) = delete;
  HistoryReader& operator=(const HistoryReader&) = delete;

  // The audit entries of the observation with row id `observation_id`
  // (ObservationRecord::id), oldest first. The reference stays valid until
  // the next call. Throws Error(database).
  const std::vector<model::AuditEntry>& read(std::int64_t observation_id);

private:
  std::unique_ptr<SQLite::Statement> m_select;
  std::vector<std::int64_t> m_changed;  // observation row ids with history, sorted
  std::vector<model::AuditEntry> m_entries;
};

// Where an observation sits in its case's hash chain: the link's position
// and hash (64 hex digits), as `casetrail verify` recomputes them.
struct ChainPosition {
  std::int64_t seq = 0;
  std::string hash;
};

// The point query ChainLinkReader runs (exposed for the query-plan test).
// Without statistics SQLite's planner prefers the WITHOUT ROWID primary key
// (case_id, seq) and walks every link of the case for each observation (about
// 3 ms a row at 20,000 observations); INDEXED BY pins the index
// (https://www.sqlite.org/lang_indexedby.html). An observation has one link.
inline constexpr std::string_view k_chain_link_query =
    "SELECT seq, hash FROM chain_link INDEXED BY chain_link_record WHERE case_id = ? "
    "AND kind = 'observation' AND record_id = ?";

// Reads the chain link of one observation at a time with one prepared point
// query (the chain_link_record index), so that an export carries each
// record's hash in its own order (time) at constant memory. Use it on the
// connection of the for_each_observation it accompanies.
class ChainLinkReader {
public:
  ChainLinkReader(const Database& db, std::int64_t case_id);
  ~ChainLinkReader();
  ChainLinkReader(const ChainLinkReader&) = delete;
  ChainLinkReader& operator=(const ChainLinkReader&) = delete;

  // The link of the observation with row id `observation_id`, or nullptr
  // when no link names it (which `casetrail verify` reports). The pointer
  // stays valid until the next call. Throws Error(database).
  const ChainPosition* read(std::int64_t observation_id);

private:
  std::int64_t m_case_id;
  std::unique_ptr<SQLite::Statement> m_select;
  ChainPosition m_position;
};

}  // namespace casetrail::store

#pragma once
// What exports and reports read beyond store::for_each_observation: each
// observation's audit history, read alongside the observations as they
// stream by.

#include <cstdint>
#include <memory>
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

}  // namespace casetrail::store

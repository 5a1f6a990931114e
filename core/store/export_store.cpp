#include "core/store/export_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

#include "core/store/statement_util.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::store {

HistoryReader::HistoryReader(const Database& db, std::int64_t case_id) {
  translate_sqlite_errors([&] {
    SQLite::Statement changed(db.connection(),
                              "SELECT DISTINCT observation_id FROM audit WHERE case_id = ? "
                              "AND observation_id IS NOT NULL ORDER BY observation_id");
    changed.bind(1, static_cast<std::int64_t>(case_id));
    while (changed.executeStep()) m_changed.push_back(changed.getColumn(0).getInt64());
    m_select = std::make_unique<SQLite::Statement>(
        db.connection(),
        "SELECT id, action, field, old_value, new_value, reason, analyst, at FROM audit "
        "WHERE observation_id = ? ORDER BY id");
  });
}

HistoryReader::~HistoryReader() = default;

const std::vector<model::AuditEntry>& HistoryReader::read(std::int64_t observation_id) {
  m_entries.clear();
  if (!std::binary_search(m_changed.begin(), m_changed.end(), observation_id)) return m_entries;
  translate_sqlite_errors([&] {
    SQLite::Statement& s = *m_select;
    s.reset();
    s.bind(1, static_cast<std::int64_t>(observation_id));
    while (s.executeStep()) {
      model::AuditEntry e;
      e.id = s.getColumn(0).getInt64();
      e.action = s.getColumn(1).getString();
      e.field = optional_text(s, 2);
      e.old_value = optional_text(s, 3);
      e.new_value = optional_text(s, 4);
      e.reason = optional_text(s, 5);
      e.analyst = s.getColumn(6).getString();
      e.at = time::UtcTime(time::Micros(s.getColumn(7).getInt64()));
      m_entries.push_back(std::move(e));
    }
  });
  return m_entries;
}

ChainLinkReader::ChainLinkReader(const Database& db, std::int64_t case_id) : m_case_id(case_id) {
  translate_sqlite_errors([&] {
    m_select = std::make_unique<SQLite::Statement>(db.connection(), std::string(k_chain_link_query));
  });
}

ChainLinkReader::~ChainLinkReader() = default;

const ChainPosition* ChainLinkReader::read(std::int64_t observation_id) {
  bool found = false;
  translate_sqlite_errors([&] {
    SQLite::Statement& s = *m_select;
    s.reset();
    s.bind(1, static_cast<std::int64_t>(m_case_id));
    s.bind(2, static_cast<std::int64_t>(observation_id));
    if (s.executeStep()) {
      m_position.seq = s.getColumn(0).getInt64();
      const auto blob = s.getColumn(1);
      m_position.hash = util::hex_encode(
          std::string(static_cast<const char*>(blob.getBlob()), static_cast<std::size_t>(blob.getBytes())));
      found = true;
    }
  });
  return found ? &m_position : nullptr;
}

}  // namespace casetrail::store

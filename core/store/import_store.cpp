#include "core/store/import_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include "core/error.hpp"

namespace casetrail::store {
namespace {

// Process observations `o` in scope joined to their candidate partners `q`:
// process starts of the other source on the same host with the same pid
// (found through process_key_start, host_id + pid + time: the pool of pids
// one host reuses is small, so this never meets other hosts' processes), the
// same image ignoring ASCII case. :a and :b are the two sources; the caller
// adds the time range on qk.observed_at and the scope of `o`.
constexpr const char* k_partner_join =
    "FROM observation o "
    "JOIN process_key ok ON ok.observation_id = o.id "
    "JOIN process op ON op.observation_id = o.id "
    "JOIN process_key qk ON qk.host_id = ok.host_id AND qk.pid = ok.pid AND qk.kind = 'process' "
    "JOIN observation q ON q.id = qk.observation_id "
    "JOIN process qp ON qp.observation_id = q.id "
    "WHERE o.case_id = :case AND o.kind = 'process' AND o.source IN (:a, :b) "
    "AND ok.pid IS NOT NULL AND op.image IS NOT NULL "
    "AND q.source = CASE o.source WHEN :a THEN :b ELSE :a END "
    "AND lower(qp.image) = lower(op.image) ";

}  // namespace

void prepare_bulk_import(const Database& db) {
  translate_sqlite_errors([&] {
    // https://www.sqlite.org/pragma.html#pragma_cache_size: negative is KiB.
    // 16 MiB holds a batch of a few thousand records with the index pages it
    // touches; the memory is taken only as pages are used.
    db.connection().exec("PRAGMA cache_size = -16384");
    // https://www.sqlite.org/pragma.html#pragma_wal_autocheckpoint: a
    // checkpoint every 16 MiB of WAL rather than every 4 MiB: index pages
    // that every batch changes are copied back to the database less often.
    db.connection().exec("PRAGMA wal_autocheckpoint = 4096");
  });
}

RelaxedBatchSync::RelaxedBatchSync(const Database& db) : m_db(db) {
  // https://www.sqlite.org/pragma.html#pragma_synchronous: in WAL mode NORMAL
  // syncs the WAL before each checkpoint and the database after it; the file
  // stays consistent, only the most recent commits can be lost on power loss.
  translate_sqlite_errors([&] { db.connection().exec("PRAGMA synchronous = NORMAL"); });
}

RelaxedBatchSync::~RelaxedBatchSync() {
  try {
    m_db.connection().exec("PRAGMA synchronous = FULL");
  } catch (...) {
    // Setting a PRAGMA does not fail on an open connection; if it ever did,
    // the connection is closed right after an import anyway.
  }
}

std::int64_t link_same_executions(const Database& db, std::int64_t case_id, std::int64_t run_id,
                                  const ExecutionLinkRule& rule) {
  std::int64_t pairs = 0;
  write_transaction(db, [&] {
    // Both directions of each pair, so that reading an observation's links
    // is one primary-key range; OR IGNORE keeps what an earlier run linked.
    const std::string sql =
        std::string("WITH pairs (a, b, d) AS (SELECT o.id, q.id, q.observed_at - o.observed_at ") +
        k_partner_join +
        "AND (o.import_run_id = :run OR o.import_run_id IN (SELECT id FROM import_run "
        "WHERE case_id = :case AND finished_at IS NULL)) "
        "AND qk.observed_at BETWEEN ok.observed_at - :window AND ok.observed_at + :window) "
        "INSERT OR IGNORE INTO observation_link (observation_id, relation, linked_id, delta_us) "
        "SELECT a, 'same_execution', b, d FROM pairs UNION ALL "
        "SELECT b, 'same_execution', a, -d FROM pairs";
    SQLite::Statement s(db.connection(), sql);
    s.bind(":case", static_cast<std::int64_t>(case_id));
    s.bind(":run", static_cast<std::int64_t>(run_id));
    s.bind(":a", rule.source_a);
    s.bind(":b", rule.source_b);
    s.bind(":window", static_cast<std::int64_t>(rule.window.count()));
    pairs = s.exec() / 2;
  });
  return pairs;
}

std::vector<ClockDisagreement> find_clock_disagreements(const Database& db, std::int64_t case_id,
                                                        std::int64_t run_id,
                                                        const ExecutionLinkRule& rule,
                                                        time::Micros step, time::Micros max_offset) {
  // (host, multiple of step) -> pairs.
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> groups;
  translate_sqlite_errors([&] {
    // A pair with both sides in the run is met from both sides; it is counted
    // from its source_a side only.
    const std::string sql =
        std::string("SELECT (SELECT first_name FROM host WHERE id = ok.host_id), o.source, qk.observed_at - ok.observed_at ") +
        k_partner_join +
        "AND o.import_run_id = :run "
        "AND NOT (o.source = :b AND q.import_run_id IS :run) "
        "AND qk.observed_at BETWEEN ok.observed_at - :max AND ok.observed_at + :max "
        "AND abs(qk.observed_at - ok.observed_at) > :window "
        "AND NOT EXISTS (SELECT 1 FROM observation_link l WHERE l.observation_id = o.id) "
        "AND NOT EXISTS (SELECT 1 FROM observation_link l WHERE l.observation_id = q.id)";
    SQLite::Statement s(db.connection(), sql);
    s.bind(":case", static_cast<std::int64_t>(case_id));
    s.bind(":run", static_cast<std::int64_t>(run_id));
    s.bind(":a", rule.source_a);
    s.bind(":b", rule.source_b);
    s.bind(":window", static_cast<std::int64_t>(rule.window.count()));
    s.bind(":max", static_cast<std::int64_t>(max_offset.count() + rule.window.count()));
    const std::int64_t step_us = step.count();
    while (s.executeStep()) {
      std::int64_t d = s.getColumn(2).getInt64();
      // Orient every pair as source_b's time minus source_a's.
      if (s.getColumn(1).getString() != rule.source_a) d = -d;
      const std::int64_t multiple = (d >= 0 ? d + step_us / 2 : d - step_us / 2) / step_us;
      if (multiple == 0 || std::llabs(d - multiple * step_us) > rule.window.count()) continue;
      ++groups[{s.getColumn(0).getString(), multiple}];
    }
  });
  std::vector<ClockDisagreement> out;
  for (const auto& [key, pairs] : groups) {
    out.push_back({key.first, time::Micros(key.second * step.count()), pairs});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    if (x.host != y.host) return x.host < y.host;
    return x.pairs > y.pairs;
  });
  return out;
}

}  // namespace casetrail::store

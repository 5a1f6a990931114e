#include "core/store/custody_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/error.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/statement_util.hpp"

namespace casetrail::store {
namespace {

std::int64_t us(time::UtcTime t) { return t.time_since_epoch().count(); }

}  // namespace

std::int64_t create_import_run(const Database& db, std::int64_t case_id, const NewImportRun& run) {
  std::int64_t id = 0;
  write_transaction(db, [&] {
    SQLite::Database& c = db.connection();
    SQLite::Statement insert(c,
                             "INSERT INTO import_run (case_id, path, sha256, size, format, analyst, "
                             "started_at) VALUES (:case, :path, :sha256, :size, :format, :analyst, "
                             ":started)");
    insert.bind(":case", static_cast<std::int64_t>(case_id));
    insert.bind(":path", run.path);
    insert.bind(":sha256", run.sha256);
    insert.bind(":size", static_cast<std::int64_t>(run.size));
    insert.bind(":format", run.format);
    insert.bind(":analyst", run.analyst);
    insert.bind(":started", us(run.started_at));
    insert.exec();
    id = c.getLastInsertRowid();
    ChainWriter chain(c, case_id);
    integrity::ImportRunFields f;
    f.id = id;
    f.path = run.path;
    f.sha256 = run.sha256;
    f.size = run.size;
    f.format = run.format;
    f.analyst = run.analyst;
    f.started_at = us(run.started_at);
    integrity::serialise(f, chain.writer());
    chain.append(integrity::RecordKind::import_run, id, std::nullopt, chain.writer());
  });
  return id;
}

void finish_import_run(const Database& db, std::int64_t import_run_id, time::UtcTime finished_at,
                       const std::string& counts_json) {
  write_transaction(db, [&] {
    SQLite::Statement update(db.connection(),
                             "UPDATE import_run SET finished_at = ?, counts = ? "
                             "WHERE id = ? AND finished_at IS NULL");
    update.bind(1, static_cast<std::int64_t>(us(finished_at)));
    update.bind(2, counts_json);
    update.bind(3, static_cast<std::int64_t>(import_run_id));
    if (update.exec() == 0) {
      throw Error(ErrorCode::conflict, "import run " + std::to_string(import_run_id) +
                                           " does not exist or is already finished");
    }
  });
}

std::vector<ImportRunRecord> list_import_runs(const Database& db, std::int64_t case_id) {
  std::vector<ImportRunRecord> runs;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        "SELECT id, path, sha256, size, format, analyst, started_at, finished_at, "
                        "counts FROM import_run WHERE case_id = ? ORDER BY id");
    s.bind(1, static_cast<std::int64_t>(case_id));
    while (s.executeStep()) {
      ImportRunRecord r;
      r.id = s.getColumn(0).getInt64();
      r.path = s.getColumn(1).getString();
      r.sha256 = s.getColumn(2).getString();
      r.size = s.getColumn(3).getInt64();
      r.format = s.getColumn(4).getString();
      r.analyst = s.getColumn(5).getString();
      r.started_at = time::UtcTime(time::Micros(s.getColumn(6).getInt64()));
      if (auto f = optional_int(s, 7)) r.finished_at = time::UtcTime(time::Micros(*f));
      r.counts = optional_text(s, 8);
      runs.push_back(std::move(r));
    }
  });
  return runs;
}

}  // namespace casetrail::store

// The raw limit for the import benchmark: the rows a `casetrail import` wrote
// (so: the same rows, already parsed, mapped, fingerprinted, compressed and
// hashed), loaded into memory first, then inserted into a fresh database with
// the same schema (schema/schema.sql, its triggers included) and the same
// PRAGMAs as casetrail, with one prepared statement per table in one
// transaction, observation by observation as the import writes them: the
// observation, its process row, its technique rows and its hash-chain link.
// Nothing but SQLite's own insert cost is timed.
//
// Usage: raw_insert SOURCE.db SCHEMA.sql TARGET.db
// Prints: rows=N seconds=S rows_per_s=R cpu_seconds=C (C: user + system CPU
// time of the timed part, which a busy machine does not inflate as much as S)

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

// A column value as SQLite stored it.
struct Value {
  int type = SQLITE_NULL;
  std::int64_t integer = 0;
  std::string bytes;
};

Value read(SQLite::Statement& s, int i) {
  Value v;
  SQLite::Column c = s.getColumn(i);
  v.type = c.getType();
  if (v.type == SQLITE_INTEGER) v.integer = c.getInt64();
  if (v.type == SQLITE_TEXT || v.type == SQLITE_BLOB) {
    v.bytes.assign(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
  }
  return v;
}

void bind(SQLite::Statement& s, int i, const Value& v) {
  switch (v.type) {
    case SQLITE_INTEGER: s.bind(i, static_cast<std::int64_t>(v.integer)); break;
    case SQLITE_TEXT: s.bind(i, v.bytes); break;
    case SQLITE_BLOB: s.bind(i, v.bytes.data(), static_cast<int>(v.bytes.size())); break;
    default: s.bind(i); break;
  }
}

std::vector<std::vector<Value>> load(SQLite::Database& db, const std::string& sql) {
  std::vector<std::vector<Value>> rows;
  SQLite::Statement s(db, sql);
  while (s.executeStep()) {
    std::vector<Value> row;
    for (int i = 0; i < s.getColumnCount(); ++i) row.push_back(read(s, i));
    rows.push_back(std::move(row));
  }
  return rows;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: raw_insert SOURCE.db SCHEMA.sql TARGET.db\n");
    return 2;
  }
  SQLite::Database source(argv[1], SQLite::OPEN_READONLY);
  const auto cases = load(source, "SELECT * FROM case_file");
  const auto hosts = load(source, "SELECT * FROM host");
  const auto accounts = load(source, "SELECT * FROM account");
  const auto runs = load(source, "SELECT * FROM import_run");
  const auto observations = load(source, "SELECT * FROM observation ORDER BY id");
  const auto processes = load(source, "SELECT * FROM process ORDER BY observation_id");
  const auto techniques =
      load(source, "SELECT * FROM observation_technique ORDER BY observation_id");
  // The chain links of the observations (the case's own link and the import
  // run's are written before the import and copied untimed below).
  const auto links = load(source,
                          "SELECT * FROM chain_link WHERE kind = 'observation' ORDER BY record_id");
  const auto other_links =
      load(source, "SELECT * FROM chain_link WHERE kind <> 'observation' ORDER BY case_id, seq");

  std::ifstream schema_file(argv[2]);
  std::stringstream schema;
  schema << schema_file.rdbuf();
  SQLite::Database target(argv[3], SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  // The PRAGMAs casetrail sets (core/store/database.cpp, prepare_bulk_import).
  target.exec("PRAGMA foreign_keys = ON");
  target.exec("PRAGMA journal_mode = WAL");
  target.exec("PRAGMA synchronous = FULL");
  target.exec("PRAGMA temp_store = MEMORY");
  target.exec("PRAGMA cache_size = -16384");
  target.exec("PRAGMA wal_autocheckpoint = 4096");
  target.exec(schema.str());
  auto copy = [&](const char* table, const std::vector<std::vector<Value>>& rows) {
    if (rows.empty()) return;
    SQLite::Statement insert(target, std::string("INSERT INTO ") + table + " VALUES (" +
                                         placeholders(rows.front().size()) + ")");
    for (const auto& row : rows) {
      insert.reset();
      for (std::size_t i = 0; i < row.size(); ++i) bind(insert, static_cast<int>(i + 1), row[i]);
      insert.exec();
    }
  };
  {
    SQLite::Transaction t(target);
    copy("case_file", cases);
    copy("host", hosts);
    copy("account", accounts);
    copy("import_run", runs);
    copy("chain_link", other_links);
    t.commit();
  }

  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  {
    SQLite::Transaction t(target, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert_observation(
        target, "INSERT INTO observation VALUES (" + placeholders(observations.front().size()) + ")");
    SQLite::Statement insert_process(
        target, "INSERT INTO process VALUES (" + placeholders(processes.empty() ? 1 : processes.front().size()) + ")");
    std::optional<SQLite::Statement> insert_technique;
    if (!techniques.empty()) {
      insert_technique.emplace(target, "INSERT INTO observation_technique VALUES (" +
                                           placeholders(techniques.front().size()) + ")");
    }
    std::optional<SQLite::Statement> insert_link;
    if (!links.empty()) {
      insert_link.emplace(target,
                          "INSERT INTO chain_link VALUES (" + placeholders(links.front().size()) + ")");
    }
    // The rows of one observation from a list sorted by observation id
    // (column `id_column` of each row).
    auto insert_rows_of = [](std::int64_t id, const std::vector<std::vector<Value>>& rows,
                             std::size_t& next, int id_column, SQLite::Statement& insert) {
      while (next < rows.size() && rows[next][id_column].integer == id) {
        insert.reset();
        insert.clearBindings();
        for (std::size_t i = 0; i < rows[next].size(); ++i) {
          bind(insert, static_cast<int>(i + 1), rows[next][i]);
        }
        insert.exec();
        ++next;
      }
    };
    const int link_record_column = 3;  // chain_link (case_id, seq, kind, record_id, ...)
    std::size_t p = 0;
    std::size_t t_next = 0;
    std::size_t l_next = 0;
    for (const auto& row : observations) {
      insert_observation.reset();
      insert_observation.clearBindings();
      for (std::size_t i = 0; i < row.size(); ++i) bind(insert_observation, static_cast<int>(i + 1), row[i]);
      insert_observation.exec();
      insert_rows_of(row[0].integer, processes, p, 0, insert_process);
      if (insert_technique) insert_rows_of(row[0].integer, techniques, t_next, 0, *insert_technique);
      if (insert_link) insert_rows_of(row[0].integer, links, l_next, link_record_column, *insert_link);
    }
    t.commit();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rows=%zu seconds=%.3f rows_per_s=%.0f cpu_seconds=%.3f\n", observations.size(),
              seconds, static_cast<double>(observations.size()) / seconds, cpu_seconds() - cpu_start);
  return 0;
}

#include "core/store/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/migrations.hpp"

namespace casetrail::store {
namespace {

// How long one statement waits for another writer before SQLITE_BUSY
// (https://www.sqlite.org/c3ref/busy_timeout.html). write_transaction retries
// on top of it, so several processes logging at once queue rather than fail.
constexpr int k_busy_timeout_ms = 5000;
constexpr int k_write_attempts = 20;

[[noreturn]] void throw_database(const std::string& what) {
  throw Error(ErrorCode::database, what);
}

void configure(SQLite::Database& db) {
  // Foreign keys are off by default in SQLite; every reference in the schema
  // is meant (https://www.sqlite.org/foreignkeys.html#fk_enable).
  db.exec("PRAGMA foreign_keys = ON");
  // WAL: readers never block the writer and a crash leaves only whole
  // transactions (https://www.sqlite.org/wal.html). Not for :memory:.
  if (db.getFilename().empty() == false) {
    db.exec("PRAGMA journal_mode = WAL");
  }
  // FULL in WAL mode syncs the WAL at every commit, so a committed
  // observation survives a power loss, not only a process crash
  // (https://www.sqlite.org/pragma.html#pragma_synchronous). Evidence is
  // worth an fsync per commit; imports commit in batches, so the cost stays
  // small there.
  db.exec("PRAGMA synchronous = FULL");
  // Keep temporary b-trees (sorting large timelines) in memory.
  db.exec("PRAGMA temp_store = MEMORY");
}

// The allowlist of Database::open_query (osquery's approach: deny by default).
int query_authorizer(void*, int action, const char*, const char* name, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION: {
      // load_extension is off for SQL already; the others exist only in
      // builds with the shell's extensions, and read or write files.
      static const char* const k_denied[] = {"load_extension", "readfile", "writefile", "edit",
                                             "fts3_tokenizer"};
      for (const char* denied : k_denied) {
        if (name != nullptr && sqlite3_stricmp(name, denied) == 0) return SQLITE_DENY;
      }
      return SQLITE_OK;
    }
    default:
      // ATTACH, DETACH, INSERT, UPDATE, DELETE, CREATE/DROP/ALTER, PRAGMA,
      // transactions, savepoints, ANALYZE, REINDEX...
      return SQLITE_DENY;
  }
}

bool is_busy(const SQLite::Exception& e) {
  const int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

}  // namespace

int latest_schema_version() { return embedded_migrations().back().version; }

// Idle prepared statements by their SQL text. A few dozen distinct texts
// at most (the store's queries), so nothing is ever evicted.
class StatementPool {
public:
  std::unique_ptr<SQLite::Statement> take(const std::string& sql) {
    auto it = m_idle.find(sql);
    if (it == m_idle.end() || it->second.empty()) return nullptr;
    auto s = std::move(it->second.back());
    it->second.pop_back();
    return s;
  }
  void give_back(std::unique_ptr<SQLite::Statement> s) {
    // A statement that cannot be reset (its last step failed) is dropped:
    // the next user prepares a fresh one.
    if (s->tryReset() != SQLITE_OK) return;
    s->clearBindings();
    auto& idle = m_idle[s->getQuery()];
    idle.push_back(std::move(s));
  }

private:
  std::unordered_map<std::string, std::vector<std::unique_ptr<SQLite::Statement>>> m_idle;
};

PooledStatement::PooledStatement(StatementPool* pool, std::unique_ptr<SQLite::Statement> statement)
    : m_pool(pool), m_statement(std::move(statement)) {}

PooledStatement::PooledStatement(PooledStatement&& other) noexcept
    : m_pool(other.m_pool), m_statement(std::move(other.m_statement)) {}

PooledStatement::~PooledStatement() {
  if (!m_statement) return;
  try {
    m_pool->give_back(std::move(m_statement));
  } catch (...) {
    // Out of memory while keeping it: the statement is simply finalized.
  }
}

PooledStatement Database::prepare(const std::string& sql) const {
  if (auto s = m_statements->take(sql)) return PooledStatement(m_statements.get(), std::move(s));
  return PooledStatement(m_statements.get(), std::make_unique<SQLite::Statement>(*m_db, sql));
}

Database::Database(std::string path, std::unique_ptr<SQLite::Database> db)
    : m_path(std::move(path)), m_db(std::move(db)), m_statements(std::make_unique<StatementPool>()) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&& other) noexcept {
  // The pooled statements first: SQLite refuses to close a connection whose
  // statements are not finalized.
  m_statements.reset();
  m_db = std::move(other.m_db);
  m_statements = std::move(other.m_statements);
  m_path = std::move(other.m_path);
  return *this;
}
Database::~Database() = default;

Database Database::open(const std::string& path, OpenMode mode) {
  const bool memory = path == ":memory:";
  if (!memory && mode != OpenMode::create && !std::filesystem::exists(path)) {
    throw Error(ErrorCode::not_found, "database " + quote(path, 200) + " does not exist");
  }
  std::unique_ptr<SQLite::Database> db;
  try {
    // NOMUTEX: a Database is used by one thread at a time (the import's
    // parsing thread never touches it), so SQLite's per-connection mutex,
    // taken on every column read, only costs time.
    db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
        k_busy_timeout_ms);
    // A file that is not SQLite at all fails on the first read.
    const int application_id = db->execAndGet("PRAGMA application_id").getInt();
    const int user_version = db->execAndGet("PRAGMA user_version").getInt();
    const int objects = db->execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    if (application_id != k_application_id) {
      if (application_id != 0 || user_version != 0 || objects != 0) {
        throw_database("database " + quote(path, 200) +
                       " is not a casetrail case database (application_id " +
                       std::to_string(application_id) + ")");
      }
    }
    if (user_version > latest_schema_version()) {
      throw_database("database " + quote(path, 200) + " has schema version " +
                     std::to_string(user_version) + ", newer than this casetrail (" +
                     std::to_string(latest_schema_version()) + "): use a newer casetrail");
    }
    configure(*db);
  } catch (const SQLite::Exception& e) {
    throw_database("cannot open database " + quote(path, 200) + ": " + e.what());
  }
  Database result(path, std::move(db));
  if (mode != OpenMode::no_migrate) result.migrate();
  return result;
}

Database Database::open_query(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw Error(ErrorCode::not_found, "database " + quote(path, 200) + " does not exist");
  }
  std::unique_ptr<SQLite::Database> db;
  try {
    db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX,
                                            k_busy_timeout_ms);
    if (db->execAndGet("PRAGMA application_id").getInt() != k_application_id) {
      throw_database("database " + quote(path, 200) + " is not a casetrail case database");
    }
    sqlite3* handle = db->getHandle();
    // Defensive mode refuses writes to the schema and shadow tables even
    // through PRAGMAs (https://www.sqlite.org/c3ref/c_dbconfig_defensive.html);
    // no database can be attached at all.
    sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_set_authorizer(handle, query_authorizer, nullptr);
  } catch (const SQLite::Exception& e) {
    throw_database("cannot open database " + quote(path, 200) + ": " + e.what());
  }
  return Database(path, std::move(db));
}

std::int64_t run_query(const Database& db, const std::string& sql,
                       const std::function<void(const std::vector<std::string>&)>& columns,
                       const std::function<void(const std::vector<std::optional<std::string>>&)>& row) {
  sqlite3* handle = db.connection().getHandle();
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int prepared = sqlite3_prepare_v2(handle, sql.c_str(), static_cast<int>(sql.size()), &raw, &tail);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  const std::string message = sqlite3_errmsg(handle);
  // A denial fails the prepare with SQLITE_AUTH or, for some statements,
  // SQLITE_ERROR with SQLite's "not authorized" message.
  if (prepared == SQLITE_AUTH ||
      (prepared != SQLITE_OK && message.rfind("not authorized", 0) == 0)) {
    throw Error(ErrorCode::invalid_input, "query refused: only reading is allowed (" + message + ")");
  }
  if (prepared != SQLITE_OK) {
    throw Error(ErrorCode::invalid_input, "invalid query: " + message);
  }
  if (raw == nullptr) throw Error(ErrorCode::invalid_input, "invalid query: no statement");
  for (const char* p = tail; p != nullptr && *p != '\0'; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') {
      throw Error(ErrorCode::invalid_input, "query refused: one statement at a time");
    }
  }
  const int count = sqlite3_column_count(raw);
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) names.emplace_back(sqlite3_column_name(raw, i));
  columns(names);
  std::int64_t rows = 0;
  std::vector<std::optional<std::string>> values(static_cast<std::size_t>(count));
  for (;;) {
    const int step = sqlite3_step(raw);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) {
      throw Error(ErrorCode::database, "database error: " + std::string(sqlite3_errmsg(handle)));
    }
    for (int i = 0; i < count; ++i) {
      if (sqlite3_column_type(raw, i) == SQLITE_NULL) {
        values[static_cast<std::size_t>(i)].reset();
      } else {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(raw, i));
        const int size = sqlite3_column_bytes(raw, i);
        values[static_cast<std::size_t>(i)] = std::string(data == nullptr ? "" : data, static_cast<std::size_t>(size));
      }
    }
    row(values);
    ++rows;
  }
  return rows;
}

int Database::schema_version() const {
  int version = 0;
  translate_sqlite_errors(
      [&] { version = m_db->execAndGet("PRAGMA user_version").getInt(); });
  return version;
}

std::vector<int> Database::migrate() {
  std::vector<int> applied;
  for (const Migration& m : embedded_migrations()) {
    if (m.version <= schema_version()) continue;
    try {
      write_transaction(*this, [&] {
        // Re-read inside the write lock: another process may have migrated.
        if (m_db->execAndGet("PRAGMA user_version").getInt() >= m.version) return;
        m_db->exec(m.sql);
        // The chain starts with migration "integrity": records written
        // before it join the chain in the same transaction. By name, not
        // number, so that renumbering migrations does not move it.
        if (std::string_view(m.name) == "integrity") chain_backfill(*m_db);
        m_db->exec("PRAGMA application_id = " + std::to_string(k_application_id));
        m_db->exec("PRAGMA user_version = " + std::to_string(m.version));
        applied.push_back(m.version);
      });
    } catch (const Error& e) {
      throw_database("migration " + std::to_string(m.version) + " (" + m.name +
                     ") failed, nothing of it applied: " + e.what());
    }
  }
  return applied;
}

CheckReport Database::check() const {
  CheckReport report;
  translate_sqlite_errors([&] {
    SQLite::Statement integrity(*m_db, "PRAGMA integrity_check");
    while (integrity.executeStep()) {
      std::string line = integrity.getColumn(0).getString();
      if (line != "ok") report.integrity.push_back(line);
    }
    SQLite::Statement fk(*m_db, "PRAGMA foreign_key_check");
    while (fk.executeStep()) {
      report.foreign_keys.push_back("table " + fk.getColumn(0).getString() + " row " +
                                    std::to_string(fk.getColumn(1).getInt64()) +
                                    " references a missing row of " + fk.getColumn(2).getString());
    }
  });
  return report;
}

void translate_sqlite_errors(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error&) {
    throw;
  } catch (const SQLite::Exception& e) {
    throw Error(ErrorCode::database, std::string("database error: ") + e.what());
  }
}

void write_transaction(const Database& db, const std::function<void()>& body) {
  SQLite::Database& connection = db.connection();
  std::mt19937 jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    try {
      SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
      body();
      transaction.commit();
      return;
    } catch (const SQLite::Exception& e) {
      if (!is_busy(e) || attempt == k_write_attempts) {
        throw Error(ErrorCode::database, std::string("database error: ") + e.what());
      }
      // Exponential backoff with jitter, capped, so that writers waiting for
      // one another do not retry in lock step.
      const int base = std::min(1000, 10 << std::min(attempt, 6));
      std::uniform_int_distribution<int> spread(base / 2, base);
      std::this_thread::sleep_for(std::chrono::milliseconds(spread(jitter)));
    }
  }
}

}  // namespace casetrail::store

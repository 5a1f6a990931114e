#pragma once
// Opening a case database: the one place that sets PRAGMAs, checks that the
// file is ours, and migrates it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
class Statement;
}

namespace casetrail::store {

// "CTRL" in ASCII: PRAGMA application_id marks the file as a casetrail case
// database (https://www.sqlite.org/pragma.html#pragma_application_id).
inline constexpr std::int32_t k_application_id = 0x4354524c;

enum class OpenMode {
  create,     // create the file if missing, migrate to the latest schema
  existing,   // the file must exist; migrate it
  no_migrate, // the file must exist; do not migrate (db version, db migrate --dry)
};

struct CheckReport {
  std::vector<std::string> integrity;    // integrity_check lines other than "ok"
  std::vector<std::string> foreign_keys; // foreign_key_check rows, described
  bool ok() const { return integrity.empty() && foreign_keys.empty(); }
};

class StatementPool;

// A prepared statement borrowed from its connection's pool (see
// Database::prepare). On destruction it is reset, its bindings cleared, and
// it goes back to the pool. Must not outlive the Database.
class PooledStatement {
public:
  PooledStatement(PooledStatement&& other) noexcept;
  PooledStatement& operator=(PooledStatement&&) = delete;
  PooledStatement(const PooledStatement&) = delete;
  ~PooledStatement();
  SQLite::Statement& operator*() const { return *m_statement; }
  SQLite::Statement* operator->() const { return m_statement.get(); }

private:
  friend class Database;
  PooledStatement(StatementPool* pool, std::unique_ptr<SQLite::Statement> statement);
  StatementPool* m_pool;
  std::unique_ptr<SQLite::Statement> m_statement;
};

class Database {
public:
  // Opens (and by default creates and migrates) the database at `path`
  // (":memory:" for an in-memory one). Throws casetrail::Error:
  //   database: not a casetrail database (application_id), a schema newer than
  //             this binary, a failed migration (nothing of it is applied),
  //             or SQLite's own message;
  //   not_found: the file is missing and mode is not create.
  static Database open(const std::string& path, OpenMode mode = OpenMode::create);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Opens `path` read-only for SQL a user types (no command offers that yet;
  // any that does must use this). Nothing is created or migrated. An
  // authorizer (https://www.sqlite.org/c3ref/set_authorizer.html) allows only
  // reading: SELECT, reading columns, functions other than load_extension and
  // file access, recursive CTEs; it denies ATTACH and DETACH (no reaching
  // other files), every write, PRAGMA and transaction control. Throws
  // Error(not_found) for a missing file, Error(database) otherwise.
  static Database open_query(const std::string& path);

  // PRAGMA user_version of the open file.
  int schema_version() const;

  // Applies the pending migrations, each with its user_version bump in one
  // transaction. Returns the versions applied. Throws Error(database).
  std::vector<int> migrate();

  // PRAGMA integrity_check and foreign_key_check.
  CheckReport check() const;

  const std::string& path() const { return m_path; }

  // For code in core/store only: the connection. Everything else goes
  // through the use-case functions of the store.
  SQLite::Database& connection() const { return *m_db; }

  // For code in core/store only: `sql` prepared on this connection, taken
  // from the connection's pool when an idle one is there (parsing and
  // planning a statement costs more than running most of the correlation
  // lookups, so a process asking many questions prepares each once). The
  // statement comes without bindings and not stepped. Nested use of the
  // same text gets a second statement. Throws SQLite::Exception.
  PooledStatement prepare(const std::string& sql) const;

private:
  Database(std::string path, std::unique_ptr<SQLite::Database> db);
  std::string m_path;
  std::unique_ptr<SQLite::Database> m_db;
  // After m_db: destroyed first, while the connection is still open.
  std::unique_ptr<StatementPool> m_statements;
};

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, retrying with backoff while
// another writer holds the lock (SQLITE_BUSY beyond the busy timeout), and
// rolling back if `body` throws. SQLite exceptions are translated to
// casetrail::Error(database) keeping SQLite's message.
void write_transaction(const Database& db, const std::function<void()>& body);

// Runs one SQL statement typed by a user on a connection from
// Database::open_query: `columns` gets the column names once, `row` each row
// (NULL as nullopt, everything else as its text or bytes). Returns the number
// of rows. Throws Error(invalid_input) "query refused: ..." when the
// authorizer denies it or the text holds more than one statement, and
// Error(invalid_input) with SQLite's message for SQL that does not prepare.
std::int64_t run_query(const Database& db, const std::string& sql,
                       const std::function<void(const std::vector<std::string>&)>& columns,
                       const std::function<void(const std::vector<std::optional<std::string>>&)>& row);

// Translates a SQLite::Exception (or any std::exception) thrown by `body`
// into casetrail::Error(database); casetrail::Error passes through.
void translate_sqlite_errors(const std::function<void()>& body);

}  // namespace casetrail::store

#include "core/store/chain_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/store/statement_util.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::store {
namespace {

using integrity::CanonicalWriter;
using integrity::RecordKind;

// A column's bytes without a copy; valid until the statement steps again.
std::optional<std::string_view> view(SQLite::Statement& s, int column) {
  SQLite::Column c = s.getColumn(column);
  if (c.isNull()) return std::nullopt;
  const char* data = static_cast<const char*>(c.getBlob());
  const int size = c.getBytes();
  return std::string_view(data == nullptr ? "" : data, static_cast<std::size_t>(size));
}

std::string_view text(SQLite::Statement& s, int column) { return view(s, column).value_or(""); }

std::optional<std::int64_t> integer(SQLite::Statement& s, int column) {
  SQLite::Column c = s.getColumn(column);
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

// A prepared statement read through SQLite's C interface. The chain scan
// reads some forty columns per record; through SQLite::Column (a shared
// reference to its statement per read) the reads had cost more than
// SQLite's own work for them.
class RawStatement {
public:
  RawStatement(SQLite::Database& c, const std::string& sql) : m_db(c.getHandle()) {
    // https://www.sqlite.org/c3ref/prepare.html
    const int rc = sqlite3_prepare_v3(m_db, sql.c_str(), static_cast<int>(sql.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(m_stmt);
      throw SQLite::Exception(m_db, rc);
    }
  }
  ~RawStatement() { sqlite3_finalize(m_stmt); }
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;

  void bind(const char* name, std::int64_t value) {
    check(sqlite3_bind_int64(m_stmt, sqlite3_bind_parameter_index(m_stmt, name), value));
  }
  void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(m_stmt, index, value)); }
  // Rewinds the statement; an earlier step's error was reported by step().
  void reset() { sqlite3_reset(m_stmt); }
  // True when a row is ready, false when done; throws on an error.
  bool step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SQLite::Exception(m_db, rc);
  }
  sqlite3_stmt* get() const { return m_stmt; }

private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw SQLite::Exception(m_db, rc);
  }

  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

std::optional<std::string_view> view(RawStatement& s, int column) {
  sqlite3_stmt* const stmt = s.get();
  // https://www.sqlite.org/c3ref/column_blob.html: the pointer first, then
  // the size. No pointer: NULL, or an empty value.
  const char* data = static_cast<const char*>(sqlite3_column_blob(stmt, column));
  if (data == nullptr) {
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
    return std::string_view();
  }
  return std::string_view(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

std::string_view text(RawStatement& s, int column) { return view(s, column).value_or(""); }

std::optional<std::int64_t> integer(RawStatement& s, int column) {
  sqlite3_stmt* const stmt = s.get();
  if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt, column);
}

// Every reader below selects the row id as column 0 and the observation
// number the record concerns (or NULL) as column 1.

constexpr const char* k_case_sql =
    "SELECT id, NULL, key, title, severity, lead, time_zone, created_at, created_by "
    "FROM case_file WHERE id = :case";

void serialise_case(RawStatement& s, CanonicalWriter& w) {
  integrity::CaseFields f;
  f.key = text(s, 2);
  f.title = text(s, 3);
  f.severity = text(s, 4);
  f.lead = view(s, 5);
  f.time_zone = view(s, 6);
  f.created_at = integer(s, 7).value_or(0);
  f.created_by = text(s, 8);
  integrity::serialise(f, w);
}

constexpr const char* k_import_run_columns =
    "SELECT id, NULL, path, sha256, size, format, analyst, started_at FROM import_run ";

void serialise_import_run(RawStatement& s, CanonicalWriter& w) {
  integrity::ImportRunFields f;
  f.id = integer(s, 0).value_or(0);
  f.path = text(s, 2);
  f.sha256 = text(s, 3);
  f.size = integer(s, 4).value_or(0);
  f.format = text(s, 5);
  f.analyst = text(s, 6);
  f.started_at = integer(s, 7).value_or(0);
  integrity::serialise(f, w);
}

constexpr const char* k_observation_columns =
    "SELECT o.id, o.number, o.uuid, o.kind, o.observed_at, o.observed_offset, o.observed_text, "
    "o.time_precision, o.time_zone, o.time_source, o.skew_us, o.host_id, o.host_observed, "
    "o.account_id, o.account_observed, o.source, o.source_ref, o.import_run_id, o.fingerprint, "
    "o.analyst, o.logged_at, o.note, o.raw, o.raw_codec, o.attrs, p.observation_id, p.image, "
    "p.image_name, p.command_line, p.args, p.args_source, p.pid, p.guid, p.parent_image, "
    "p.parent_command_line, p.parent_pid, p.parent_guid, p.cwd, p.logon_id, p.integrity_level, "
    "p.hashes, p.user FROM observation o LEFT JOIN process p ON p.observation_id = o.id ";

constexpr const char* k_audit_columns =
    "SELECT u.id, o.number, u.observation_id, u.action, u.field, u.old_value, u.new_value, "
    "u.reason, u.analyst, u.at, u.attack_release FROM audit u "
    "LEFT JOIN observation o ON o.id = u.observation_id ";

void serialise_audit(RawStatement& s, CanonicalWriter& w) {
  integrity::AuditFields f;
  // An audit row whose observation is gone serialises its row id's absence
  // as a null number: the record then fails its hash and is reported.
  f.observation = integer(s, 1);
  f.action = text(s, 3);
  f.field = view(s, 4);
  f.old_value = view(s, 5);
  f.new_value = view(s, 6);
  f.reason = view(s, 7);
  f.analyst = text(s, 8);
  f.at = integer(s, 9).value_or(0);
  f.attack_release = view(s, 10);
  integrity::serialise(f, w);
}

// Techniques of observations, read either in step with an observation scan
// (one cursor over the case, ordered by observation) or for one observation.
class TechniqueReader {
public:
  explicit TechniqueReader(SQLite::Database& c)
      // The whole table in primary-key order: rows of other cases are
      // stepped over by sequential(), which is cheaper than a filter that
      // makes SQLite sort.
      : m_scan(c,
               "SELECT observation_id, technique_id, attack_release FROM observation_technique "
               "ORDER BY observation_id, technique_id"),
        m_point(c,
                "SELECT observation_id, technique_id, attack_release FROM observation_technique "
                "WHERE observation_id = ? ORDER BY technique_id") {
    m_valid = m_scan.step();
  }

  // The techniques of observation `id`, copied (they outlive the step).
  const std::vector<std::pair<std::string, std::optional<std::string>>>& sequential(
      std::int64_t id) {
    m_rows.clear();
    while (m_valid && integer(m_scan, 0).value_or(0) < id) m_valid = m_scan.step();
    while (m_valid && integer(m_scan, 0).value_or(0) == id) {
      m_rows.emplace_back(std::string(text(m_scan, 1)), copy(view(m_scan, 2)));
      m_valid = m_scan.step();
    }
    return m_rows;
  }

  const std::vector<std::pair<std::string, std::optional<std::string>>>& point(std::int64_t id) {
    m_rows.clear();
    m_point.reset();
    m_point.bind(1, static_cast<std::int64_t>(id));
    while (m_point.step()) {
      m_rows.emplace_back(std::string(text(m_point, 1)), copy(view(m_point, 2)));
    }
    return m_rows;
  }

private:
  static std::optional<std::string> copy(std::optional<std::string_view> v) {
    if (v) return std::string(*v);
    return std::nullopt;
  }

  RawStatement m_scan;
  RawStatement m_point;
  bool m_valid = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> m_rows;
};

// The canonical field index of raw_sha256 (integrity::field_names).
constexpr std::size_t k_raw_sha256_field = 21;

// A raw record whose digest the scan leaves to its visitor: a copy of its
// stored bytes (the cursor steps on before the visitor sees the record).
struct DeferredSlot {
  bool present = false;
  std::string stored;
  bool zstd = false;
  std::size_t digest_at = 0;
};

// The canonical names of hosts (or accounts) by row id, read once each:
// a case names a few hundred at most, and a join per observation cost more.
// A row id with no row reads as NULL, as the join it replaces did.
class CanonicalNames {
public:
  CanonicalNames(SQLite::Database& c, const char* table)
      : m_point(c, std::string("SELECT canonical FROM ") + table + " WHERE id = ?") {}

  std::optional<std::string_view> of(std::optional<std::int64_t> id) {
    if (!id) return std::nullopt;
    auto it = m_names.find(*id);
    if (it == m_names.end()) {
      m_point.reset();
      m_point.bind(1, *id);
      std::optional<std::string> name;
      if (m_point.step()) {
        if (auto v = view(m_point, 0)) name = std::string(*v);
      }
      it = m_names.emplace(*id, std::move(name)).first;
    }
    if (!it->second) return std::nullopt;
    return std::string_view(*it->second);
  }

private:
  RawStatement m_point;
  std::unordered_map<std::int64_t, std::optional<std::string>> m_names;
};

void serialise_observation(RawStatement& s, CanonicalWriter& w,
                           const std::vector<std::pair<std::string, std::optional<std::string>>>& techniques,
                           CanonicalNames& hosts, CanonicalNames& accounts,
                           integrity::Sha256& sha256,
                           DeferredSlot* deferred) {
  integrity::ObservationFields f;
  f.number = integer(s, 1).value_or(0);
  f.uuid = text(s, 2);
  f.kind = text(s, 3);
  f.observed_at = integer(s, 4).value_or(0);
  f.observed_offset = integer(s, 5).value_or(0);
  f.observed_text = text(s, 6);
  f.time_precision = integer(s, 7).value_or(0);
  f.time_zone = view(s, 8);
  f.time_source = text(s, 9);
  f.skew_us = integer(s, 10);
  f.host = hosts.of(integer(s, 11)).value_or("");
  f.host_observed = text(s, 12);
  f.account = accounts.of(integer(s, 13));
  f.account_observed = view(s, 14);
  f.source = text(s, 15);
  f.source_ref = view(s, 16);
  f.import_run = integer(s, 17);
  f.fingerprint = view(s, 18);
  f.analyst = text(s, 19);
  f.logged_at = integer(s, 20).value_or(0);
  f.note = view(s, 21);
  integrity::Digest raw_digest{};
  const auto raw = view(s, 22);
  if (deferred != nullptr) deferred->present = false;
  if (raw && deferred != nullptr) {
    // Zeros for now; the visitor writes the digest at this field's end.
    deferred->present = true;
    deferred->stored.assign(*raw);
    deferred->zstd = text(s, 23) == "zstd";
    f.raw_sha256 = integrity::as_bytes(raw_digest);
  } else if (raw) {
    std::string scratch;
    raw_digest = stored_raw_digest(sha256, *raw, text(s, 23) == "zstd", scratch);
    f.raw_sha256 = integrity::as_bytes(raw_digest);
  }
  f.attrs = view(s, 24);
  f.techniques.reserve(techniques.size());
  for (const auto& [id, release] : techniques) {
    f.techniques.push_back({id, release ? std::optional<std::string_view>(*release) : std::nullopt});
  }
  if (integer(s, 25)) {
    integrity::ProcessFields p;
    p.image = view(s, 26);
    p.image_name = view(s, 27);
    p.command_line = view(s, 28);
    p.args = view(s, 29);
    p.args_source = view(s, 30);
    p.pid = integer(s, 31);
    p.guid = view(s, 32);
    p.parent_image = view(s, 33);
    p.parent_command_line = view(s, 34);
    p.parent_pid = integer(s, 35);
    p.parent_guid = view(s, 36);
    p.cwd = view(s, 37);
    p.logon_id = view(s, 38);
    p.integrity_level = view(s, 39);
    p.hashes = view(s, 40);
    p.user = view(s, 41);
    f.process = p;
  }
  integrity::serialise(f, w);
  if (deferred != nullptr && deferred->present) {
    deferred->digest_at = w.field(k_raw_sha256_field).second - raw_digest.size();
  }
}

// The records of one kind in a case, read in row-id order alongside the
// chain (which names them in that order unless something was tampered with),
// with a point lookup for a record named out of order. Rows the cursor passes
// and no link names are the unchained ones.
class RecordCursor {
public:
  using Serialise = std::function<void(RawStatement&, CanonicalWriter&, bool sequential)>;

  RecordCursor(SQLite::Database& c, const std::string& columns, const std::string& case_column,
               std::int64_t case_id, Serialise serialise)
      : m_scan(c, columns + "WHERE " + case_column + " = :case ORDER BY " + id_column(columns)),
        m_point(c, columns + "WHERE " + id_column(columns) + " = :id AND " + case_column +
                       " = :case"),
        m_serialise(std::move(serialise)) {
    m_scan.bind(":case", static_cast<std::int64_t>(case_id));
    m_point.bind(":case", static_cast<std::int64_t>(case_id));
    advance();
  }

  // Serialises record `id` into `w`; false when the case has no such record.
  bool fetch(std::int64_t id, CanonicalWriter& w, std::optional<std::int64_t>& number) {
    while (m_valid && m_current < id) {
      if (!m_out_of_order.count(m_current)) m_passed.emplace(m_current, integer(m_scan, 1));
      advance();
    }
    if (m_valid && m_current == id) {
      number = integer(m_scan, 1);
      m_serialise(m_scan, w, true);
      advance();
      return true;
    }
    m_point.reset();
    m_point.bind(":id", static_cast<std::int64_t>(id));
    if (!m_point.step()) return false;
    number = integer(m_point, 1);
    m_serialise(m_point, w, false);
    m_passed.erase(id);
    m_out_of_order.insert(id);
    return true;
  }

  // Reports every record no fetch asked for.
  void finish(RecordKind kind, ChainVisitor& visitor) {
    while (m_valid) {
      if (!m_out_of_order.count(m_current)) m_passed.emplace(m_current, integer(m_scan, 1));
      advance();
    }
    for (const auto& [id, number] : m_passed) visitor.unchained(kind, id, number);
  }

private:
  static std::string id_column(const std::string& columns) {
    // "SELECT o.id, ..." -> "o.id"
    const auto start = std::string("SELECT ").size();
    return columns.substr(start, columns.find(',') - start);
  }

  void advance() {
    m_valid = m_scan.step();
    if (m_valid) m_current = integer(m_scan, 0).value_or(0);
  }

  RawStatement m_scan;
  RawStatement m_point;
  Serialise m_serialise;
  bool m_valid = false;
  std::int64_t m_current = 0;
  std::map<std::int64_t, std::optional<std::int64_t>> m_passed;
  std::set<std::int64_t> m_out_of_order;
};

// The four cursors of one case.
struct CaseRecords {
  integrity::Sha256 sha256;
  TechniqueReader techniques;
  CanonicalNames hosts;
  CanonicalNames accounts;
  RecordCursor cases;
  RecordCursor import_runs;
  RecordCursor observations;
  RecordCursor audits;

  // Where the observation cursor leaves a deferred raw record (see
  // CurrentRecord::raw); null: digest it while serialising.
  DeferredSlot* deferred_raw = nullptr;

  CaseRecords(SQLite::Database& c, std::int64_t case_id)
      : techniques(c),
        hosts(c, "host"),
        accounts(c, "account"),
        cases(c, "SELECT id, NULL, key, title, severity, lead, time_zone, created_at, created_by "
                 "FROM case_file ",
              "id", case_id, [](RawStatement& s, CanonicalWriter& w, bool) { serialise_case(s, w); }),
        import_runs(c, k_import_run_columns, "case_id", case_id,
                    [](RawStatement& s, CanonicalWriter& w, bool) { serialise_import_run(s, w); }),
        // "+o.case_id": not through the (case_id, observed_at) index, which
        // would make SQLite sort the whole case, raw records included, by
        // id; the table is scanned in row-id order instead.
        observations(c, k_observation_columns, "+o.case_id", case_id,
                     [this](RawStatement& s, CanonicalWriter& w, bool sequential) {
                       const std::int64_t id = integer(s, 0).value_or(0);
                       serialise_observation(
                           s, w, sequential ? techniques.sequential(id) : techniques.point(id),
                           hosts, accounts, sha256, deferred_raw);
                     }),
        audits(c, k_audit_columns, "u.case_id", case_id,
               [](RawStatement& s, CanonicalWriter& w, bool) { serialise_audit(s, w); }) {}

  RecordCursor& of(RecordKind kind) {
    switch (kind) {
      case RecordKind::case_file: return cases;
      case RecordKind::import_run: return import_runs;
      case RecordKind::observation: return observations;
      case RecordKind::audit: return audits;
    }
    return cases;
  }
};

}  // namespace

integrity::Digest stored_raw_digest(integrity::Sha256& sha256, std::string_view stored, bool zstd,
                                    std::string& scratch) {
  const bool decoded = zstd && util::zstd_decompress_into(stored, scratch);
  return sha256.digest(decoded ? std::string_view(scratch) : stored);
}

ChainWriter::ChainWriter(SQLite::Database& connection, std::int64_t case_id) : m_case_id(case_id) {
  SQLite::Statement head(connection,
                         "SELECT seq, hash FROM chain_link WHERE case_id = ? ORDER BY seq DESC "
                         "LIMIT 1");
  head.bind(1, static_cast<std::int64_t>(case_id));
  if (head.executeStep()) {
    m_seq = head.getColumn(0).getInt64();
    const auto stored = integrity::digest_from_bytes(*view(head, 1));
    if (!stored) {
      throw Error(ErrorCode::integrity,
                  "the chain head of this case is damaged (link " + std::to_string(m_seq) +
                      "): run casetrail verify");
    }
    m_head = *stored;
  }
  m_insert = std::make_unique<SQLite::Statement>(
      connection,
      "INSERT INTO chain_link (case_id, seq, kind, record_id, number, hash, field_tags) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
}

ChainWriter::~ChainWriter() = default;

const integrity::Digest& ChainWriter::append(RecordKind kind, std::int64_t record_id,
                                             std::optional<std::int64_t> number,
                                             const CanonicalWriter& record) {
  const integrity::Digest next = m_sha256.link(record.data(), m_head);
  SQLite::Statement& s = *m_insert;
  s.reset();
  s.bind(1, static_cast<std::int64_t>(m_case_id));
  s.bind(2, static_cast<std::int64_t>(m_seq + 1));
  s.bind(3, std::string(integrity::to_string(kind)));
  s.bind(4, static_cast<std::int64_t>(record_id));
  if (number) {
    s.bind(5, static_cast<std::int64_t>(*number));
  } else {
    s.bind(5);
  }
  s.bind(6, next.data(), static_cast<int>(next.size()));
  s.bind(7, record.tags().data(), static_cast<int>(record.tags().size()));
  s.exec();
  ++m_seq;
  m_head = next;
  return m_head;
}

std::int64_t insert_audit(SQLite::Database& c, const NewAudit& a) {
  SQLite::Statement insert(c,
                           "INSERT INTO audit (case_id, observation_id, action, field, old_value, "
                           "new_value, reason, analyst, at, attack_release) VALUES (:case, :obs, "
                           ":action, :field, :old, :new, :reason, :analyst, :at, :release)");
  insert.bind(":case", static_cast<std::int64_t>(a.case_id));
  bind_optional(insert, ":obs", a.observation_id);
  insert.bind(":action", a.action);
  bind_optional(insert, ":field", a.field);
  bind_optional(insert, ":old", a.old_value);
  bind_optional(insert, ":new", a.new_value);
  bind_optional(insert, ":reason", a.reason);
  insert.bind(":analyst", a.analyst);
  insert.bind(":at", static_cast<std::int64_t>(a.at));
  bind_optional(insert, ":release", a.attack_release);
  insert.exec();
  const std::int64_t id = c.getLastInsertRowid();

  auto v = [](const std::optional<std::string>& s) -> integrity::Text {
    if (s) return std::string_view(*s);
    return std::nullopt;
  };
  integrity::AuditFields f;
  f.observation = a.observation_number;
  f.action = a.action;
  f.field = v(a.field);
  f.old_value = v(a.old_value);
  f.new_value = v(a.new_value);
  f.reason = v(a.reason);
  f.analyst = a.analyst;
  f.at = a.at;
  f.attack_release = v(a.attack_release);
  ChainWriter chain(c, a.case_id);
  integrity::serialise(f, chain.writer());
  chain.append(RecordKind::audit, id, a.observation_number, chain.writer());
  return id;
}

void chain_new_case(SQLite::Database& c, std::int64_t case_id) {
  RawStatement s(c, k_case_sql);
  s.bind(":case", static_cast<std::int64_t>(case_id));
  if (!s.step()) throw Error(ErrorCode::database, "case row vanished while chaining it");
  ChainWriter chain(c, case_id);
  serialise_case(s, chain.writer());
  chain.append(RecordKind::case_file, case_id, std::nullopt, chain.writer());
}

void chain_backfill(SQLite::Database& c) {
  std::vector<std::int64_t> cases;
  {
    SQLite::Statement s(c,
                        "SELECT id FROM case_file WHERE NOT EXISTS "
                        "(SELECT 1 FROM chain_link l WHERE l.case_id = case_file.id) ORDER BY id");
    while (s.executeStep()) cases.push_back(s.getColumn(0).getInt64());
  }
  for (const std::int64_t case_id : cases) {
    ChainWriter chain(c, case_id);
    CaseRecords records(c, case_id);
    for (const auto& [kind, sql] :
         {std::pair{RecordKind::case_file, "SELECT id FROM case_file WHERE id = ?"},
          std::pair{RecordKind::import_run, "SELECT id FROM import_run WHERE case_id = ? ORDER BY id"},
          std::pair{RecordKind::observation,
                    "SELECT id FROM observation WHERE case_id = ? ORDER BY id"},
          std::pair{RecordKind::audit, "SELECT id FROM audit WHERE case_id = ? ORDER BY id"}}) {
      std::vector<std::int64_t> ids;
      SQLite::Statement s(c, sql);
      s.bind(1, static_cast<std::int64_t>(case_id));
      while (s.executeStep()) ids.push_back(s.getColumn(0).getInt64());
      for (const std::int64_t id : ids) {
        std::optional<std::int64_t> number;
        if (!records.of(kind).fetch(id, chain.writer(), number)) continue;
        chain.append(kind, id, number, chain.writer());
      }
    }
  }
}

void scan_case_chain(const Database& db, std::int64_t case_id, ChainVisitor& visitor,
                     bool defer_raw_digest) {
  translate_sqlite_errors([&] {
    SQLite::Database& c = db.connection();
    // One read transaction: every cursor sees the same snapshot.
    SQLite::Transaction snapshot(c, SQLite::TransactionBehavior::DEFERRED);
    CaseRecords records(c, case_id);
    DeferredSlot deferred;
    if (defer_raw_digest) records.deferred_raw = &deferred;
    RawStatement links(c,
                       "SELECT seq, kind, record_id, number, hash, field_tags FROM chain_link "
                       "WHERE case_id = ? ORDER BY seq");
    links.bind(1, static_cast<std::int64_t>(case_id));
    CanonicalWriter writer;
    StoredLink link;
    while (links.step()) {
      link.seq = integer(links, 0).value_or(0);
      const auto kind = integrity::parse_record_kind(text(links, 1));
      link.record_id = integer(links, 2).value_or(0);
      link.number = integer(links, 3);
      link.hash.assign(text(links, 4));
      link.tags.assign(text(links, 5));
      CurrentRecord current;
      deferred.present = false;
      if (kind) {
        link.kind = *kind;
        current.exists = records.of(*kind).fetch(link.record_id, writer, current.number);
        if (deferred.present) {
          current.raw = CurrentRecord::DeferredRaw{&deferred.stored, deferred.zstd,
                                                   deferred.digest_at};
        }
      } else {
        // A kind the schema's CHECK forbids: report the link as naming nothing.
        link.kind = RecordKind::observation;
      }
      if (current.exists) {
        current.canonical = writer.data();
      }
      visitor.link(link, current);
    }
    for (const RecordKind kind : {RecordKind::case_file, RecordKind::import_run,
                                  RecordKind::observation, RecordKind::audit}) {
      records.of(kind).finish(kind, visitor);
    }
    snapshot.commit();
  });
}

void for_each_chain_link(const Database& db, std::int64_t case_id,
                         const std::function<void(const StoredLink&)>& visit) {
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        "SELECT seq, kind, record_id, number, hash, field_tags FROM chain_link "
                        "WHERE case_id = ? ORDER BY seq");
    s.bind(1, static_cast<std::int64_t>(case_id));
    StoredLink link;
    while (s.executeStep()) {
      link.seq = s.getColumn(0).getInt64();
      link.kind = integrity::parse_record_kind(text(s, 1)).value_or(RecordKind::observation);
      link.record_id = s.getColumn(2).getInt64();
      link.number = integer(s, 3);
      link.hash.assign(text(s, 4));
      link.tags.assign(text(s, 5));
      visit(link);
    }
  });
}

ChainHead chain_head(const Database& db, std::int64_t case_id) {
  ChainHead head;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        "SELECT seq, hash FROM chain_link WHERE case_id = ? ORDER BY seq DESC "
                        "LIMIT 1");
    s.bind(1, static_cast<std::int64_t>(case_id));
    if (s.executeStep()) {
      head.seq = s.getColumn(0).getInt64();
      head.hash = integrity::digest_from_bytes(text(s, 1));
    }
  });
  return head;
}

}  // namespace casetrail::store

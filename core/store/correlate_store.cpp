#include "core/store/correlate_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>

#include "core/error.hpp"
#include "core/store/attack_store.hpp"
#include "core/store/statement_util.hpp"

namespace casetrail::store {
namespace {

std::int64_t us(time::UtcTime t) { return t.time_since_epoch().count(); }
time::UtcTime from_us(std::int64_t v) { return time::UtcTime(time::Micros(v)); }

// Every statement of this file, named, so that the plan test and the
// benchmark see exactly what runs. Parameters are positional, in the order
// the functions below bind them.
namespace sql {

constexpr const char* find_host =
    "SELECT id, canonical FROM host WHERE case_id = ? AND canonical = ?";
constexpr const char* find_account =
    "SELECT id, canonical FROM account WHERE case_id = ? AND canonical = ?";

constexpr const char* window_on_host =
    "SELECT id, observed_at FROM observation WHERE host_id = ? AND observed_at BETWEEN ? AND ? "
    "ORDER BY observed_at, id";
constexpr const char* window_by_account =
    "SELECT id, observed_at FROM observation WHERE account_id = ? AND observed_at BETWEEN ? AND ? "
    "ORDER BY observed_at, id";
constexpr const char* window_in_case =
    "SELECT id, observed_at FROM observation WHERE case_id = ? AND observed_at BETWEEN ? AND ? "
    "ORDER BY observed_at, id";
constexpr const char* window_in_session =
    "SELECT observation_id, observed_at FROM process_key "
    "WHERE host_id = ? AND logon_id = ? AND observed_at BETWEEN ? AND ? "
    "ORDER BY observed_at, observation_id";
constexpr const char* session_logon =
    "SELECT observation_id, observed_at FROM process_key "
    "WHERE host_id = ? AND logon_id = ? AND kind = 'logon' AND observed_at <= ? "
    "AND coalesce(logon_event, 'logon') = 'logon' "
    "ORDER BY observed_at DESC, observation_id DESC LIMIT 1";

constexpr const char* accounts_on_host =
    "SELECT a.id, a.canonical FROM account a WHERE a.id IN ("
    "SELECT o.account_id FROM observation o WHERE o.host_id = ? AND o.observed_at BETWEEN ? AND ?) "
    "ORDER BY a.canonical";
constexpr const char* hosts_of_account =
    "SELECT h.id, h.canonical FROM host h WHERE h.id IN ("
    "SELECT o.host_id FROM observation o WHERE o.account_id = ? AND o.observed_at BETWEEN ? AND ?) "
    "ORDER BY h.canonical";

// The process columns read_process_row expects, after "SELECT ".
#define CASETRAIL_PROCESS_COLUMNS                                                        \
  "o.id, o.number, o.kind, o.observed_at, o.host_id, o.source, p.image, p.image_name, "  \
  "p.command_line, p.pid, p.guid, p.parent_image, p.parent_command_line, p.parent_pid, " \
  "p.parent_guid "

// The GUID queries join with CROSS JOIN: SQLite then keeps process (and its
// GUID index) as the outer loop; without statistics it would otherwise walk
// observation_case_time, the whole case, for a single GUID
// (https://www.sqlite.org/optoverview.html#manual_control_of_query_plans_using_cross_join).
constexpr const char* anchor_row =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    ", h.canonical, o.account_id, a.canonical, p.observation_id, p.logon_id "
    "FROM observation o JOIN host h ON h.id = o.host_id "
    "LEFT JOIN account a ON a.id = o.account_id "
    "LEFT JOIN process p ON p.observation_id = o.id WHERE o.case_id = ? AND o.number = ?";
constexpr const char* process_row =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    "FROM process p JOIN observation o ON o.id = p.observation_id WHERE p.observation_id = ?";
constexpr const char* process_starts_with_guid =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    "FROM process p CROSS JOIN observation o ON o.id = p.observation_id "
    "WHERE p.guid = ? AND o.case_id = ? AND o.kind = 'process' ORDER BY o.observed_at, o.id";
constexpr const char* process_starts_before =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    "FROM process_key k JOIN observation o ON o.id = k.observation_id "
    "JOIN process p ON p.observation_id = k.observation_id "
    "WHERE k.host_id = ? AND k.pid = ? AND k.kind = 'process' AND k.observed_at <= ? "
    "ORDER BY k.observed_at DESC, k.observation_id DESC LIMIT ?";
constexpr const char* process_starts_after =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    "FROM process_key k JOIN observation o ON o.id = k.observation_id "
    "JOIN process p ON p.observation_id = k.observation_id "
    "WHERE k.host_id = ? AND k.pid = ? AND k.kind = 'process' AND k.observed_at > ? "
    "ORDER BY k.observed_at, k.observation_id LIMIT ?";
constexpr const char* process_starts_between =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    "FROM process_key k JOIN observation o ON o.id = k.observation_id "
    "JOIN process p ON p.observation_id = k.observation_id "
    "WHERE k.host_id = ? AND k.pid = ? AND k.kind = 'process' AND k.observed_at BETWEEN ? AND ? "
    "ORDER BY k.observed_at, k.observation_id";
constexpr const char* children_by_parent_guid =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    "FROM process p CROSS JOIN observation o ON o.id = p.observation_id "
    "WHERE p.parent_guid = ? AND o.case_id = ? AND o.kind = 'process' ORDER BY o.observed_at, o.id";
constexpr const char* children_by_parent_pid =
    "SELECT " CASETRAIL_PROCESS_COLUMNS
    "FROM process_key k JOIN observation o ON o.id = k.observation_id "
    "JOIN process p ON p.observation_id = k.observation_id "
    "WHERE k.host_id = ? AND k.parent_pid = ? AND k.kind = 'process' "
    "AND k.observed_at >= ? AND k.observed_at < ? ORDER BY k.observed_at, k.observation_id";
constexpr const char* activity_by_guid =
    "SELECT o.id, o.observed_at FROM process p CROSS JOIN observation o ON o.id = p.observation_id "
    "WHERE p.guid = ? AND o.case_id = ? AND o.kind <> 'process' ORDER BY o.observed_at, o.id";
constexpr const char* activity_by_pid =
    "SELECT observation_id, observed_at FROM process_key "
    "WHERE host_id = ? AND pid = ? AND kind <> 'process' AND observed_at >= ? AND observed_at < ? "
    "ORDER BY observed_at, observation_id";

// What a correlation result shows of an observation, nothing more: reading
// every column of a wide row (and the raw record above all) for each result
// would cost more than finding the results. The unary + keeps the planner
// off observation_case_time, which would read the whole case to find a few
// rows by id
// (https://www.sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_).
constexpr const char* observations_by_id =
    "SELECT o.id, o.number, o.kind, o.observed_at, h.canonical, a.canonical, o.source, o.note, "
    "o.attrs, st.status, p.observation_id, p.image, p.command_line, p.pid, p.guid, p.logon_id, "
    "(SELECT group_concat(technique_id, ' ') FROM observation_technique ot "
    "WHERE ot.observation_id = o.id), h.platform "
    "FROM observation o JOIN host h ON h.id = o.host_id "
    "LEFT JOIN account a ON a.id = o.account_id "
    "LEFT JOIN observation_state st ON st.observation_id = o.id "
    "LEFT JOIN process p ON p.observation_id = o.id "
    "WHERE o.id IN (SELECT value FROM json_each(?)) AND +o.case_id = ? "
    "ORDER BY o.observed_at, o.number";

// for_each_event: the WHERE clause is built from the filter; these are its
// two shapes as the plan test checks them (whole case, one host).
constexpr const char* events_select =
    "SELECT o.id, o.observed_at, o.number, o.kind, coalesce(st.status, 'unverified'), "
    "h.canonical, a.canonical, "
    "(SELECT group_concat(technique_id, ' ') FROM observation_technique ot "
    "WHERE ot.observation_id = o.id) "
    "FROM observation o JOIN host h ON h.id = o.host_id "
    "LEFT JOIN account a ON a.id = o.account_id "
    "LEFT JOIN observation_state st ON st.observation_id = o.id ";

// Per host and per account from the host/account time indexes, which hold
// every column needed (host_id or account_id, observed_at, rowid): the wide
// observation rows (raw records) are never read. The case's span is derived
// from the hosts' (every observation has a host).
constexpr const char* spans_hosts =
    "SELECT h.canonical, min(o.observed_at), max(o.observed_at), count(*), "
    "sum(st.status IS 'verified'), sum(st.status IS NULL) "
    "FROM host h CROSS JOIN observation o ON o.host_id = h.id "
    "LEFT JOIN observation_state st ON st.observation_id = o.id "
    "WHERE h.case_id = ? AND st.status IS NOT 'benign' AND st.status IS NOT 'false_positive' "
    "GROUP BY h.canonical ORDER BY h.canonical";
constexpr const char* spans_accounts =
    "SELECT a.canonical, min(o.observed_at), max(o.observed_at), count(*), "
    "sum(st.status IS 'verified'), sum(st.status IS NULL) "
    "FROM account a CROSS JOIN observation o ON o.account_id = a.id "
    "LEFT JOIN observation_state st ON st.observation_id = o.id "
    "WHERE a.case_id = ? AND st.status IS NOT 'benign' AND st.status IS NOT 'false_positive' "
    "GROUP BY a.canonical ORDER BY a.canonical";
// Techniques are few next to observations: read them all (every case's, in
// technique order) and look each observation up by id.
constexpr const char* spans_techniques =
    "SELECT ot.technique_id, min(o.observed_at), max(o.observed_at), count(*), "
    "sum(st.status IS 'verified'), sum(st.status IS NULL) "
    "FROM observation_technique ot CROSS JOIN observation o ON o.id = ot.observation_id "
    "LEFT JOIN observation_state st ON st.observation_id = o.id "
    "WHERE o.case_id = ? AND st.status IS NOT 'benign' AND st.status IS NOT 'false_positive' "
    "GROUP BY ot.technique_id ORDER BY ot.technique_id";
constexpr const char* spans_excluded =
    "SELECT count(*) FROM observation_state st CROSS JOIN observation o "
    "ON o.id = st.observation_id "
    "WHERE st.status IN ('benign', 'false_positive') AND o.case_id = ?";

#undef CASETRAIL_PROCESS_COLUMNS

}  // namespace sql

std::vector<ObservationKey> read_keys(SQLite::Statement& s) {
  std::vector<ObservationKey> keys;
  while (s.executeStep()) {
    keys.push_back({s.getColumn(0).getInt64(), from_us(s.getColumn(1).getInt64())});
  }
  return keys;
}

std::vector<Entity> read_entities(SQLite::Statement& s) {
  std::vector<Entity> entities;
  while (s.executeStep()) {
    entities.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString()});
  }
  return entities;
}

ProcessRow read_process_row(SQLite::Statement& s) {
  ProcessRow r;
  r.id = s.getColumn(0).getInt64();
  r.number = s.getColumn(1).getInt64();
  r.kind = model::parse_kind(s.getColumn(2).getString()).value_or(model::Kind::process);
  r.observed_at = from_us(s.getColumn(3).getInt64());
  r.host_id = s.getColumn(4).getInt64();
  r.source = s.getColumn(5).getString();
  r.image = optional_text(s, 6);
  r.image_name = optional_text(s, 7);
  r.command_line = optional_bytes(s, 8);
  r.pid = optional_int(s, 9);
  r.guid = optional_text(s, 10);
  r.parent_image = optional_text(s, 11);
  r.parent_command_line = optional_bytes(s, 12);
  r.parent_pid = optional_int(s, 13);
  r.parent_guid = optional_text(s, 14);
  return r;
}

std::vector<ProcessRow> read_process_rows(SQLite::Statement& s) {
  std::vector<ProcessRow> rows;
  while (s.executeStep()) rows.push_back(read_process_row(s));
  return rows;
}

// Technique IDs as group_concat gives them ("T1003 T1059.001"), sorted.
std::vector<model::TechniqueRef> split_techniques(const std::optional<std::string>& text) {
  std::vector<model::TechniqueRef> refs;
  if (!text) return refs;
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find(' ', start);
    if (end == std::string::npos) end = text->size();
    if (end > start) refs.push_back({text->substr(start, end - start), {}, {}, {}});
    start = end + 1;
  }
  std::sort(refs.begin(), refs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return refs;
}

model::ObservationRecord read_record(SQLite::Statement& s) {
  model::ObservationRecord r;
  r.id = s.getColumn(0).getInt64();
  r.number = s.getColumn(1).getInt64();
  r.kind = model::parse_kind(s.getColumn(2).getText()).value_or(model::Kind::note);
  r.observed_at = from_us(s.getColumn(3).getInt64());
  r.host = s.getColumn(4).getString();
  r.account = optional_text(s, 5);
  r.source = s.getColumn(6).getString();
  r.note = optional_text(s, 7);
  r.attrs_json = optional_text(s, 8);
  if (!s.isColumnNull(9)) {
    r.status = model::parse_status(s.getColumn(9).getText()).value_or(model::Status::unverified);
  }
  if (!s.isColumnNull(10)) {
    model::ProcessDetails p;
    p.image = optional_text(s, 11);
    p.command_line = optional_bytes(s, 12);
    p.pid = optional_int(s, 13);
    p.guid = optional_text(s, 14);
    p.logon_id = optional_text(s, 15);
    r.process = std::move(p);
  }
  r.techniques = split_techniques(optional_text(s, 16));
  r.host_platform = optional_text(s, 17);
  return r;
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string text = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(ids[i]);
  }
  return text + "]";
}

template <typename Fn>
auto query(const Database& db, Fn&& fn) {
  decltype(fn(db.connection())) result{};
  translate_sqlite_errors([&] { result = fn(db.connection()); });
  return result;
}

}  // namespace

void read_snapshot(const Database& db, const std::function<void()>& body) {
  translate_sqlite_errors([&] {
    // Deferred: a read lock at the first read, no write lock ever; the
    // destructor rolls back (nothing to undo) when body throws.
    SQLite::Transaction snapshot(db.connection(), SQLite::TransactionBehavior::DEFERRED);
    body();
    snapshot.commit();
  });
}

std::optional<Entity> find_host(const Database& db, std::int64_t case_id,
                                const std::string& canonical) {
  return query(db, [&](SQLite::Database&) -> std::optional<Entity> {
    auto s_pooled = db.prepare(sql::find_host);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(case_id));
    s.bind(2, canonical);
    auto found = read_entities(s);
    if (found.empty()) return std::nullopt;
    return found.front();
  });
}

std::optional<Entity> find_account(const Database& db, std::int64_t case_id,
                                   const std::string& canonical) {
  return query(db, [&](SQLite::Database&) -> std::optional<Entity> {
    auto s_pooled = db.prepare(sql::find_account);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(case_id));
    s.bind(2, canonical);
    auto found = read_entities(s);
    if (found.empty()) return std::nullopt;
    return found.front();
  });
}

std::optional<AnchorRow> anchor_row(const Database& db, std::int64_t case_id, std::int64_t number) {
  return query(db, [&](SQLite::Database&) -> std::optional<AnchorRow> {
    auto s_pooled = db.prepare(sql::anchor_row);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(case_id));
    s.bind(2, static_cast<std::int64_t>(number));
    if (!s.executeStep()) return std::nullopt;
    // The process columns come first (all NULL without process details).
    const ProcessRow process = read_process_row(s);
    AnchorRow r;
    r.id = process.id;
    r.number = process.number;
    r.kind = process.kind;
    r.observed_at = process.observed_at;
    r.host_id = process.host_id;
    r.host = s.getColumn(15).getString();
    r.account_id = optional_int(s, 16);
    r.account = optional_text(s, 17);
    if (!s.isColumnNull(18)) r.process = process;
    r.logon_id = optional_text(s, 19);
    return r;
  });
}

namespace {

std::vector<ObservationKey> window(const Database& db, const char* text, std::int64_t key,
                                   time::UtcTime from, time::UtcTime to) {
  return query(db, [&](SQLite::Database&) {
    auto s_pooled = db.prepare(text);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(key));
    s.bind(2, us(from));
    s.bind(3, us(to));
    return read_keys(s);
  });
}

}  // namespace

std::vector<ObservationKey> window_on_host(const Database& db, std::int64_t host_id,
                                           time::UtcTime from, time::UtcTime to) {
  return window(db, sql::window_on_host, host_id, from, to);
}

std::vector<ObservationKey> window_by_account(const Database& db, std::int64_t account_id,
                                              time::UtcTime from, time::UtcTime to) {
  return window(db, sql::window_by_account, account_id, from, to);
}

std::vector<ObservationKey> window_in_case(const Database& db, std::int64_t case_id,
                                           time::UtcTime from, time::UtcTime to) {
  return window(db, sql::window_in_case, case_id, from, to);
}

std::vector<ObservationKey> window_in_session(const Database& db, std::int64_t host_id,
                                              const std::string& logon_id, time::UtcTime from,
                                              time::UtcTime to) {
  return query(db, [&](SQLite::Database&) {
    auto s_pooled = db.prepare(sql::window_in_session);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, logon_id);
    s.bind(3, us(from));
    s.bind(4, us(to));
    return read_keys(s);
  });
}

std::optional<ObservationKey> session_logon(const Database& db, std::int64_t host_id,
                                            const std::string& logon_id, time::UtcTime at) {
  return query(db, [&](SQLite::Database&) -> std::optional<ObservationKey> {
    auto s_pooled = db.prepare(sql::session_logon);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, logon_id);
    s.bind(3, us(at));
    auto keys = read_keys(s);
    if (keys.empty()) return std::nullopt;
    return keys.front();
  });
}

std::vector<Entity> accounts_on_host(const Database& db, std::int64_t host_id, time::UtcTime from,
                                     time::UtcTime to) {
  return query(db, [&](SQLite::Database&) {
    auto s_pooled = db.prepare(sql::accounts_on_host);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, us(from));
    s.bind(3, us(to));
    return read_entities(s);
  });
}

std::vector<Entity> hosts_of_account(const Database& db, std::int64_t account_id,
                                     time::UtcTime from, time::UtcTime to) {
  return query(db, [&](SQLite::Database&) {
    auto s_pooled = db.prepare(sql::hosts_of_account);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(account_id));
    s.bind(2, us(from));
    s.bind(3, us(to));
    return read_entities(s);
  });
}

std::optional<ProcessRow> process_row(const Database& db, std::int64_t id) {
  return query(db, [&](SQLite::Database&) -> std::optional<ProcessRow> {
    auto s_pooled = db.prepare(sql::process_row);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, static_cast<std::int64_t>(id));
    if (!s.executeStep()) return std::nullopt;
    return read_process_row(s);
  });
}

// One slot per lookup, taken from the connection's pool on first use.
struct ProcessLookup::Statements {
  enum Slot {
    with_guid,
    before,
    after,
    between,
    by_parent_guid,
    by_parent_pid,
    activity_guid,
    activity_pid,
    count
  };
  const Database& db;
  std::array<std::optional<PooledStatement>, count> slots;

  // The statement for `slot`, reset and without bindings.
  SQLite::Statement& get(Slot slot, const char* text) {
    auto& s = slots[slot];
    if (!s) {
      s.emplace(db.prepare(text));
    } else {
      (*s)->reset();
      (*s)->clearBindings();
    }
    return **s;
  }
};

ProcessLookup::ProcessLookup(const Database& db, std::int64_t case_id)
    : m_case_id(case_id), m_statements(new Statements{db, {}}) {}

ProcessLookup::~ProcessLookup() = default;

std::vector<ProcessRow> ProcessLookup::starts_with_guid(const std::string& guid) {
  std::vector<ProcessRow> rows;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::with_guid, sql::process_starts_with_guid);
    s.bind(1, guid);
    s.bind(2, static_cast<std::int64_t>(m_case_id));
    rows = read_process_rows(s);
  });
  return rows;
}

std::vector<ProcessRow> ProcessLookup::starts_before(std::int64_t host_id, std::int64_t pid,
                                                     time::UtcTime at, int limit) {
  std::vector<ProcessRow> rows;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::before, sql::process_starts_before);
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, static_cast<std::int64_t>(pid));
    s.bind(3, us(at));
    s.bind(4, limit);
    rows = read_process_rows(s);
  });
  return rows;
}

std::vector<ProcessRow> ProcessLookup::starts_after(std::int64_t host_id, std::int64_t pid,
                                                    time::UtcTime after, int limit) {
  std::vector<ProcessRow> rows;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::after, sql::process_starts_after);
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, static_cast<std::int64_t>(pid));
    s.bind(3, us(after));
    s.bind(4, limit);
    rows = read_process_rows(s);
  });
  return rows;
}

std::vector<ProcessRow> ProcessLookup::starts_between(std::int64_t host_id, std::int64_t pid,
                                                      time::UtcTime from, time::UtcTime to) {
  std::vector<ProcessRow> rows;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::between, sql::process_starts_between);
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, static_cast<std::int64_t>(pid));
    s.bind(3, us(from));
    s.bind(4, us(to));
    rows = read_process_rows(s);
  });
  return rows;
}

std::vector<ProcessRow> ProcessLookup::children_by_parent_guid(const std::string& guid) {
  std::vector<ProcessRow> rows;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::by_parent_guid, sql::children_by_parent_guid);
    s.bind(1, guid);
    s.bind(2, static_cast<std::int64_t>(m_case_id));
    rows = read_process_rows(s);
  });
  return rows;
}

std::vector<ProcessRow> ProcessLookup::children_by_parent_pid(std::int64_t host_id,
                                                              std::int64_t parent_pid,
                                                              time::UtcTime from,
                                                              std::optional<time::UtcTime> before) {
  std::vector<ProcessRow> rows;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::by_parent_pid, sql::children_by_parent_pid);
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, static_cast<std::int64_t>(parent_pid));
    s.bind(3, us(from));
    s.bind(4, before ? us(*before) : std::numeric_limits<std::int64_t>::max());
    rows = read_process_rows(s);
  });
  return rows;
}

std::vector<ObservationKey> ProcessLookup::activity_by_guid(const std::string& guid) {
  std::vector<ObservationKey> keys;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::activity_guid, sql::activity_by_guid);
    s.bind(1, guid);
    s.bind(2, static_cast<std::int64_t>(m_case_id));
    keys = read_keys(s);
  });
  return keys;
}

std::vector<ObservationKey> ProcessLookup::activity_by_pid(std::int64_t host_id, std::int64_t pid,
                                                           time::UtcTime from,
                                                           std::optional<time::UtcTime> before) {
  std::vector<ObservationKey> keys;
  translate_sqlite_errors([&] {
    auto& s = m_statements->get(Statements::activity_pid, sql::activity_by_pid);
    s.bind(1, static_cast<std::int64_t>(host_id));
    s.bind(2, static_cast<std::int64_t>(pid));
    s.bind(3, us(from));
    s.bind(4, before ? us(*before) : std::numeric_limits<std::int64_t>::max());
    keys = read_keys(s);
  });
  return keys;
}

std::vector<model::ObservationRecord> observations_by_id(const Database& db, std::int64_t case_id,
                                                         const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return {};
  return query(db, [&](SQLite::Database&) {
    std::vector<model::ObservationRecord> records;
    records.reserve(ids.size());
    auto s_pooled = db.prepare(sql::observations_by_id);
    SQLite::Statement& s = *s_pooled;
    s.bind(1, id_array(ids));
    s.bind(2, static_cast<std::int64_t>(case_id));
    // Technique names and tactics from the catalogue, as every other read
    // of observations gives them (one lookup per distinct technique).
    TechniqueDescriber describer(db);
    while (s.executeStep()) {
      records.push_back(read_record(s));
      describer.describe(records.back());
    }
    return records;
  });
}

std::int64_t for_each_event(const Database& db, std::int64_t case_id,
                            const ObservationFilter& filter,
                            const std::function<void(const EventRow&)>& visit) {
  std::int64_t visited = 0;
  translate_sqlite_errors([&] {
    // Host and account become row ids first, so that the window runs on
    // observation_host_time / observation_account_time.
    std::optional<std::int64_t> host_id;
    std::optional<std::int64_t> account_id;
    if (filter.host) {
      auto h = find_host(db, case_id, *filter.host);
      if (!h) return;
      host_id = h->id;
    }
    if (filter.account) {
      auto a = find_account(db, case_id, *filter.account);
      if (!a) return;
      account_id = a->id;
    }
    std::string text = sql::events_select;
    // Host and account ids belong to one case: leaving case_id out then lets
    // the planner pick the narrower index.
    if (host_id) {
      text += "WHERE o.host_id = :host";
      if (account_id) text += " AND o.account_id = :account";
    } else if (account_id) {
      text += "WHERE o.account_id = :account";
    } else {
      text += "WHERE o.case_id = :case";
    }
    if (filter.from) text += " AND o.observed_at >= :from";
    if (filter.to) text += " AND o.observed_at <= :to";
    if (filter.kind) text += " AND o.kind = :kind";
    if (filter.status) {
      text += filter.status == model::Status::unverified ? " AND st.status IS NULL"
                                                         : " AND st.status = :status";
    }
    if (filter.technique) {
      text +=
          " AND EXISTS (SELECT 1 FROM observation_technique ot WHERE ot.observation_id = o.id "
          "AND (ot.technique_id = :technique OR ot.technique_id GLOB :technique_sub))";
    }
    text += " ORDER BY o.observed_at, o.number";
    auto s_pooled = db.prepare(text);
    SQLite::Statement& s = *s_pooled;
    if (!host_id && !account_id) s.bind(":case", static_cast<std::int64_t>(case_id));
    if (host_id) s.bind(":host", *host_id);
    if (account_id) s.bind(":account", *account_id);
    if (filter.from) s.bind(":from", us(*filter.from));
    if (filter.to) s.bind(":to", us(*filter.to));
    if (filter.kind) s.bind(":kind", std::string(model::to_string(*filter.kind)));
    if (filter.status && filter.status != model::Status::unverified) {
      s.bind(":status", std::string(model::to_string(*filter.status)));
    }
    if (filter.technique) {
      s.bind(":technique", *filter.technique);
      s.bind(":technique_sub", *filter.technique + ".*");
    }
    TechniqueDescriber describer(db);
    EventRow row;
    while (s.executeStep()) {
      row.observed_at = from_us(s.getColumn(1).getInt64());
      row.number = s.getColumn(2).getInt64();
      row.kind = model::parse_kind(s.getColumn(3).getString()).value_or(model::Kind::note);
      row.status =
          model::parse_status(s.getColumn(4).getString()).value_or(model::Status::unverified);
      row.host = s.getColumn(5).getString();
      row.account = optional_text(s, 6);
      row.techniques = split_techniques(optional_text(s, 7));
      describer.describe(row.techniques, std::nullopt);
      visit(row);
      ++visited;
    }
  });
  return visited;
}

EvidenceSpans evidence_spans(const Database& db, std::int64_t case_id) {
  EvidenceSpans result;
  // One snapshot: the totals and the lists agree even while an import runs.
  read_snapshot(db, [&] {
    result = query(db, [&](SQLite::Database&) {
      EvidenceSpans spans;
      auto read_span = [](SQLite::Statement& s, int first_column) {
        Span span;
        span.first = from_us(s.getColumn(first_column).getInt64());
        span.last = from_us(s.getColumn(first_column + 1).getInt64());
        span.count = s.getColumn(first_column + 2).getInt64();
        span.verified = s.getColumn(first_column + 3).getInt64();
        span.unverified = s.getColumn(first_column + 4).getInt64();
        return span;
      };
      for (auto [text, target] : {std::pair{sql::spans_hosts, &spans.hosts},
                                  std::pair{sql::spans_accounts, &spans.accounts},
                                  std::pair{sql::spans_techniques, &spans.techniques}}) {
        auto s_pooled = db.prepare(text);
        SQLite::Statement& s = *s_pooled;
        s.bind(1, static_cast<std::int64_t>(case_id));
        while (s.executeStep()) {
          Span span = read_span(s, 1);
          span.key = s.getColumn(0).getString();
          target->push_back(std::move(span));
        }
      }
      for (const Span& h : spans.hosts) {
        if (!spans.all) {
          spans.all = h;
          spans.all->key.clear();
          continue;
        }
        spans.all->first = std::min(spans.all->first, h.first);
        spans.all->last = std::max(spans.all->last, h.last);
        spans.all->count += h.count;
        spans.all->verified += h.verified;
        spans.all->unverified += h.unverified;
      }
      auto excluded_pooled = db.prepare(sql::spans_excluded);
      SQLite::Statement& excluded = *excluded_pooled;
      excluded.bind(1, static_cast<std::int64_t>(case_id));
      excluded.executeStep();
      spans.excluded = excluded.getColumn(0).getInt64();
      return spans;
    });
  });
  return result;
}

std::vector<NamedQuery> correlation_queries() {
  return {
      {"find_host", sql::find_host},
      {"find_account", sql::find_account},
      {"anchor_row", sql::anchor_row},
      {"window_on_host", sql::window_on_host},
      {"window_by_account", sql::window_by_account},
      {"window_in_case", sql::window_in_case},
      {"window_in_session", sql::window_in_session},
      {"session_logon", sql::session_logon},
      {"accounts_on_host", sql::accounts_on_host},
      {"hosts_of_account", sql::hosts_of_account},
      {"process_row", sql::process_row},
      {"process_starts_with_guid", sql::process_starts_with_guid},
      {"process_starts_before", sql::process_starts_before},
      {"process_starts_after", sql::process_starts_after},
      {"process_starts_between", sql::process_starts_between},
      {"children_by_parent_guid", sql::children_by_parent_guid},
      {"children_by_parent_pid", sql::children_by_parent_pid},
      {"activity_by_guid", sql::activity_by_guid},
      {"activity_by_pid", sql::activity_by_pid},
      {"observations_by_id", sql::observations_by_id},
      {"events_in_case", std::string(sql::events_select) +
                             "WHERE o.case_id = ? AND o.observed_at >= ? AND o.observed_at <= ? "
                             "ORDER BY o.observed_at, o.number"},
      {"events_on_host",
       std::string(sql::events_select) +
           "WHERE o.host_id = ? AND o.account_id = ? ORDER BY o.observed_at, o.number"},
      {"events_by_account",
       std::string(sql::events_select) + "WHERE o.account_id = ? ORDER BY o.observed_at, o.number"},
      {"spans_hosts", sql::spans_hosts},
      {"spans_accounts", sql::spans_accounts},
      {"spans_techniques", sql::spans_techniques},
      {"spans_excluded", sql::spans_excluded},
  };
}

}  // namespace casetrail::store

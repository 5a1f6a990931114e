#include "core/store/case_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/error.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/statement_util.hpp"

namespace casetrail::store {
namespace {

constexpr const char* k_case_columns =
    "id, key, title, severity, status, lead, time_zone, created_at, created_by, closed_at";

model::CaseRecord read_case(SQLite::Statement& s) {
  model::CaseRecord c;
  c.id = s.getColumn(0).getInt64();
  c.key = s.getColumn(1).getString();
  c.title = s.getColumn(2).getString();
  c.severity = *model::parse_severity(s.getColumn(3).getString());
  c.status = *model::parse_case_status(s.getColumn(4).getString());
  c.lead = optional_text(s, 5);
  c.time_zone = optional_text(s, 6);
  c.created_at = time::UtcTime(time::Micros(s.getColumn(7).getInt64()));
  c.created_by = s.getColumn(8).getString();
  if (!s.isColumnNull(9)) c.closed_at = time::UtcTime(time::Micros(s.getColumn(9).getInt64()));
  return c;
}

}  // namespace

std::optional<model::CaseRecord> find_case(const Database& db, const std::string& key) {
  std::optional<model::CaseRecord> found;
  translate_sqlite_errors([&] {
    auto s = db.prepare(std::string("SELECT ") + k_case_columns + " FROM case_file WHERE key = ?");
    s->bind(1, key);
    if (s->executeStep()) found = read_case(*s);
  });
  return found;
}

model::CaseRecord require_case(const Database& db, const std::string& key) {
  auto found = find_case(db, key);
  if (!found) throw Error(ErrorCode::not_found, "unknown case " + quote(key));
  return *found;
}

std::vector<model::CaseRecord> list_cases(const Database& db) {
  std::vector<model::CaseRecord> cases;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        std::string("SELECT ") + k_case_columns + " FROM case_file ORDER BY key");
    while (s.executeStep()) cases.push_back(read_case(s));
  });
  return cases;
}

model::CaseRecord create_case(const Database& db, const NewCase& c) {
  write_transaction(db, [&] {
    SQLite::Statement exists(db.connection(), "SELECT 1 FROM case_file WHERE key = ?");
    exists.bind(1, c.key);
    if (exists.executeStep()) throw Error(ErrorCode::conflict, "case " + quote(c.key) + " already exists");
    SQLite::Statement s(db.connection(),
                        "INSERT INTO case_file (key, title, severity, lead, time_zone, created_at, "
                        "created_by) VALUES (:key, :title, :severity, :lead, :tz, :at, :by)");
    s.bind(":key", c.key);
    s.bind(":title", c.title);
    s.bind(":severity", std::string(model::to_string(c.severity)));
    bind_optional(s, ":lead", c.lead);
    bind_optional(s, ":tz", c.time_zone);
    s.bind(":at", static_cast<std::int64_t>(c.created_at.time_since_epoch().count()));
    s.bind(":by", c.created_by);
    s.exec();
    chain_new_case(db.connection(), db.connection().getLastInsertRowid());
  });
  return require_case(db, c.key);
}

model::CaseRecord set_case_status(const Database& db, const std::string& key,
                                  model::CaseStatus status, const std::string& analyst,
                                  time::UtcTime at, const std::optional<std::string>& reason) {
  write_transaction(db, [&] {
    const model::CaseRecord current = require_case(db, key);
    if (current.status == status) {
      throw Error(ErrorCode::conflict, "case " + quote(key) + " is already " +
                                           std::string(model::to_string(status)));
    }
    const std::int64_t at_us = at.time_since_epoch().count();
    SQLite::Statement update(db.connection(),
                             "UPDATE case_file SET status = :status, closed_at = :closed "
                             "WHERE id = :id");
    update.bind(":status", std::string(model::to_string(status)));
    if (status == model::CaseStatus::closed) {
      update.bind(":closed", at_us);
    } else {
      update.bind(":closed");
    }
    update.bind(":id", static_cast<std::int64_t>(current.id));
    update.exec();
    NewAudit audit;
    audit.case_id = current.id;
    audit.action = "case_status";
    audit.field = "status";
    audit.old_value = std::string(model::to_string(current.status));
    audit.new_value = std::string(model::to_string(status));
    audit.reason = reason;
    audit.analyst = analyst;
    audit.at = at_us;
    insert_audit(db.connection(), audit);
  });
  return require_case(db, key);
}

}  // namespace casetrail::store

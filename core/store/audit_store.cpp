#include "core/store/audit_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/error.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/statement_util.hpp"

namespace casetrail::store {
namespace {

std::int64_t us(time::UtcTime t) { return t.time_since_epoch().count(); }

// The row id of observation #number, inside the caller's transaction.
std::int64_t observation_id(SQLite::Database& c, std::int64_t case_id, const std::string& case_key,
                            std::int64_t number) {
  SQLite::Statement find(c, "SELECT id FROM observation WHERE case_id = ? AND number = ?");
  find.bind(1, static_cast<std::int64_t>(case_id));
  find.bind(2, static_cast<std::int64_t>(number));
  if (!find.executeStep()) {
    throw Error(ErrorCode::not_found,
                "no observation #" + std::to_string(number) + " in case " + quote(case_key));
  }
  return find.getColumn(0).getInt64();
}

// The latest audit record per observation (and field, for techniques) of a
// case: what the projections must say.
constexpr const char* k_latest_status =
    "SELECT a.observation_id, a.new_value, a.at FROM audit a "
    "WHERE a.case_id = :case AND a.action = 'status' AND a.id = "
    "(SELECT max(b.id) FROM audit b WHERE b.observation_id = a.observation_id "
    "AND b.action = 'status')";

constexpr const char* k_latest_technique =
    "SELECT a.observation_id, a.field AS technique_id, "
    "CASE a.new_value WHEN 'present' THEN 1 ELSE 0 END AS present, a.attack_release "
    "FROM audit a WHERE a.case_id = :case AND a.action = 'technique' AND a.id = "
    "(SELECT max(b.id) FROM audit b WHERE b.observation_id = a.observation_id "
    "AND b.action = 'technique' AND b.field = a.field)";

// The value (or time) of the latest case status change.
std::string latest_case_status(const char* column) {
  return std::string("SELECT ") + column +
         " FROM audit WHERE case_id = :case AND action = 'case_status' ORDER BY id DESC LIMIT 1";
}

std::string presence(SQLite::Statement& s, int column) {
  if (s.isColumnNull(column)) return "no change";
  return s.getColumn(column).getInt() == 1 ? "present" : "absent";
}

std::vector<ProjectionMismatch> mismatches(SQLite::Database& c, std::int64_t case_id) {
  std::vector<ProjectionMismatch> out;
  SQLite::Statement status(
      c, std::string("WITH latest AS (") + k_latest_status +
             "), keys AS (SELECT observation_id FROM latest UNION SELECT st.observation_id FROM "
             "observation_state st JOIN observation o ON o.id = st.observation_id "
             "WHERE o.case_id = :case) "
             "SELECT o.number, coalesce(st.status, 'unverified'), coalesce(l.new_value, "
             "'unverified') FROM keys k JOIN observation o ON o.id = k.observation_id "
             "LEFT JOIN observation_state st ON st.observation_id = k.observation_id "
             "LEFT JOIN latest l ON l.observation_id = k.observation_id "
             "WHERE coalesce(st.status, 'unverified') <> coalesce(l.new_value, 'unverified') "
             "ORDER BY o.number");
  status.bind(":case", static_cast<std::int64_t>(case_id));
  while (status.executeStep()) {
    out.push_back({"status", status.getColumn(0).getInt64(), "", status.getColumn(1).getString(),
                   status.getColumn(2).getString()});
  }
  SQLite::Statement technique(
      c, std::string("WITH latest AS (") + k_latest_technique +
             "), stored AS (SELECT t.observation_id, t.technique_id, t.present FROM "
             "observation_technique_change t JOIN observation o ON o.id = t.observation_id "
             "WHERE o.case_id = :case), keys AS (SELECT observation_id, technique_id FROM latest "
             "UNION SELECT observation_id, technique_id FROM stored) "
             "SELECT o.number, k.technique_id, s.present, l.present FROM keys k "
             "JOIN observation o ON o.id = k.observation_id "
             "LEFT JOIN stored s ON s.observation_id = k.observation_id "
             "AND s.technique_id = k.technique_id "
             "LEFT JOIN latest l ON l.observation_id = k.observation_id "
             "AND l.technique_id = k.technique_id "
             "WHERE s.present IS NOT l.present ORDER BY o.number, k.technique_id");
  technique.bind(":case", static_cast<std::int64_t>(case_id));
  while (technique.executeStep()) {
    out.push_back({"technique", technique.getColumn(0).getInt64(), technique.getColumn(1).getString(),
                   presence(technique, 2), presence(technique, 3)});
  }
  SQLite::Statement case_status(c, "SELECT status, coalesce((" + latest_case_status("new_value") +
                                       "), 'open') FROM case_file WHERE id = :case");
  case_status.bind(":case", static_cast<std::int64_t>(case_id));
  if (case_status.executeStep() &&
      case_status.getColumn(0).getString() != case_status.getColumn(1).getString()) {
    out.push_back({"case_status", std::nullopt, "", case_status.getColumn(0).getString(),
                   case_status.getColumn(1).getString()});
  }
  return out;
}

}  // namespace

std::optional<std::string> add_correction(const Database& db, std::int64_t case_id,
                                          const std::string& case_key, std::int64_t number,
                                          const std::string& field,
                                          const std::optional<std::string>& original,
                                          const std::string& value, const std::string& reason,
                                          const AuditActor& actor) {
  std::optional<std::string> old;
  write_transaction(db, [&] {
    SQLite::Database& c = db.connection();
    const std::int64_t id = observation_id(c, case_id, case_key, number);
    // The latest correction is read under the write lock: two analysts
    // correcting the same field get old values that follow one another.
    SQLite::Statement latest(c,
                             "SELECT new_value FROM audit WHERE observation_id = ? AND "
                             "action = 'correction' AND field = ? ORDER BY id DESC LIMIT 1");
    latest.bind(1, static_cast<std::int64_t>(id));
    latest.bind(2, field);
    old = latest.executeStep() ? optional_bytes(latest, 0) : original;
    if (old == value) {
      throw Error(ErrorCode::conflict, "observation #" + std::to_string(number) + " " + field +
                                           " is already " + quote(value));
    }
    NewAudit audit;
    audit.case_id = case_id;
    audit.observation_id = id;
    audit.observation_number = number;
    audit.action = "correction";
    audit.field = field;
    audit.old_value = old;
    audit.new_value = value;
    audit.reason = reason;
    audit.analyst = actor.analyst;
    audit.at = us(actor.at);
    insert_audit(c, audit);
  });
  return old;
}

void add_note(const Database& db, std::int64_t case_id, const std::string& case_key,
              std::int64_t number, const std::string& text,
              const std::optional<std::string>& reason, const AuditActor& actor) {
  write_transaction(db, [&] {
    SQLite::Database& c = db.connection();
    NewAudit audit;
    audit.case_id = case_id;
    audit.observation_id = observation_id(c, case_id, case_key, number);
    audit.observation_number = number;
    audit.action = "note";
    audit.field = "note";
    audit.new_value = text;
    audit.reason = reason;
    audit.analyst = actor.analyst;
    audit.at = us(actor.at);
    insert_audit(c, audit);
  });
}

void change_technique(const Database& db, std::int64_t case_id, const std::string& case_key,
                      std::int64_t number, const std::string& technique_id, bool present,
                      const std::optional<std::string>& attack_release, const std::string& reason,
                      const AuditActor& actor) {
  write_transaction(db, [&] {
    SQLite::Database& c = db.connection();
    const std::int64_t id = observation_id(c, case_id, case_key, number);
    SQLite::Statement now(c,
                          "SELECT coalesce((SELECT present FROM observation_technique_change "
                          "WHERE observation_id = :id AND technique_id = :t), EXISTS (SELECT 1 "
                          "FROM observation_technique WHERE observation_id = :id AND "
                          "technique_id = :t))");
    now.bind(":id", static_cast<std::int64_t>(id));
    now.bind(":t", technique_id);
    now.executeStep();
    const bool present_now = now.getColumn(0).getInt() == 1;
    if (present_now == present) {
      throw Error(ErrorCode::conflict, "observation #" + std::to_string(number) +
                                           (present ? " already has technique "
                                                    : " does not have technique ") +
                                           technique_id);
    }
    NewAudit audit;
    audit.case_id = case_id;
    audit.observation_id = id;
    audit.observation_number = number;
    audit.action = "technique";
    audit.field = technique_id;
    audit.old_value = present_now ? "present" : "absent";
    audit.new_value = present ? "present" : "absent";
    audit.reason = reason;
    audit.analyst = actor.analyst;
    audit.at = us(actor.at);
    if (present) audit.attack_release = attack_release;
    insert_audit(c, audit);
    SQLite::Statement set(c,
                          "INSERT INTO observation_technique_change (observation_id, technique_id, "
                          "present, attack_release) VALUES (?, ?, ?, ?) ON CONFLICT "
                          "(observation_id, technique_id) DO UPDATE SET present = excluded.present, "
                          "attack_release = excluded.attack_release");
    set.bind(1, static_cast<std::int64_t>(id));
    set.bind(2, technique_id);
    set.bind(3, present ? 1 : 0);
    if (present && attack_release) {
      set.bind(4, *attack_release);
    } else {
      set.bind(4);
    }
    set.exec();
  });
}

std::vector<ProjectionMismatch> check_projections(const Database& db, std::int64_t case_id) {
  std::vector<ProjectionMismatch> out;
  translate_sqlite_errors([&] { out = mismatches(db.connection(), case_id); });
  return out;
}

std::int64_t rebuild_projections(const Database& db, std::int64_t case_id) {
  std::int64_t changed = 0;
  write_transaction(db, [&] {
    SQLite::Database& c = db.connection();
    changed = static_cast<std::int64_t>(mismatches(c, case_id).size());
    if (changed == 0) return;
    const auto run = [&](const std::string& sql) {
      SQLite::Statement s(c, sql);
      s.bind(":case", static_cast<std::int64_t>(case_id));
      s.exec();
    };
    run("DELETE FROM observation_state WHERE observation_id IN "
        "(SELECT id FROM observation WHERE case_id = :case)");
    run(std::string("INSERT INTO observation_state (observation_id, status, changed_at) "
                    "SELECT observation_id, new_value, at FROM (") +
        k_latest_status + ") WHERE new_value <> 'unverified'");
    run("DELETE FROM observation_technique_change WHERE observation_id IN "
        "(SELECT id FROM observation WHERE case_id = :case)");
    run(std::string("INSERT INTO observation_technique_change (observation_id, technique_id, "
                    "present, attack_release) SELECT observation_id, technique_id, present, "
                    "attack_release FROM (") +
        k_latest_technique + ")");
    const std::string status = "coalesce((" + latest_case_status("new_value") + "), 'open')";
    run("UPDATE case_file SET status = " + status + ", closed_at = CASE WHEN " + status +
        " = 'closed' THEN (" + latest_case_status("at") + ") END WHERE id = :case");
  });
  return changed;
}

}  // namespace casetrail::store

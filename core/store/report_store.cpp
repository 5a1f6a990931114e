#include "core/store/report_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/store/statement_util.hpp"

namespace casetrail::store {
namespace {

std::int64_t us(time::UtcTime t) { return t.time_since_epoch().count(); }
time::UtcTime from_us(std::int64_t v) { return time::UtcTime(time::Micros(v)); }

}  // namespace

CaseMark case_mark(const Database& db, std::int64_t case_id) {
  CaseMark mark;
  translate_sqlite_errors([&] {
    // count(*) and max(id) over the case's rows: observation_case_time and
    // audit_case index them by case.
    SQLite::Statement o(db.connection(),
                        "SELECT count(*), coalesce(max(id), 0) FROM observation WHERE case_id = ?");
    o.bind(1, static_cast<std::int64_t>(case_id));
    o.executeStep();
    mark.observations = o.getColumn(0).getInt64();
    mark.last_observation_id = o.getColumn(1).getInt64();
    SQLite::Statement a(db.connection(),
                        "SELECT coalesce(max(id), 0) FROM audit WHERE case_id = ?");
    a.bind(1, static_cast<std::int64_t>(case_id));
    a.executeStep();
    mark.last_audit_id = a.getColumn(0).getInt64();
  });
  return mark;
}

std::int64_t record_report_issue(const Database& db, std::int64_t case_id, const ReportIssue& issue) {
  std::int64_t id = 0;
  write_transaction(db, [&] {
    SQLite::Statement s(db.connection(),
                        "INSERT INTO report_issue (case_id, issued_at, issued_by, format, "
                        "observations, last_observation_id, last_audit_id, chain_head, sha256) "
                        "VALUES (:case, :at, :by, :format, :observations, :last_observation, "
                        ":last_audit, :head, :sha256)");
    s.bind(":case", static_cast<std::int64_t>(case_id));
    s.bind(":at", us(issue.issued_at));
    s.bind(":by", issue.issued_by);
    s.bind(":format", issue.format);
    s.bind(":observations", static_cast<std::int64_t>(issue.mark.observations));
    s.bind(":last_observation", static_cast<std::int64_t>(issue.mark.last_observation_id));
    s.bind(":last_audit", static_cast<std::int64_t>(issue.mark.last_audit_id));
    bind_optional(s, ":head", issue.chain_head);
    s.bind(":sha256", issue.sha256);
    s.exec();
    id = db.connection().getLastInsertRowid();
  });
  return id;
}

std::optional<ReportIssue> last_report_issue(const Database& db, std::int64_t case_id) {
  std::optional<ReportIssue> found;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        "SELECT id, issued_at, issued_by, format, observations, last_observation_id, "
                        "last_audit_id, chain_head, sha256 FROM report_issue WHERE case_id = ? "
                        "ORDER BY id DESC LIMIT 1");
    s.bind(1, static_cast<std::int64_t>(case_id));
    if (!s.executeStep()) return;
    ReportIssue r;
    r.id = s.getColumn(0).getInt64();
    r.issued_at = from_us(s.getColumn(1).getInt64());
    r.issued_by = s.getColumn(2).getString();
    r.format = s.getColumn(3).getString();
    r.mark.observations = s.getColumn(4).getInt64();
    r.mark.last_observation_id = s.getColumn(5).getInt64();
    r.mark.last_audit_id = s.getColumn(6).getInt64();
    r.chain_head = optional_text(s, 7);
    r.sha256 = s.getColumn(8).getString();
    found = std::move(r);
  });
  return found;
}

std::int64_t for_each_change(const Database& db, std::int64_t case_id, const ChangeFilter& filter,
                             const std::function<void(const Change&)>& visit) {
  std::int64_t visited = 0;
  translate_sqlite_errors([&] {
    std::string sql =
        "SELECT a.id, a.action, a.field, a.old_value, a.new_value, a.reason, a.analyst, a.at, "
        "o.number FROM audit a LEFT JOIN observation o ON o.id = a.observation_id "
        "WHERE a.case_id = :case";
    if (filter.after_audit_id) sql += " AND a.id > :after";
    if (filter.from) sql += " AND a.at >= :from";
    sql += " ORDER BY a.id";
    SQLite::Statement s(db.connection(), sql);
    s.bind(":case", static_cast<std::int64_t>(case_id));
    if (filter.after_audit_id) s.bind(":after", static_cast<std::int64_t>(*filter.after_audit_id));
    if (filter.from) s.bind(":from", us(*filter.from));
    while (s.executeStep()) {
      Change c;
      c.entry.id = s.getColumn(0).getInt64();
      c.entry.action = s.getColumn(1).getString();
      c.entry.field = optional_text(s, 2);
      c.entry.old_value = optional_text(s, 3);
      c.entry.new_value = optional_text(s, 4);
      c.entry.reason = optional_text(s, 5);
      c.entry.analyst = s.getColumn(6).getString();
      c.entry.at = from_us(s.getColumn(7).getInt64());
      c.number = optional_int(s, 8);
      visit(c);
      ++visited;
    }
  });
  return visited;
}

std::optional<std::pair<time::UtcTime, time::UtcTime>> case_time_span(const Database& db,
                                                                     std::int64_t case_id) {
  std::optional<std::pair<time::UtcTime, time::UtcTime>> span;
  translate_sqlite_errors([&] {
    // Both ends of observation_case_time: two index lookups.
    SQLite::Statement s(db.connection(),
                        "SELECT min(observed_at), max(observed_at) FROM observation WHERE case_id = ?");
    s.bind(1, static_cast<std::int64_t>(case_id));
    if (s.executeStep() && !s.isColumnNull(0)) {
      span.emplace(from_us(s.getColumn(0).getInt64()), from_us(s.getColumn(1).getInt64()));
    }
  });
  return span;
}

std::vector<std::string> case_analysts(const Database& db, std::int64_t case_id) {
  std::vector<std::string> names;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        "SELECT created_by FROM case_file WHERE id = :case "
                        "UNION SELECT analyst FROM observation WHERE case_id = :case "
                        "UNION SELECT analyst FROM audit WHERE case_id = :case ORDER BY 1");
    s.bind(":case", static_cast<std::int64_t>(case_id));
    while (s.executeStep()) names.push_back(s.getColumn(0).getString());
  });
  return names;
}

}  // namespace casetrail::store

#include "core/store/attack_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <map>
#include <set>

#include "core/attack/platform.hpp"
#include "core/attack/stix_reader.hpp"
#include "core/error.hpp"
#include "core/store/statement_util.hpp"

namespace casetrail::store {
namespace {

std::int64_t us(time::UtcTime t) { return t.time_since_epoch().count(); }
time::UtcTime from_us(std::int64_t v) { return time::UtcTime(time::Micros(v)); }

std::string version_source_text(model::AttackVersionSource s) {
  switch (s) {
    case model::AttackVersionSource::collection: return "collection";
    case model::AttackVersionSource::option: return "option";
    case model::AttackVersionSource::unknown: return "unknown";
  }
  return "unknown";
}

model::AttackVersionSource parse_version_source(const std::string& s) {
  if (s == "collection") return model::AttackVersionSource::collection;
  if (s == "option") return model::AttackVersionSource::option;
  return model::AttackVersionSource::unknown;
}

std::optional<model::AttackStatus> read_status(SQLite::Database& c) {
  SQLite::Statement s(c,
                      "SELECT version, version_source, newest_modified, spec_version, file_name, "
                      "file_sha256, file_size, imported_at, imported_by FROM attack_release");
  if (!s.executeStep()) return std::nullopt;
  model::AttackStatus status;
  status.release.version = s.getColumn(0).getString();
  status.release.version_source = parse_version_source(s.getColumn(1).getString());
  status.release.newest_modified = from_us(s.getColumn(2).getInt64());
  status.release.spec_version = s.getColumn(3).getString();
  status.release.file_name = s.getColumn(4).getString();
  status.release.sha256 = s.getColumn(5).getString();
  status.release.file_size = s.getColumn(6).getInt64();
  status.imported_at = from_us(s.getColumn(7).getInt64());
  status.imported_by = s.getColumn(8).getString();
  SQLite::Statement counts(
      c,
      "SELECT count(*), count(parent_id), coalesce(sum(revoked), 0), coalesce(sum(deprecated), 0), "
      "coalesce(sum(revoked = 0 AND deprecated = 0), 0) FROM attack_technique");
  counts.executeStep();
  status.techniques = counts.getColumn(0).getInt64();
  status.sub_techniques = counts.getColumn(1).getInt64();
  status.revoked = counts.getColumn(2).getInt64();
  status.deprecated = counts.getColumn(3).getInt64();
  status.active = counts.getColumn(4).getInt64();
  status.tactics = c.execAndGet("SELECT count(*) FROM attack_tactic").getInt64();
  status.log_sources = c.execAndGet("SELECT count(*) FROM attack_log_source").getInt64();
  return status;
}

// Tactic shortnames per technique row id, in matrix order.
std::map<std::int64_t, std::vector<std::string>> tactics_by_technique(SQLite::Database& c) {
  std::map<std::int64_t, std::vector<std::string>> out;
  SQLite::Statement s(c,
                      "SELECT tt.technique_id, ta.shortname FROM attack_technique_tactic tt "
                      "JOIN attack_tactic ta ON ta.id = tt.tactic_id "
                      "ORDER BY tt.technique_id, ta.matrix_order");
  while (s.executeStep()) out[s.getColumn(0).getInt64()].push_back(s.getColumn(1).getString());
  return out;
}

// Reads rows of (row id, attack_id, name, revoked, deprecated) into refs.
std::vector<model::AttackTechniqueRef> read_refs(
    SQLite::Statement& s, const std::map<std::int64_t, std::vector<std::string>>* tactics) {
  std::vector<model::AttackTechniqueRef> refs;
  while (s.executeStep()) {
    model::AttackTechniqueRef r;
    r.id = s.getColumn(1).getString();
    r.name = s.getColumn(2).getString();
    r.revoked = s.getColumn(3).getInt() != 0;
    r.deprecated = s.getColumn(4).getInt() != 0;
    if (tactics) {
      auto it = tactics->find(s.getColumn(0).getInt64());
      if (it != tactics->end()) r.tactics = it->second;
    }
    refs.push_back(std::move(r));
  }
  return refs;
}

std::vector<std::string> tactics_of(SQLite::Database& c, std::int64_t technique_row) {
  SQLite::Statement s(c,
                      "SELECT ta.shortname FROM attack_technique_tactic tt "
                      "JOIN attack_tactic ta ON ta.id = tt.tactic_id WHERE tt.technique_id = ? "
                      "ORDER BY ta.matrix_order");
  s.bind(1, static_cast<std::int64_t>(technique_row));
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

std::vector<std::string> platforms_of(SQLite::Database& c, std::int64_t technique_row) {
  SQLite::Statement s(c,
                      "SELECT platform FROM attack_technique_platform WHERE technique_id = ? "
                      "ORDER BY position");
  s.bind(1, static_cast<std::int64_t>(technique_row));
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

}  // namespace

std::optional<model::AttackStatus> replace_attack_catalogue(const Database& db,
                                                            const model::AttackCatalogue& catalogue,
                                                            const std::string& analyst,
                                                            time::UtcTime at) {
  std::optional<model::AttackStatus> previous;
  write_transaction(db, [&] {
    SQLite::Database& c = db.connection();
    previous = read_status(c);
    // Children first: the foreign keys into attack_technique and
    // attack_tactic are checked statement by statement.
    for (const char* table :
         {"attack_log_source", "attack_technique_platform", "attack_technique_tactic",
          "attack_technique", "attack_tactic", "attack_release"}) {
      c.exec(std::string("DELETE FROM ") + table);
    }

    const model::AttackRelease& r = catalogue.release;
    SQLite::Statement release(
        c,
        "INSERT INTO attack_release (id, version, version_source, label, newest_modified, "
        "spec_version, file_name, file_sha256, file_size, imported_at, imported_by) VALUES (1, "
        ":version, :source, :label, :newest, :spec, :file, :sha256, :size, :at, :by)");
    release.bind(":version", r.version);
    release.bind(":source", version_source_text(r.version_source));
    release.bind(":label", attack::release_label(r));
    release.bind(":newest", us(r.newest_modified));
    release.bind(":spec", r.spec_version);
    release.bind(":file", r.file_name);
    release.bind(":sha256", r.sha256);
    release.bind(":size", static_cast<std::int64_t>(r.file_size));
    release.bind(":at", us(at));
    release.bind(":by", analyst);
    release.exec();

    std::map<std::string, std::int64_t> tactic_rows;
    SQLite::Statement tactic(c,
                             "INSERT INTO attack_tactic (id, attack_id, shortname, name, "
                             "description, matrix_order) VALUES (?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < catalogue.tactics.size(); ++i) {
      const model::AttackTactic& t = catalogue.tactics[i];
      const auto row = static_cast<std::int64_t>(i + 1);
      tactic.reset();
      tactic.bind(1, row);
      tactic.bind(2, t.id);
      tactic.bind(3, t.shortname);
      tactic.bind(4, t.name);
      tactic.bind(5, t.description);
      tactic.bind(6, t.order);
      tactic.exec();
      tactic_rows[t.shortname] = row;
    }

    // Row ids are chosen here so that parents and replacements can be
    // referenced before their own row is written (the keys are deferred).
    std::map<std::string, std::int64_t> technique_rows;
    for (std::size_t i = 0; i < catalogue.techniques.size(); ++i) {
      technique_rows[catalogue.techniques[i].id] = static_cast<std::int64_t>(i + 1);
    }
    auto row_of = [&](const std::optional<std::string>& id) -> std::optional<std::int64_t> {
      if (!id) return std::nullopt;
      auto it = technique_rows.find(*id);
      if (it == technique_rows.end()) return std::nullopt;
      return it->second;
    };
    SQLite::Statement technique(
        c,
        "INSERT INTO attack_technique (id, attack_id, stix_id, name, description, parent_id, "
        "revoked, deprecated, replaced_by, version, modified) VALUES (:row, :id, :stix, :name, "
        ":description, :parent, :revoked, :deprecated, :replaced_by, :version, :modified)");
    SQLite::Statement link(c,
                           "INSERT OR IGNORE INTO attack_technique_tactic (technique_id, "
                           "tactic_id) VALUES (?, ?)");
    SQLite::Statement platform(c,
                               "INSERT INTO attack_technique_platform (technique_id, position, "
                               "platform) VALUES (?, ?, ?)");
    SQLite::Statement source(c,
                             "INSERT INTO attack_log_source (technique_id, data_component_id, "
                             "data_component, data_source, name, channel) VALUES (:technique, "
                             ":component_id, :component, :source, :name, :channel)");
    for (const model::AttackTechnique& t : catalogue.techniques) {
      const std::int64_t row = technique_rows.at(t.id);
      technique.reset();
      technique.clearBindings();
      technique.bind(":row", row);
      technique.bind(":id", t.id);
      technique.bind(":stix", t.stix_id);
      technique.bind(":name", t.name);
      technique.bind(":description", t.description);
      bind_optional(technique, ":parent", row_of(t.parent_id));
      technique.bind(":revoked", t.revoked ? 1 : 0);
      technique.bind(":deprecated", t.deprecated ? 1 : 0);
      bind_optional(technique, ":replaced_by", row_of(t.replaced_by));
      bind_optional(technique, ":version", t.version);
      bind_optional(technique, ":modified",
                    t.modified ? std::optional<std::int64_t>(us(*t.modified)) : std::nullopt);
      technique.exec();
      for (const std::string& shortname : t.tactics) {
        auto it = tactic_rows.find(shortname);
        if (it == tactic_rows.end()) continue;  // the reader refuses such a file
        link.reset();
        link.bind(1, row);
        link.bind(2, it->second);
        link.exec();
      }
      for (std::size_t i = 0; i < t.platforms.size(); ++i) {
        platform.reset();
        platform.bind(1, row);
        platform.bind(2, static_cast<std::int64_t>(i));
        platform.bind(3, t.platforms[i]);
        platform.exec();
      }
      for (const model::AttackLogSource& s : t.log_sources) {
        source.reset();
        source.clearBindings();
        source.bind(":technique", row);
        bind_optional(source, ":component_id", s.data_component_id);
        source.bind(":component", s.data_component);
        bind_optional(source, ":source", s.data_source);
        bind_optional(source, ":name", s.name);
        bind_optional(source, ":channel", s.channel);
        source.exec();
      }
    }
  });
  return previous;
}

std::optional<model::AttackStatus> attack_status(const Database& db) {
  std::optional<model::AttackStatus> status;
  translate_sqlite_errors([&] { status = read_status(db.connection()); });
  return status;
}

std::optional<std::string> attack_release_label(const Database& db) {
  std::optional<std::string> label;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(), "SELECT label FROM attack_release");
    if (s.executeStep()) label = s.getColumn(0).getString();
  });
  return label;
}

std::vector<model::AttackTactic> attack_tactics(const Database& db) {
  std::vector<model::AttackTactic> tactics;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        "SELECT attack_id, shortname, name, description, matrix_order "
                        "FROM attack_tactic ORDER BY matrix_order");
    while (s.executeStep()) {
      tactics.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                         s.getColumn(2).getString(), s.getColumn(3).getString(),
                         s.getColumn(4).getInt()});
    }
  });
  return tactics;
}

std::optional<model::AttackTechniqueDetails> find_attack_technique(const Database& db,
                                                                   const std::string& id) {
  std::optional<model::AttackTechniqueDetails> found;
  translate_sqlite_errors([&] {
    SQLite::Database& c = db.connection();
    SQLite::Statement s(c,
                        "SELECT t.id, t.attack_id, t.stix_id, t.name, t.description, t.revoked, "
                        "t.deprecated, t.replaced_by, t.version, t.modified, p.attack_id, "
                        "p.name, p.revoked, p.deprecated, r.label FROM attack_technique t "
                        "LEFT JOIN attack_technique p ON p.id = t.parent_id "
                        "CROSS JOIN attack_release r WHERE t.attack_id = ?");
    s.bind(1, id);
    if (!s.executeStep()) return;
    model::AttackTechniqueDetails d;
    const std::int64_t row = s.getColumn(0).getInt64();
    model::AttackTechnique& t = d.technique;
    t.id = s.getColumn(1).getString();
    t.stix_id = s.getColumn(2).getString();
    t.name = s.getColumn(3).getString();
    t.description = s.getColumn(4).getString();
    t.revoked = s.getColumn(5).getInt() != 0;
    t.deprecated = s.getColumn(6).getInt() != 0;
    std::optional<std::int64_t> replaced_by = optional_int(s, 7);
    t.version = optional_text(s, 8);
    if (auto m = optional_int(s, 9)) t.modified = from_us(*m);
    if (!s.isColumnNull(10)) {
      model::AttackTechniqueRef parent;
      parent.id = s.getColumn(10).getString();
      parent.name = s.getColumn(11).getString();
      parent.revoked = s.getColumn(12).getInt() != 0;
      parent.deprecated = s.getColumn(13).getInt() != 0;
      t.parent_id = parent.id;
      d.parent = std::move(parent);
    }
    d.release = s.getColumn(14).getString();

    SQLite::Statement tactics(c,
                              "SELECT ta.attack_id, ta.shortname, ta.name, ta.description, "
                              "ta.matrix_order FROM attack_technique_tactic tt "
                              "JOIN attack_tactic ta ON ta.id = tt.tactic_id "
                              "WHERE tt.technique_id = ? ORDER BY ta.matrix_order");
    tactics.bind(1, row);
    while (tactics.executeStep()) {
      d.tactics.push_back({tactics.getColumn(0).getString(), tactics.getColumn(1).getString(),
                           tactics.getColumn(2).getString(), tactics.getColumn(3).getString(),
                           tactics.getColumn(4).getInt()});
      t.tactics.push_back(d.tactics.back().shortname);
    }
    t.platforms = platforms_of(c, row);

    SQLite::Statement subs(c,
                           "SELECT id, attack_id, name, revoked, deprecated FROM attack_technique "
                           "WHERE parent_id = ? ORDER BY attack_id");
    subs.bind(1, row);
    d.sub_techniques = read_refs(subs, nullptr);

    // The replacement chain; a cycle in a damaged file ends it.
    SQLite::Statement next(c,
                           "SELECT id, attack_id, name, revoked, deprecated, replaced_by "
                           "FROM attack_technique WHERE id = ?");
    std::set<std::int64_t> seen{row};
    while (replaced_by && seen.insert(*replaced_by).second) {
      next.reset();
      next.bind(1, *replaced_by);
      if (!next.executeStep()) break;
      model::AttackTechniqueRef r;
      r.id = next.getColumn(1).getString();
      r.name = next.getColumn(2).getString();
      r.revoked = next.getColumn(3).getInt() != 0;
      r.deprecated = next.getColumn(4).getInt() != 0;
      r.tactics = tactics_of(c, next.getColumn(0).getInt64());
      if (d.replacements.empty()) t.replaced_by = r.id;
      replaced_by = r.revoked ? optional_int(next, 5) : std::nullopt;
      d.replacements.push_back(std::move(r));
    }

    SQLite::Statement sources(c,
                              "SELECT data_component_id, data_component, data_source, name, "
                              "channel FROM attack_log_source WHERE technique_id = ? ORDER BY id");
    sources.bind(1, row);
    while (sources.executeStep()) {
      model::AttackLogSource ls;
      ls.data_component_id = optional_text(sources, 0);
      ls.data_component = sources.getColumn(1).getString();
      ls.data_source = optional_text(sources, 2);
      ls.name = optional_text(sources, 3);
      ls.channel = optional_text(sources, 4);
      t.log_sources.push_back(std::move(ls));
    }
    found = std::move(d);
  });
  return found;
}

std::vector<model::AttackTechniqueRef> attack_technique_refs(const Database& db) {
  std::vector<model::AttackTechniqueRef> refs;
  translate_sqlite_errors([&] {
    const auto tactics = tactics_by_technique(db.connection());
    SQLite::Statement s(db.connection(),
                        "SELECT id, attack_id, name, revoked, deprecated FROM attack_technique "
                        "ORDER BY attack_id");
    refs = read_refs(s, &tactics);
  });
  return refs;
}

std::vector<model::AttackTechniqueRef> attack_techniques_in_tactic(const Database& db,
                                                                   const std::string& tactic_id) {
  std::vector<model::AttackTechniqueRef> refs;
  translate_sqlite_errors([&] {
    const auto tactics = tactics_by_technique(db.connection());
    SQLite::Statement s(db.connection(),
                        "SELECT t.id, t.attack_id, t.name, t.revoked, t.deprecated "
                        "FROM attack_technique t "
                        "JOIN attack_technique_tactic tt ON tt.technique_id = t.id "
                        "JOIN attack_tactic ta ON ta.id = tt.tactic_id "
                        "WHERE ta.attack_id = ? ORDER BY t.attack_id");
    s.bind(1, tactic_id);
    refs = read_refs(s, &tactics);
  });
  return refs;
}

std::vector<model::AttackTechniqueRef> search_attack_techniques(const Database& db,
                                                                const AttackSearch& search) {
  std::vector<model::AttackTechniqueRef> refs;
  translate_sqlite_errors([&] {
    // instr() rather than LIKE: the words are matched as they are, with no
    // wildcard characters to escape.
    std::string sql =
        "SELECT id, attack_id, name, revoked, deprecated FROM attack_technique WHERE 1";
    if (search.id_prefix) sql += " AND substr(attack_id, 1, length(:prefix)) = :prefix";
    for (std::size_t i = 0; i < search.words.size(); ++i) {
      sql += " AND instr(lower(name), lower(:w" + std::to_string(i) + ")) > 0";
    }
    sql += " ORDER BY attack_id";
    const auto tactics = tactics_by_technique(db.connection());
    SQLite::Statement s(db.connection(), sql);
    if (search.id_prefix) s.bind(":prefix", *search.id_prefix);
    for (std::size_t i = 0; i < search.words.size(); ++i) {
      s.bind(":w" + std::to_string(i), search.words[i]);
    }
    refs = read_refs(s, &tactics);
  });
  return refs;
}

std::optional<std::string> stored_host_platform(const Database& db, std::int64_t case_id,
                                                const std::string& canonical_host) {
  std::optional<std::string> platform;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        "SELECT platform FROM host WHERE case_id = ? AND canonical = ?");
    s.bind(1, static_cast<std::int64_t>(case_id));
    s.bind(2, canonical_host);
    if (s.executeStep()) platform = optional_text(s, 0);
  });
  return platform;
}

TechniqueDescriber::TechniqueDescriber(const Database& db) : m_db(db) {
  translate_sqlite_errors([&] {
    auto s = db.prepare("SELECT EXISTS (SELECT 1 FROM attack_release)");
    s->executeStep();
    m_has_catalogue = s->getColumn(0).getInt() != 0;
  });
}

const TechniqueDescriber::Entry& TechniqueDescriber::lookup(const std::string& id) {
  auto it = m_cache.find(id);
  if (it != m_cache.end()) return it->second;
  Entry entry;
  translate_sqlite_errors([&] {
    SQLite::Database& c = m_db.connection();
    auto pooled = m_db.prepare("SELECT id, name FROM attack_technique WHERE attack_id = ?");
    SQLite::Statement& s = *pooled;
    s.bind(1, id);
    if (!s.executeStep()) return;
    const std::int64_t row = s.getColumn(0).getInt64();
    entry.known = true;
    entry.name = s.getColumn(1).getString();
    entry.tactics = tactics_of(c, row);
    entry.platforms = platforms_of(c, row);
  });
  return m_cache.emplace(id, std::move(entry)).first->second;
}

void TechniqueDescriber::describe(model::ObservationRecord& record) {
  describe(record.techniques, record.host_platform);
}

void TechniqueDescriber::describe(std::vector<model::TechniqueRef>& techniques,
                                  const std::optional<std::string>& host_platform) {
  if (!m_has_catalogue) return;
  for (model::TechniqueRef& t : techniques) {
    const Entry& e = lookup(t.id);
    if (!e.known) continue;
    t.name = e.name;
    t.tactics = e.tactics;
    t.platforms = e.platforms;
    t.outside_host_platform =
        host_platform && !attack::platform_listed(e.platforms, *host_platform);
  }
}

}  // namespace casetrail::store

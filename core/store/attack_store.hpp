#pragma once
// The ATT&CK catalogue in the case database: replaced whole by an import,
// read by `attack status|show|search`, by the technique check and by the
// observation read path (technique names and tactics).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/attack.hpp"
#include "core/model/observation_record.hpp"
#include "core/store/database.hpp"

namespace casetrail::store {

// Replaces the stored catalogue with `catalogue` in one IMMEDIATE
// transaction: afterwards the database holds exactly this release, or, on
// any failure, exactly what it held before. Returns the status of the
// release it replaced, if there was one. Throws Error(database).
std::optional<model::AttackStatus> replace_attack_catalogue(const Database& db,
                                                            const model::AttackCatalogue& catalogue,
                                                            const std::string& analyst,
                                                            time::UtcTime at);

// The stored release with its counts, or nullopt when none was imported.
std::optional<model::AttackStatus> attack_status(const Database& db);

// The label observations record for the stored release (attack::release_label),
// or nullopt when none was imported.
std::optional<std::string> attack_release_label(const Database& db);

// The stored tactics in matrix order; empty when no catalogue was imported.
std::vector<model::AttackTactic> attack_tactics(const Database& db);

// The technique with this ATT&CK ID (exact, "T1059.001"), with its tactics,
// platforms, parent, sub-techniques, replacements and log sources; nullopt
// when the catalogue does not have it (or there is no catalogue).
std::optional<model::AttackTechniqueDetails> find_attack_technique(const Database& db,
                                                                   const std::string& id);

// Every stored technique, by ID, with its tactics: what suggestions for an
// unknown ID are chosen from.
std::vector<model::AttackTechniqueRef> attack_technique_refs(const Database& db);

// The techniques of a tactic (by the tactic's ATT&CK ID), by ID.
std::vector<model::AttackTechniqueRef> attack_techniques_in_tactic(const Database& db,
                                                                   const std::string& tactic_id);

// Techniques whose ATT&CK ID starts with `id_prefix` (when given), and whose
// name contains every one of `words` (ASCII case-insensitive), by ID.
struct AttackSearch {
  std::optional<std::string> id_prefix;
  std::vector<std::string> words;
};
std::vector<model::AttackTechniqueRef> search_attack_techniques(const Database& db,
                                                                const AttackSearch& search);

// The platform recorded for a host of a case (canonical name), if any.
std::optional<std::string> stored_host_platform(const Database& db, std::int64_t case_id,
                                                const std::string& canonical_host);

// Fills the techniques of observations read back with what the catalogue
// knows: name, tactics (matrix order), platforms, and whether the host's
// platform is outside them. Techniques the catalogue lacks, and all of them
// when there is no catalogue, stay as they are. Caches per technique ID, so
// that listing many observations costs one lookup per distinct technique.
class TechniqueDescriber {
 public:
  explicit TechniqueDescriber(const Database& db);
  void describe(model::ObservationRecord& record);
  // The same for techniques read without their record (correlation rows),
  // on a host of platform `host_platform` (nullopt: unknown, never outside).
  void describe(std::vector<model::TechniqueRef>& techniques,
                const std::optional<std::string>& host_platform);

 private:
  struct Entry {
    bool known = false;
    std::string name;
    std::vector<std::string> tactics;
    std::vector<std::string> platforms;
  };
  const Entry& lookup(const std::string& id);

  const Database& m_db;
  bool m_has_catalogue = false;
  std::unordered_map<std::string, Entry> m_cache;
};

}  // namespace casetrail::store

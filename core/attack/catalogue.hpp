#pragma once
// The ATT&CK catalogue's use cases: import a bundle, report what is stored,
// look up a technique or tactic, search. Tactics fall back to the built-in
// Enterprise table (tactics.hpp) when nothing is imported.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model/attack.hpp"
#include "core/store/database.hpp"

namespace casetrail::attack {

struct ImportResult {
  model::AttackStatus status;                   // what is stored now
  std::optional<model::AttackStatus> replaced;  // what it replaced, if anything
  std::vector<std::string> warnings;            // e.g. an older release over a newer one
};

// Reads the bundle at `path` (read_stix_bundle) and replaces the stored
// catalogue with it in one transaction. Throws what read_stix_bundle throws,
// and Error(database); in every case the stored catalogue is left as it was.
ImportResult import_catalogue(const store::Database& db, const std::string& path,
                              const std::optional<std::string>& attack_version,
                              const std::string& analyst, time::UtcTime now);

// Tactics in matrix order: the catalogue's when one is imported, else the
// 14 built-in Enterprise tactics.
std::vector<model::AttackTactic> tactics_in_order(const store::Database& db);

struct TacticDetails {
  model::AttackTactic tactic;
  std::optional<std::string> release;  // nullopt: the built-in table (no catalogue)
  // Not revoked, by ID; empty without a catalogue.
  std::vector<model::AttackTechniqueRef> techniques;
};

using Shown = std::variant<model::AttackTechniqueDetails, TacticDetails>;

// The technique (T1059, T1059.001) or tactic (TA0002, execution) named by
// `text`, any case. Revoked and deprecated techniques are shown too.
// Throws Error(not_found): no catalogue imported (for a technique), or not
// in it (with close matches: same parent, near IDs, name words).
Shown show(const store::Database& db, std::string_view text);

struct SearchResult {
  std::optional<std::string> release;  // nullopt: no catalogue, only tactics searched
  std::vector<model::AttackTactic> tactics;
  std::vector<model::AttackTechniqueRef> techniques;
};

// Tactics and techniques matching `text`: an ID prefix ("T1059", "t1059.0",
// "TA00"), else every word in the name (case-insensitive); tactics also by
// shortname. Throws Error(invalid_input) for empty text.
SearchResult search(const store::Database& db, std::string_view text);

}  // namespace casetrail::attack

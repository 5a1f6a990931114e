#pragma once
// What exports need to know about ATT&CK beyond an observation's own
// techniques: tactic IDs and names by shortname (ECS threat.tactic.*,
// Navigator), and technique names by ID (a sub-technique's parent).

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model/attack.hpp"
#include "core/store/database.hpp"

namespace casetrail::exporting {

class AttackLookup {
public:
  // Reads the stored catalogue once (the built-in Enterprise tactics when
  // none is imported). Throws Error(database).
  explicit AttackLookup(const store::Database& db);
  // From given parts (tests).
  AttackLookup(std::vector<model::AttackTactic> tactics, std::optional<std::string> release,
               std::unordered_map<std::string, std::string> technique_names);

  // The tactic with this shortname ("execution"), or nullptr.
  const model::AttackTactic* tactic(std::string_view shortname) const;
  // Tactics in matrix order.
  const std::vector<model::AttackTactic>& tactics() const { return m_tactics; }
  // The name of a technique in the catalogue, or nullopt.
  std::optional<std::string> technique_name(const std::string& id) const;
  // Whether the catalogue lists this technique ID.
  bool has_technique(const std::string& id) const { return m_names.count(id) != 0; }
  // The stored release's label ("18.1"), nullopt without a catalogue.
  const std::optional<std::string>& release() const { return m_release; }

private:
  std::vector<model::AttackTactic> m_tactics;
  std::optional<std::string> m_release;
  std::unordered_map<std::string, std::string> m_names;
};

// https://attack.mitre.org/techniques/T1059/001/ for T1059.001.
std::string technique_url(std::string_view id);
// https://attack.mitre.org/tactics/TA0002/
std::string tactic_url(std::string_view id);

}  // namespace casetrail::exporting

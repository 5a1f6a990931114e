#include "core/export/attack_lookup.hpp"

#include "core/attack/catalogue.hpp"
#include "core/store/attack_store.hpp"

namespace casetrail::exporting {

AttackLookup::AttackLookup(const store::Database& db)
    : m_tactics(attack::tactics_in_order(db)), m_release(store::attack_release_label(db)) {
  for (auto& ref : store::attack_technique_refs(db)) m_names.emplace(ref.id, std::move(ref.name));
}

AttackLookup::AttackLookup(std::vector<model::AttackTactic> tactics, std::optional<std::string> release,
                           std::unordered_map<std::string, std::string> technique_names)
    : m_tactics(std::move(tactics)), m_release(std::move(release)), m_names(std::move(technique_names)) {}

const model::AttackTactic* AttackLookup::tactic(std::string_view shortname) const {
  for (const auto& t : m_tactics) {
    if (t.shortname == shortname) return &t;
  }
  return nullptr;
}

std::optional<std::string> AttackLookup::technique_name(const std::string& id) const {
  const auto it = m_names.find(id);
  if (it == m_names.end()) return std::nullopt;
  return it->second;
}

std::string technique_url(std::string_view id) {
  std::string path(id);
  const auto dot = path.find('.');
  if (dot != std::string::npos) path[dot] = '/';
  return "https://attack.mitre.org/techniques/" + path + "/";
}

std::string tactic_url(std::string_view id) {
  return "https://attack.mitre.org/tactics/" + std::string(id) + "/";
}

}  // namespace casetrail::exporting

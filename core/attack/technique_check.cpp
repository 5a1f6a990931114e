#include "core/attack/technique_check.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/attack/platform.hpp"
#include "core/error.hpp"
#include "core/store/attack_store.hpp"

namespace casetrail::attack {
namespace {

constexpr const char* k_form = "expected an ATT&CK technique ID such as T1059 or T1059.001";

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two neighbours (T1095 for T1059) each count one.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string named(const std::string& id, const std::string& name) { return id + " (" + name + ")"; }

std::string revoked_reason(const model::AttackTechniqueDetails& d, const std::string& release) {
  std::string reason = "revoked in ATT&CK " + release;
  if (d.replacements.empty()) return reason + ", with no replacement named";
  for (std::size_t i = 0; i < d.replacements.size(); ++i) {
    reason += i == 0 ? ": replaced by " : ", itself replaced by ";
    reason += named(d.replacements[i].id, d.replacements[i].name);
  }
  if (d.replacements.back().revoked) reason += ", revoked too";
  return reason;
}

}  // namespace

bool is_technique_id(std::string_view id) {
  auto digits = [&](std::size_t from, std::size_t count) {
    for (std::size_t i = from; i < from + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
  };
  if (id.size() == 5) return id[0] == 'T' && digits(1, 4);
  if (id.size() == 9) return id[0] == 'T' && digits(1, 4) && id[5] == '.' && digits(6, 3);
  return false;
}

std::string normalise_technique_id(std::string_view id) {
  std::string out(id);
  if (!out.empty() && out[0] == 't') out[0] = 'T';
  return out;
}

std::vector<model::AttackTechniqueRef> close_matches(
    const std::vector<model::AttackTechniqueRef>& techniques, std::string_view text,
    std::size_t limit) {
  std::vector<const model::AttackTechniqueRef*> active;
  for (const auto& t : techniques) {
    if (!t.revoked && !t.deprecated) active.push_back(&t);
  }
  std::vector<model::AttackTechniqueRef> out;
  auto take = [&](std::vector<std::pair<std::size_t, const model::AttackTechniqueRef*>> ranked) {
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return std::pair(a.first, a.second->id) < std::pair(b.first, b.second->id);
    });
    for (const auto& [rank, t] : ranked) {
      if (out.size() == limit) break;
      out.push_back(*t);
    }
  };
  const std::string id = normalise_technique_id(text);
  if (is_technique_id(id)) {
    const std::string parent = id.substr(0, 5);
    std::vector<std::pair<std::size_t, const model::AttackTechniqueRef*>> family;
    for (const auto* t : active) {
      if (t->id == parent) {
        family.emplace_back(0, t);  // the parent first: the safe choice
      } else if (id.size() == 9 && t->id.rfind(parent + ".", 0) == 0) {
        family.emplace_back(1 + edit_distance(id, t->id), t);
      }
    }
    if (!family.empty()) {
      take(std::move(family));
      return out;
    }
    std::vector<std::pair<std::size_t, const model::AttackTechniqueRef*>> near;
    for (const auto* t : active) {
      const std::size_t distance = edit_distance(id, t->id);
      if (distance <= 2) near.emplace_back(distance, t);
    }
    take(std::move(near));
    return out;
  }
  std::vector<std::string> words;
  std::istringstream in{lower(text)};
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) return out;
  std::vector<std::pair<std::size_t, const model::AttackTechniqueRef*>> matching;
  for (const auto* t : active) {
    const std::string name = lower(t->name);
    const bool all = std::all_of(words.begin(), words.end(), [&](const std::string& w) {
      return name.find(w) != std::string::npos;
    });
    // Shorter names first: "PowerShell" before "PowerShell Profile".
    if (all) matching.emplace_back(t->name.size(), t);
  }
  take(std::move(matching));
  return out;
}

std::string list_techniques(const std::vector<model::AttackTechniqueRef>& techniques) {
  std::string out;
  for (const auto& t : techniques) {
    if (!out.empty()) out += ", ";
    out += named(t.id, t.name);
  }
  return out;
}

TechniqueChecker::TechniqueChecker(const store::Database& db)
    : m_db(db), m_release(store::attack_release_label(db)) {}

const std::optional<model::AttackTechniqueDetails>& TechniqueChecker::lookup(
    const std::string& id) {
  auto it = m_cache.find(id);
  if (it == m_cache.end()) it = m_cache.emplace(id, store::find_attack_technique(m_db, id)).first;
  return it->second;
}

const std::vector<model::AttackTechniqueRef>& TechniqueChecker::all_techniques() {
  if (!m_all) m_all = store::attack_technique_refs(m_db);
  return *m_all;
}

TechniqueCheck TechniqueChecker::check(std::string_view field, const std::vector<std::string>& ids,
                                       const std::optional<std::string>& host_platform) {
  TechniqueCheck check;
  check.release = m_release;
  for (const std::string& given : ids) {
    const std::string id = normalise_technique_id(given);
    if (!is_technique_id(id)) {
      std::string reason = k_form;
      if (m_release) {
        const auto by_name = close_matches(all_techniques(), given);
        if (!by_name.empty()) reason += "; by name: " + list_techniques(by_name);
      }
      throw invalid_value(field, given, reason);
    }
    if (std::find(check.ids.begin(), check.ids.end(), id) != check.ids.end()) continue;
    if (m_release) {
      const auto& found = lookup(id);
      if (!found) {
        const auto near = close_matches(all_techniques(), id);
        throw invalid_value(
            field, given,
            "not in ATT&CK " + *m_release +
                (near.empty() ? "; nothing close to it (see casetrail attack search)"
                              : "; close matches: " + list_techniques(near)));
      }
      const model::AttackTechnique& t = found->technique;
      if (t.revoked) throw invalid_value(field, given, revoked_reason(*found, *m_release));
      if (t.deprecated && m_warned.insert("deprecated " + id).second) {
        check.warnings.push_back(named(id, t.name) + " is deprecated in ATT&CK " + *m_release +
                                 ": accepted all the same");
      }
      if (host_platform && !platform_listed(t.platforms, *host_platform) &&
          m_warned.insert("platform " + id + " " + normalise_platform(*host_platform)).second) {
        check.warnings.push_back(
            "host platform " + *host_platform + " is not among the platforms ATT&CK " + *m_release +
            " lists for " + named(id, t.name) + ": " + join_platforms(t.platforms));
      }
    }
    check.ids.push_back(id);
  }
  if (!m_release && !check.ids.empty() && !m_warned_unchecked) {
    m_warned_unchecked = true;
    check.warnings.push_back(
        "no ATT&CK catalogue imported: technique IDs were checked for form "
        "only (run `casetrail attack import enterprise-attack.json`)");
  }
  return check;
}

TechniqueCheck check_techniques(const store::Database& db, std::string_view field,
                                const std::vector<std::string>& ids,
                                const std::optional<std::string>& host_platform) {
  TechniqueChecker checker(db);
  return checker.check(field, ids, host_platform);
}

}  // namespace casetrail::attack

#include "core/export/navigator_layer.hpp"

#include <algorithm>

#include "core/export/evidence_text.hpp"
#include "core/export/record_context.hpp"

namespace casetrail::exporting {
namespace {

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += display_text(i);
  }
  return out.empty() ? "-" : out;
}

std::string plural(std::int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

NavigatorLayer::NavigatorLayer(const model::CaseRecord& c, const AttackLookup& attack,
                               const date::time_zone* zone, std::vector<std::string> filters)
    : m_case(c), m_attack(attack), m_zone(zone), m_filters(std::move(filters)) {}

void NavigatorLayer::add(const model::ObservationRecord& r) {
  ++m_observations;
  for (const auto& t : r.techniques) {
    Seen& s = m_seen[t.id];
    switch (r.status) {
      case model::Status::verified: ++s.verified; break;
      case model::Status::unverified: ++s.unverified; break;
      case model::Status::benign: ++s.benign; break;
      case model::Status::false_positive: ++s.false_positive; break;
    }
    if (r.status == model::Status::verified || r.status == model::Status::unverified) {
      s.hosts.insert(r.host);
      if (r.account) s.accounts.insert(*r.account);
      s.first = std::min(s.first, r.observed_at);
      s.last = std::max(s.last, r.observed_at);
    }
    if (!s.name && t.name) s.name = t.name;
    if (s.tactics.empty()) s.tactics = t.tactics;
  }
}

nlohmann::json NavigatorLayer::layer() const {
  std::int64_t max_verified = 0;
  for (const auto& [id, s] : m_seen) max_verified = std::max(max_verified, s.verified);

  nlohmann::json techniques = nlohmann::json::array();
  std::vector<std::string> left_out;
  std::int64_t shown = 0;
  std::int64_t unverified_only = 0;
  for (const auto& [id, s] : m_seen) {
    if (s.verified == 0 && s.unverified == 0) {
      std::string why = s.benign > 0 && s.false_positive > 0 ? "benign and false positive"
                        : s.benign > 0                       ? "benign"
                                                             : "false positive";
      left_out.push_back(id + " (" + why + " only)");
      continue;
    }
    ++shown;
    const bool lead_only = s.verified == 0;
    if (lead_only) ++unverified_only;
    const std::string first = local_time(s.first, m_zone);
    const std::string last = local_time(s.last, m_zone);
    std::string comment = lead_only ? "UNVERIFIED LEAD ONLY, not a finding: " : "";
    comment += plural(s.verified, "verified observation") + ", " +
               plural(s.unverified, "unverified observation") + "; hosts: " + join(s.hosts) +
               "; accounts: " + join(s.accounts) + "; first seen " + first + "; last seen " + last;
    nlohmann::json metadata = nlohmann::json::array();
    if (lead_only) {
      metadata.push_back({{"name", "evidence"},
                          {"value", "unverified only: a lead, not a finding; verify before acting on it"}});
      metadata.push_back({{"divider", true}});
    }
    metadata.push_back({{"name", "verified"}, {"value", std::to_string(s.verified)}});
    metadata.push_back({{"name", "unverified"}, {"value", std::to_string(s.unverified)}});
    metadata.push_back({{"name", "hosts"}, {"value", join(s.hosts)}});
    metadata.push_back({{"name", "accounts"}, {"value", join(s.accounts)}});
    metadata.push_back({{"name", "first seen"}, {"value", first}});
    metadata.push_back({{"name", "last seen"}, {"value", last}});

    // One entry per tactic the technique belongs to (the layer format scopes
    // an entry to a tactic), or one without a tactic when the catalogue does
    // not know the technique.
    std::vector<std::optional<std::string>> tactics;
    for (const auto& t : s.tactics) tactics.emplace_back(t);
    if (tactics.empty()) tactics.emplace_back(std::nullopt);
    // A named prefix, not the structured binding: lambdas may not capture
    // those before C++20's P1091 (clang 14 refuses it).
    const std::string sub_prefix = id + ".";
    const bool has_seen_sub =
        id.find('.') == std::string::npos &&
        std::any_of(m_seen.begin(), m_seen.end(), [&sub_prefix](const auto& other) {
          return other.first.rfind(sub_prefix, 0) == 0;
        });
    for (const auto& tactic : tactics) {
      nlohmann::json entry = {{"techniqueID", id}};
      if (tactic) entry["tactic"] = *tactic;
      if (lead_only) {
        entry["color"] = k_unverified_colour;
      } else {
        entry["score"] = s.verified;
      }
      entry["comment"] = comment;
      entry["enabled"] = true;
      entry["metadata"] = metadata;
      if (has_seen_sub) entry["showSubtechniques"] = true;
      techniques.push_back(std::move(entry));
    }
  }

  nlohmann::json versions = {{"navigator", k_navigator_version}, {"layer", k_navigator_layer_version}};
  if (const auto& release = m_attack.release()) {
    // The Navigator names releases by major version ("18" for 18.1).
    const std::string major = release->substr(0, release->find('.'));
    if (!major.empty() && std::all_of(major.begin(), major.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      versions["attack"] = major;
    }
  }

  std::string description = "casetrail case " + m_case.key + ": " + m_case.title + ". " +
                            plural(shown, "technique") + " seen in " +
                            plural(m_observations, "observation") +
                            "; score = verified observations of the technique; techniques seen only "
                            "in unverified observations are shown apart, unscored, as leads.";
  if (!m_filters.empty()) {
    std::string f;
    for (const auto& x : m_filters) f += (f.empty() ? "" : " ") + x;
    description += " Filters: " + f + ".";
  }

  nlohmann::json metadata = nlohmann::json::array();
  metadata.push_back({{"name", "case"}, {"value", m_case.key}});
  metadata.push_back({{"name", "title"}, {"value", m_case.title}});
  metadata.push_back({{"name", "ATT&CK release"}, {"value", m_attack.release().value_or("none imported")}});
  metadata.push_back({{"name", "observations"}, {"value", std::to_string(m_observations)}});
  metadata.push_back({{"name", "unverified-only techniques"},
                      {"value", std::to_string(unverified_only) +
                                    " (colour " + std::string(k_unverified_colour) +
                                    ", no score): leads, not findings"}});
  if (!left_out.empty()) {
    std::string text;
    for (const auto& l : left_out) text += (text.empty() ? "" : ", ") + l;
    metadata.push_back({{"name", "left out"}, {"value", text}});
  }

  nlohmann::json layer = nlohmann::json::object();
  layer["name"] = m_case.key + " " + m_case.title;
  layer["versions"] = std::move(versions);
  layer["domain"] = "enterprise-attack";
  layer["description"] = description;
  layer["sorting"] = 3;
  layer["layout"] = {{"layout", "side"},
                     {"showID", true},
                     {"showName", true},
                     {"showAggregateScores", false},
                     {"countUnscored", false},
                     {"aggregateFunction", "max"},
                     {"expandedSubtechniques", "annotated"}};
  layer["hideDisabled"] = false;
  layer["techniques"] = std::move(techniques);
  layer["gradient"] = {{"colors", {k_gradient_low, k_gradient_high}},
                       {"minValue", 0},
                       {"maxValue", std::max<std::int64_t>(max_verified, 1)}};
  nlohmann::json legend = nlohmann::json::array();
  legend.push_back({{"label", "verified evidence: few observations"}, {"color", k_gradient_low}});
  legend.push_back({{"label", "verified evidence: " + plural(std::max<std::int64_t>(max_verified, 1), "observation")},
                    {"color", k_gradient_high}});
  legend.push_back({{"label", "unverified leads only (not findings)"}, {"color", k_unverified_colour}});
  layer["legendItems"] = std::move(legend);
  layer["showTacticRowBackground"] = false;
  layer["selectTechniquesAcrossTactics"] = true;
  layer["selectSubtechniquesWithParent"] = false;
  layer["selectVisibleTechniques"] = false;
  layer["metadata"] = std::move(metadata);
  return layer;
}

}  // namespace casetrail::exporting

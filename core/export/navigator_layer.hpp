#pragma once
// The case's techniques as an ATT&CK Navigator layer, layer format 4.5
// (https://github.com/mitre-attack/attack-navigator/blob/master/layers/spec/v4.5/layerformat.md):
// one technique entry per technique and tactic seen, scored by the number of
// verified observations (gradient and legend), with hosts, accounts and
// first/last seen in the comment and metadata. Techniques seen only in
// unverified observations are leads, not findings: they get no score, their
// own colour and a metadata note saying so. Techniques seen only in benign or
// false-positive observations are left out (the layer's metadata lists them).

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/export/attack_lookup.hpp"
#include "core/model/case_record.hpp"
#include "core/model/observation_record.hpp"

namespace date {
class time_zone;
}

namespace casetrail::exporting {

inline constexpr std::string_view k_navigator_layer_version = "4.5";
// The Navigator release that introduced layer format 4.5 reads it; later ones
// do too.
inline constexpr std::string_view k_navigator_version = "4.9.0";
// Colours: the gradient for verified evidence (few to many observations) and
// the colour of unverified-only techniques.
inline constexpr std::string_view k_gradient_low = "#fcbba1";
inline constexpr std::string_view k_gradient_high = "#a50f15";
inline constexpr std::string_view k_unverified_colour = "#9ecae1";

class NavigatorLayer {
public:
  // `filters`: the export's filters as given ("--host ws01"), for the layer's
  // description; `zone`: for first/last seen (nullptr: UTC).
  NavigatorLayer(const model::CaseRecord& c, const AttackLookup& attack,
                 const date::time_zone* zone, std::vector<std::string> filters);

  void add(const model::ObservationRecord& r);

  // The layer. Deterministic: techniques by ID, tactics in matrix order.
  nlohmann::json layer() const;

private:
  struct Seen {
    std::int64_t verified = 0;
    std::int64_t unverified = 0;
    std::int64_t benign = 0;
    std::int64_t false_positive = 0;
    std::set<std::string> hosts;
    std::set<std::string> accounts;
    time::UtcTime first = time::UtcTime::max();
    time::UtcTime last = time::UtcTime::min();
    std::optional<std::string> name;
    std::vector<std::string> tactics;  // shortnames, matrix order
  };

  const model::CaseRecord& m_case;
  const AttackLookup& m_attack;
  const date::time_zone* m_zone;
  std::vector<std::string> m_filters;
  std::map<std::string, Seen> m_seen;
  std::int64_t m_observations = 0;
};

}  // namespace casetrail::exporting

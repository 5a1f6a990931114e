#include "cli/render/techniques.hpp"

#include <algorithm>

namespace casetrail::cli {

std::string technique_text(const model::TechniqueRef& t) {
  std::string text = t.id;
  if (t.name) text += " " + *t.name;
  if (!t.tactics.empty()) {
    text += " [";
    for (std::size_t i = 0; i < t.tactics.size(); ++i) text += (i ? ", " : "") + t.tactics[i];
    text += "]";
  }
  return text;
}

std::string techniques_cell(const std::vector<model::TechniqueRef>& techniques) {
  // Bare IDs read well with commas; names and tactic lists need a stronger break.
  const bool named = std::any_of(techniques.begin(), techniques.end(),
                                 [](const model::TechniqueRef& t) { return t.name.has_value(); });
  std::string s;
  for (const auto& t : techniques) {
    if (!s.empty()) s += named ? "; " : ",";
    s += technique_text(t);
  }
  return s.empty() ? "-" : s;
}

}  // namespace casetrail::cli

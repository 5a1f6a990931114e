#include "core/attack/technique_check.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace casetrail::attack {

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

TechniqueCheck check_techniques(const store::Database& /*db*/, std::string_view field,
                                const std::vector<std::string>& ids) {
  TechniqueCheck check;
  for (const std::string& given : ids) {
    const std::string id = normalise_technique_id(given);
    if (!is_technique_id(id)) {
      throw invalid_value(field, given, "expected an ATT&CK technique ID such as T1059 or T1059.001");
    }
    if (std::find(check.ids.begin(), check.ids.end(), id) == check.ids.end()) check.ids.push_back(id);
  }
  if (!check.ids.empty()) {
    check.warnings.push_back("no ATT&CK catalogue imported: technique IDs were checked for form only "
                             "(run `casetrail attack import enterprise-attack.json`)");
  }
  return check;
}

}  // namespace casetrail::attack

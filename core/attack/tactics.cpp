#include "core/attack/tactics.hpp"

#include <cctype>

namespace casetrail::attack {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<model::AttackTactic> make_enterprise_tactics() {
  struct Row {
    const char* id;
    const char* shortname;
    const char* name;
    const char* description;
  };
  static const Row rows[] = {
      {"TA0043", "reconnaissance", "Reconnaissance",
       "The adversary is trying to gather information they can use to plan future operations."},
      {"TA0042", "resource-development", "Resource Development",
       "The adversary is trying to establish resources they can use to support operations."},
      {"TA0001", "initial-access", "Initial Access",
       "The adversary is trying to get into your network."},
      {"TA0002", "execution", "Execution", "The adversary is trying to run malicious code."},
      {"TA0003", "persistence", "Persistence",
       "The adversary is trying to maintain their foothold."},
      {"TA0004", "privilege-escalation", "Privilege Escalation",
       "The adversary is trying to gain higher-level permissions."},
      {"TA0005", "defense-evasion", "Defense Evasion",
       "The adversary is trying to avoid being detected."},
      {"TA0006", "credential-access", "Credential Access",
       "The adversary is trying to steal account names and passwords."},
      {"TA0007", "discovery", "Discovery",
       "The adversary is trying to figure out your environment."},
      {"TA0008", "lateral-movement", "Lateral Movement",
       "The adversary is trying to move through your environment."},
      {"TA0009", "collection", "Collection",
       "The adversary is trying to gather data of interest to their goal."},
      {"TA0011", "command-and-control", "Command and Control",
       "The adversary is trying to communicate with compromised systems to control them."},
      {"TA0010", "exfiltration", "Exfiltration", "The adversary is trying to steal data."},
      {"TA0040", "impact", "Impact",
       "The adversary is trying to manipulate, interrupt, or destroy your systems and data."},
  };
  std::vector<model::AttackTactic> tactics;
  int order = 0;
  for (const Row& r : rows) tactics.push_back({r.id, r.shortname, r.name, r.description, ++order});
  return tactics;
}

}  // namespace

const std::vector<model::AttackTactic>& enterprise_tactics() {
  static const std::vector<model::AttackTactic> tactics = make_enterprise_tactics();
  return tactics;
}

std::optional<model::AttackTactic> find_tactic(const std::vector<model::AttackTactic>& tactics,
                                               std::string_view id_or_shortname) {
  for (const auto& t : tactics) {
    if (equal_ignoring_case(t.id, id_or_shortname) ||
        equal_ignoring_case(t.shortname, id_or_shortname)) {
      return t;
    }
  }
  return std::nullopt;
}

}  // namespace casetrail::attack

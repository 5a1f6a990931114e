#pragma once
// Checking technique IDs wherever one is given: the form (T1234, T1234.001),
// and, when an ATT&CK catalogue is imported, that it exists (else an error
// with close matches), is not revoked (else an error naming the
// replacement) and is not deprecated (accepted with a warning). Without a
// catalogue, well-formed IDs are accepted with one warning saying so.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/attack.hpp"

namespace casetrail::store {
class Database;
}

namespace casetrail::attack {

// True for T followed by four digits, optionally . and three digits.
bool is_technique_id(std::string_view id);

// Upper-cases a leading 't' ("t1059.001" -> "T1059.001"); other text unchanged.
std::string normalise_technique_id(std::string_view id);

struct TechniqueCheck {
  std::vector<std::string> ids;        // normalised, de-duplicated, in given order
  std::optional<std::string> release;  // the ATT&CK release checked against, if any
  std::vector<std::string>
      warnings;  // deprecated IDs, platform context, "not checked: no catalogue"
};

// Checks the technique IDs of one command. Keeps what it looked up and
// which warnings it gave, so that an import checking thousands of records
// queries each ID once and warns once per ID (and once, in all, that there
// is no catalogue).
class TechniqueChecker {
 public:
  explicit TechniqueChecker(const store::Database& db);

  // Validates technique IDs given by `field` (for messages: "--technique").
  // With `host_platform` (windows, linux, PRE, ...), adds a warning for each
  // technique whose ATT&CK platforms do not include it.
  // Throws casetrail::Error(invalid_input) naming the field and the value:
  // malformed (with techniques whose names hold those words, when there is a
  // catalogue), unknown (with close matches), or revoked (with the
  // replacement, followed while that is revoked too).
  TechniqueCheck check(std::string_view field, const std::vector<std::string>& ids,
                       const std::optional<std::string>& host_platform = std::nullopt);

  // The release label checked against, nullopt without a catalogue.
  const std::optional<std::string>& release() const { return m_release; }

 private:
  const std::optional<model::AttackTechniqueDetails>& lookup(const std::string& id);
  const std::vector<model::AttackTechniqueRef>& all_techniques();

  const store::Database& m_db;
  std::optional<std::string> m_release;
  bool m_warned_unchecked = false;
  std::set<std::string> m_warned;
  std::map<std::string, std::optional<model::AttackTechniqueDetails>> m_cache;
  std::optional<std::vector<model::AttackTechniqueRef>> m_all;
};

// One-off check, for commands that check one set of IDs.
TechniqueCheck check_techniques(const store::Database& db, std::string_view field,
                                const std::vector<std::string>& ids,
                                const std::optional<std::string>& host_platform = std::nullopt);

// Techniques close to `text`, best first, at most `limit`, chosen among those
// neither revoked nor deprecated. For a technique ID: its parent and
// siblings when the parent exists, else IDs within two edits (digits
// swapped, changed, missing). For other text: techniques whose name holds
// every word of it (case-insensitive).
std::vector<model::AttackTechniqueRef> close_matches(
    const std::vector<model::AttackTechniqueRef>& techniques, std::string_view text,
    std::size_t limit = 5);

// "T1059 (Command and Scripting Interpreter), T1059.009 (Cloud API)".
std::string list_techniques(const std::vector<model::AttackTechniqueRef>& techniques);

}  // namespace casetrail::attack

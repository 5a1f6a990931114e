#pragma once
// The ATT&CK catalogue as casetrail keeps it: what an import reads out of a
// MITRE STIX bundle and what the store gives back. Only what responders use:
// techniques, tactics, log sources and the release they came from.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time/time.hpp"

namespace casetrail::model {

struct AttackTactic {
  std::string id;         // TA0043
  std::string shortname;  // reconnaissance (what kill_chain_phases name)
  std::string name;       // Reconnaissance
  std::string description;
  int order = 0;  // 1-based position in the matrix
};

// One place where ATT&CK says a technique can be seen. From v18 a data
// component reached through a detection strategy's analytics, with the log
// source name and channel; up to v17 a data source string such as
// "Process: Process Creation" (data_source "Process", data_component
// "Process Creation", no ID, name or channel).
struct AttackLogSource {
  std::optional<std::string> data_component_id;  // DC0032
  std::string data_component;                    // Process Creation
  std::optional<std::string> data_source;        // v17 only: Process
  std::optional<std::string> name;               // WinEventLog:Sysmon
  std::optional<std::string> channel;            // EventCode=1

  bool operator==(const AttackLogSource&) const = default;
};

struct AttackTechnique {
  std::string id;       // T1059.001
  std::string stix_id;  // attack-pattern--970a3432-...
  std::string name;
  std::string description;
  std::optional<std::string> parent_id;  // T1059 for T1059.001
  std::vector<std::string> tactics;      // shortnames, matrix order
  std::vector<std::string> platforms;    // as ATT&CK spells them: Windows, macOS, PRE
  bool revoked = false;
  bool deprecated = false;
  std::optional<std::string> replaced_by;  // revoked-by target
  std::optional<std::string> version;      // x_mitre_version
  std::optional<time::UtcTime> modified;
  std::vector<AttackLogSource> log_sources;
};

// Where the release's version came from.
enum class AttackVersionSource { collection, option, unknown };

struct AttackRelease {
  std::string version;  // 18.1, or "unknown"
  AttackVersionSource version_source = AttackVersionSource::unknown;
  time::UtcTime newest_modified{};  // newest `modified` of any object in the file
  std::string spec_version;         // STIX 2.0 or 2.1
  std::string file_name;            // as given to the import
  std::string sha256;
  std::int64_t file_size = 0;
};

// Everything one import writes: the catalogue replaces the stored one whole.
struct AttackCatalogue {
  AttackRelease release;
  std::vector<AttackTactic> tactics;        // matrix order
  std::vector<AttackTechnique> techniques;  // by ID, parents before sub-techniques
};

// The stored release with when and by whom it was imported, and counts.
struct AttackStatus {
  AttackRelease release;
  time::UtcTime imported_at{};
  std::string imported_by;
  std::int64_t techniques = 0;  // all, sub-techniques included
  std::int64_t sub_techniques = 0;
  std::int64_t revoked = 0;
  std::int64_t deprecated = 0;
  std::int64_t active = 0;  // neither revoked nor deprecated
  std::int64_t tactics = 0;
  std::int64_t log_sources = 0;
};

// A technique named by ID and name, for parents, sub-techniques,
// replacements and search results.
struct AttackTechniqueRef {
  std::string id;
  std::string name;
  bool revoked = false;
  bool deprecated = false;
  std::vector<std::string> tactics;  // shortnames, matrix order
};

// A technique with everything `attack show` prints.
struct AttackTechniqueDetails {
  AttackTechnique technique;
  std::vector<AttackTactic> tactics;  // matrix order
  std::optional<AttackTechniqueRef> parent;
  std::vector<AttackTechniqueRef> sub_techniques;
  // revoked-by, followed: the direct replacement first, then its own
  // replacement while that is revoked too.
  std::vector<AttackTechniqueRef> replacements;
  std::string release;  // label
};

}  // namespace casetrail::model

#pragma once
// An observation as read back from the store, with everything known about it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/enums.hpp"
#include "core/model/observation.hpp"
#include "core/time/time.hpp"

namespace casetrail::model {

struct TechniqueRef {
  std::string id;                             // T1059.001
  std::optional<std::string> attack_release;  // the release it was checked against
  // Filled from the catalogue when one is imported:
  std::optional<std::string> name;
  std::vector<std::string> tactics;  // shortnames, matrix order
  std::vector<std::string> platforms;  // as ATT&CK spells them: Windows, PRE
  // True when ATT&CK lists platforms for the technique and the host's
  // platform is not among them (a PRE technique on a Windows host).
  bool outside_host_platform = false;
};

struct AuditEntry {
  std::int64_t id = 0;
  std::string action;  // status, note, tag, technique, correction
  std::optional<std::string> field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  std::optional<std::string> reason;
  std::string analyst;
  time::UtcTime at{};
};

struct ObservationRecord {
  std::int64_t id = 0;  // internal row id
  std::int64_t number = 0;  // per case: #42
  std::string uuid;
  Kind kind = Kind::process;
  time::UtcTime observed_at{};
  int observed_offset = 0;  // seconds
  std::string observed_text;
  int time_precision = 0;
  std::optional<std::string> time_zone;
  std::string time_source;
  std::optional<time::Micros> skew;
  std::string host;  // canonical
  std::string host_observed;
  std::optional<std::string> host_fqdn;
  std::optional<std::string> host_platform;
  std::optional<std::string> account;  // canonical
  std::optional<std::string> account_observed;
  std::optional<std::string> account_sid;
  std::string source;
  std::optional<std::string> source_ref;
  std::optional<std::int64_t> import_run_id;
  std::optional<std::string> fingerprint;  // dedup identity bytes, for imported records
  std::string analyst;
  time::UtcTime logged_at{};
  std::optional<std::string> note;
  std::optional<std::string> raw;  // decoded, exact
  std::optional<std::string> attrs_json;  // JSON object text
  Status status = Status::unverified;
  std::vector<TechniqueRef> techniques;
  std::optional<ProcessDetails> process;
  // Numbers of observations that are the same execution seen by another
  // source (Sysmon 1 and Security 4688), in number order.
  std::vector<std::int64_t> same_execution_as;
  std::vector<AuditEntry> history;  // filled by get_observation only
};

}  // namespace casetrail::model

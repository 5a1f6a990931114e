#pragma once
// An observation as it is written: what `log` builds from options and what
// every import reader builds from a source record. The store appends these;
// nothing in it is ever updated afterwards (corrections are audit records).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/model/enums.hpp"
#include "core/time/time.hpp"

namespace casetrail::model {

// Process details, for kind process (and the process fields other kinds
// carry: the image that loaded a DLL, wrote a file, made a connection).
struct ProcessDetails {
  std::optional<std::string> image;
  std::optional<std::string> command_line;  // exact bytes, may hold NULs / invalid UTF-8
  std::optional<std::vector<std::string>> args;  // parsed or as the source gave them
  // Where args came from: "source" (listed by the source), or the splitting
  // rules applied to command_line: "windows" or "posix".
  std::optional<std::string> args_source;
  std::optional<std::int64_t> pid;
  std::optional<std::string> guid;  // Sysmon ProcessGuid, ECS entity_id
  std::optional<std::string> parent_image;
  std::optional<std::string> parent_command_line;
  std::optional<std::int64_t> parent_pid;
  std::optional<std::string> parent_guid;
  std::optional<std::string> cwd;
  std::optional<std::string> logon_id;  // normalised lower-case hex "0xc61d9"
  std::optional<std::string> integrity_level;
  std::optional<std::string> hashes;
  std::optional<std::string> user;  // as the process record states it
};

// Where the evidence came from.
struct SourceInfo {
  std::string name;  // "Sysmon 1", "Security 4688", "auditd EXECVE", "ECS", "manual"
  std::optional<std::string> ref;  // "file.jsonl:42", "EventRecordID 1234", "audit 93777"
  std::optional<std::int64_t> import_run_id;
  std::optional<std::string> fingerprint;  // dedup identity for imported records
};

struct NewObservation {
  Kind kind = Kind::process;
  time::ParsedTime observed;
  std::string time_source;  // "manual", "Sysmon UtcTime", "TimeCreated", "auditd epoch", ...
  std::optional<time::Micros> skew;  // correction applied (observed.utc already corrected)
  std::string host;                  // as observed
  std::optional<std::string> host_platform;  // windows, linux, macos, ...
  std::optional<std::string> account;        // as observed
  std::optional<std::string> account_sid;    // SID or uid where known
  std::vector<std::string> techniques;       // validated ATT&CK IDs
  std::optional<std::string> attack_release;  // the release they were checked against
  SourceInfo source;
  std::optional<std::string> note;
  std::optional<std::string> raw;  // the source record verbatim
  // `raw` already zstd-compressed (util::zstd_compress) by a caller that can
  // do it off the writing thread (the import does); the store then stores
  // these bytes as they are instead of compressing `raw` again.
  std::optional<std::string> raw_zstd;
  // SHA-256 of `raw` (32 bytes), likewise computed off the writing thread by
  // a caller that can (the import does); the store hashes `raw` itself when
  // it is absent. A wrong digest is chained as given and `verify` then
  // reports the record's raw_sha256 as modified.
  std::optional<std::string> raw_sha256;
  // Kind-specific attributes as key/value pairs (JSON object in storage).
  std::vector<std::pair<std::string, std::string>> attrs;
  std::optional<ProcessDetails> process;
};

}  // namespace casetrail::model

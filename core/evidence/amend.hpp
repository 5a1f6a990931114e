#pragma once
// Changing what is known about an observation after it was logged, without
// changing the observation: corrections (`obs correct`), notes (`obs note`)
// and technique changes (`obs tag`). Each is one chained audit record with
// analyst, time, old value, new value and reason (docs/INTEGRITY.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evidence/evidence.hpp"
#include "core/store/database.hpp"

namespace casetrail::evidence {

// A field `obs correct --field` accepts.
struct CorrectableField {
  std::string_view name;  // as --field takes it, the `log` option without dashes: "cmd"
  std::string_view key;   // the stored/JSON key: "command_line"
  std::string_view help;
};

// time, kind, host, account, cmd, image, pid, guid, parent-image, parent-cmd,
// parent-pid, parent-guid, cwd, logon-id, integrity-level, hashes, source,
// source-ref, note. Not correctable: the number, UUID, analyst and logged
// time (the tool's own record of the logging), the raw record and the import
// run (the source as received), attributes.
const std::vector<CorrectableField>& correctable_fields();

struct CorrectInput {
  std::string case_key;
  std::string ref;    // "42" or "#42"
  std::string field;  // a name or key of correctable_fields()
  std::string value;
  std::string reason;
  std::optional<std::string> tz;  // zone for a local --value of field time
};

struct CorrectResult {
  std::int64_t number = 0;
  std::string field;  // the key
  std::optional<std::string> old_value;
  std::string new_value;  // normalised as stored
};

// Validates the value as `log` validates that option (a time is stored as
// UTC ISO 8601, a pid in decimal, a logon id in lower-case hex) and records
// the correction. Throws Error: usage (missing --reason), invalid_input
// (unknown field, bad value), not_found, conflict (value already current).
CorrectResult correct_observation(const store::Database& db, const CorrectInput& input,
                                  const Actor& actor);

struct NoteInput {
  std::string case_key;
  std::string ref;
  std::string text;
  std::optional<std::string> reason;
};

// Adds a note. Throws Error: usage (empty text), not_found.
std::int64_t note_observation(const store::Database& db, const NoteInput& input,
                              const Actor& actor);

struct TagInput {
  std::string case_key;
  std::string ref;
  std::string technique;
  bool remove = false;
  std::string reason;
};

struct TagResult {
  std::int64_t number = 0;
  std::string technique;  // normalised
  bool present = false;   // after the change
  std::vector<std::string> warnings;
};

// Adds or removes a technique, checked like `log --technique` (form, and the
// catalogue when one is imported; removing needs only the form). Throws
// Error: usage (missing --reason), invalid_input, not_found, conflict.
TagResult tag_observation(const store::Database& db, const TagInput& input, const Actor& actor);

}  // namespace casetrail::evidence

#pragma once
// The fields of each chained record kind, in canonical order, and their
// serialisation (docs/INTEGRITY.md lists the same fields; the Python
// reference verifier, scripts/verify-chain, follows it). The store fills
// these from the values it writes (append) or reads back (verify), so that
// one definition serves both. Views are only valid while serialising.
//
// Changing a kind's fields means a new label version ("observation/2") and
// keeping the old serialisation for records already chained.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/integrity/canonical.hpp"

namespace casetrail::integrity {

enum class RecordKind { case_file, import_run, observation, audit };

// "case", "import_run", "observation", "audit": the chain_link.kind values.
std::string_view to_string(RecordKind kind);
std::optional<RecordKind> parse_record_kind(std::string_view text);

using Text = std::optional<std::string_view>;
using Int = std::optional<std::int64_t>;

struct CaseFields {
  std::string_view key;
  std::string_view title;
  std::string_view severity;
  Text lead;
  Text time_zone;
  std::int64_t created_at = 0;
  std::string_view created_by;
};

struct ImportRunFields {
  std::int64_t id = 0;  // the run's number, as observations reference it
  std::string_view path;
  std::string_view sha256;  // hex, as stored
  std::int64_t size = 0;
  std::string_view format;
  std::string_view analyst;
  std::int64_t started_at = 0;
};

struct ProcessFields {
  Text image;
  Text image_name;
  Text command_line;
  Text args;  // the stored JSON array text
  Text args_source;
  Int pid;
  Text guid;
  Text parent_image;
  Text parent_command_line;
  Int parent_pid;
  Text parent_guid;
  Text cwd;
  Text logon_id;
  Text integrity_level;
  Text hashes;
  Text user;
};

struct TechniqueField {
  std::string_view id;
  Text attack_release;
};

struct ObservationFields {
  std::int64_t number = 0;
  std::string_view uuid;
  std::string_view kind;
  std::int64_t observed_at = 0;
  std::int64_t observed_offset = 0;
  std::string_view observed_text;
  std::int64_t time_precision = 0;
  Text time_zone;
  std::string_view time_source;
  Int skew_us;
  std::string_view host;  // canonical
  std::string_view host_observed;
  Text account;  // canonical
  Text account_observed;
  std::string_view source;
  Text source_ref;
  Int import_run;
  Text fingerprint;
  std::string_view analyst;
  std::int64_t logged_at = 0;
  Text note;
  Text raw_sha256;  // 32 bytes: SHA-256 of the raw record as given (decoded)
  Text attrs;       // the stored JSON object text
  std::vector<TechniqueField> techniques;  // sorted by id, no duplicates
  std::optional<ProcessFields> process;
};

struct AuditFields {
  Int observation;  // the observation's number; null for a case-level record
  std::string_view action;
  Text field;
  Text old_value;
  Text new_value;
  Text reason;
  std::string_view analyst;
  std::int64_t at = 0;
  Text attack_release;
};

void serialise(const CaseFields& r, CanonicalWriter& w);
void serialise(const ImportRunFields& r, CanonicalWriter& w);
void serialise(const ObservationFields& r, CanonicalWriter& w);
void serialise(const AuditFields& r, CanonicalWriter& w);

// Names of the top-level fields of each kind, in canonical order (index i is
// tag i), for saying which field of a modified record differs.
const std::vector<std::string_view>& field_names(RecordKind kind);

}  // namespace casetrail::integrity

#pragma once
// Evidence use cases: log one observation, list, show, mark. Validation of
// user input lives here (field names in errors are the CLI's option names),
// storage in core/store.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/case_record.hpp"
#include "core/model/observation_record.hpp"
#include "core/store/database.hpp"
#include "core/store/observation_store.hpp"
#include "core/time/time.hpp"

namespace casetrail::evidence {

// Who acts and when: the analyst and the clock's "now".
struct Actor {
  std::string analyst;
  time::UtcTime now{};
};

// Everything `casetrail log` accepts, as given (text), validated by
// log_observation().
struct LogInput {
  std::string case_key;
  std::optional<std::string> time;
  std::optional<std::string> tz;         // zone for a local --time
  std::optional<std::string> ambiguous;  // earliest|latest
  std::optional<std::string> host;
  std::optional<std::string> platform;   // host platform: windows, linux, macos, ...
  std::optional<std::string> account;
  std::optional<std::string> sid;
  std::optional<std::string> kind;
  std::vector<std::string> techniques;
  std::optional<std::string> cmd;         // exact bytes
  std::optional<std::string> cmd_file;    // path; its bytes are the command line
  std::optional<std::string> image;
  std::optional<std::string> pid;
  std::optional<std::string> guid;
  std::optional<std::string> parent_image;
  std::optional<std::string> parent_cmd;
  std::optional<std::string> parent_pid;
  std::optional<std::string> parent_guid;
  std::optional<std::string> cwd;
  std::optional<std::string> logon_id;
  std::optional<std::string> integrity_level;
  std::optional<std::string> hashes;
  std::vector<std::string> attrs;  // key=value
  std::optional<std::string> source;
  std::optional<std::string> source_ref;
  std::optional<std::string> note;
};

struct LogResult {
  std::int64_t number = 0;
  std::string uuid;
  std::vector<std::string> warnings;
};

// Validates `input` and appends one observation in one transaction.
// Throws casetrail::Error naming the option and quoting the value
// (usage for a missing required option, invalid_input, not_found for an
// unknown case or unreadable --cmd-file); nothing is written then.
LogResult log_observation(const store::Database& db, const LogInput& input, const Actor& actor);

// Builds the NewObservation for `input` without writing (exposed for tests
// and for the import of casetrail's own CSV).
model::NewObservation build_observation(const store::Database& db, const model::CaseRecord& c,
                                        const LogInput& input, std::vector<std::string>& warnings);

// Filters as given on the command line; times parsed in `tz` or the case's
// zone, host and account canonicalised.
struct FilterInput {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> host;
  std::optional<std::string> account;
  std::optional<std::string> technique;
  std::optional<std::string> status;
  std::optional<std::string> kind;
  std::optional<std::string> tz;
};
store::ObservationFilter make_filter(const model::CaseRecord& c, const FilterInput& input);

// Same, and checks --technique against the ATT&CK catalogue
// (attack::check_techniques): an unknown or revoked ID is an error, a
// deprecated one or a missing catalogue adds to `warnings`.
store::ObservationFilter make_filter(const store::Database& db, const model::CaseRecord& c,
                                     const FilterInput& input, std::vector<std::string>& warnings);

// Resolves the display zone: --tz if given, else the case's zone, else UTC.
// Throws Error(invalid_input) for an unknown zone naming the option.
const date::time_zone* display_zone(const model::CaseRecord* c,
                                    const std::optional<std::string>& tz);

// A process id: decimal, or hex with 0x (as Security 4688 writes them).
// Throws Error(invalid_input) naming `field`.
std::int64_t parse_pid(std::string_view field, const std::string& text);

// A logon id as lower-case hex with 0x ("0xC61D9" -> "0xc61d9"; decimal is
// converted). Throws Error(invalid_input) naming `field`.
std::string normalise_logon_id(std::string_view field, const std::string& text);

// Parses "42" or "#42". Throws Error(invalid_input) naming `field`.
std::int64_t parse_observation_ref(std::string_view field, std::string_view text);

}  // namespace casetrail::evidence

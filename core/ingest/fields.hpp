#pragma once
// Field normalisation shared by every import reader and mapper: PIDs, logon
// ids, accounts, event times. Each returns the value or the reason, so that a
// reader can reject the record naming the field.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/time/time.hpp"

namespace date {
class time_zone;
}

namespace casetrail::ingest {

// A process id: decimal ("10980") or hex with 0x, as Security 4688 writes
// them ("0x2ae4" -> 10980). Returns the reason on anything else.
Result<std::int64_t> parse_pid(std::string_view text);

// A logon id normalised to lower-case hex with 0x: Sysmon writes "0xc61d9",
// Security "0xC61D9" in messages and "0xc61d9" in data, some pipelines
// decimal; all give "0xc61d9".
Result<std::string> normalise_logon_id(std::string_view text);

// "DOMAIN\user" from the two fields Windows events split it into; the user
// alone when the domain is empty or "-"; nullopt when the user is empty or "-".
std::optional<std::string> join_account(std::string_view domain, std::string_view user);

// How to read a time written without a zone.
enum class ZonelessTime {
  utc,         // the field is UTC by definition (Sysmon UtcTime)
  source_tz,   // --source-tz, else an error
};

// Parses an event time as its source wrote it: ISO 8601 with Z or an offset
// (a space for T accepted), or without a zone per `zoneless`. Windows writes
// 100 ns ticks (".8560000", ".9960384"), ECS pipelines nanoseconds;
// casetrail keeps microseconds, so digits beyond the sixth are cut from the
// instant (truncated, never rounded) while the text as written stays in
// `original`. When a cut digit is not zero the time lost precision: the cut
// digits ("4" for ".9960384") go to `*cut_digits` when it is given (else it
// is left empty), for the caller to record beside the observation
// (add_precision_note). Returns the reason otherwise, e.g.
// "no zone in the time: give --source-tz ZONE".
Result<time::ParsedTime> parse_event_time(std::string_view text, ZonelessTime zoneless,
                                          const date::time_zone* source_tz,
                                          std::string* cut_digits = nullptr);

// The attribute that records a time truncated to microseconds:
// time_precision_reduced = "<field> <text> has <n> fraction digits; kept to
// microseconds, digits \"<cut>\" cut". Does nothing when `cut_digits` is empty.
void add_precision_note(std::vector<std::pair<std::string, std::string>>& attrs,
                        std::string_view field, std::string_view text,
                        const std::string& cut_digits);

// Technique IDs in a Sysmon RuleName such as
// "technique_id=T1059.001,technique_name=PowerShell" (sysmon-modular's form;
// pairs separated by ',' or ';'). Only well-formed IDs are returned.
std::vector<std::string> rule_name_techniques(std::string_view rule_name);

}  // namespace casetrail::ingest

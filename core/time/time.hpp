#pragma once
// Time at the edges: parsing the many forms responders and telemetry write,
// durations, and formatting in UTC or any IANA zone. In memory a time is
// always UtcTime: microseconds since the Unix epoch, UTC.
// Parsing and formatting go through Howard Hinnant's date/tz.h with the
// system tzdata (never `using namespace date;` beside std::chrono).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace date {
class time_zone;
}

namespace casetrail::time {

using Micros = std::chrono::microseconds;
using UtcTime = std::chrono::sys_time<Micros>;

// What to do with a local time that a DST change makes ambiguous (fall-back
// overlap). A local time in a spring-forward gap is always an error.
enum class Ambiguous { reject, earliest, latest };

// How the instant was given.
enum class TimeForm {
  iso_utc,     // ISO 8601 with Z
  iso_offset,  // ISO 8601 with a numeric offset
  local_zone,  // a local time resolved through an IANA zone
  epoch,       // @seconds[.fraction], @...ms, @...us
};

struct ParsedTime {
  UtcTime utc;
  // Offset from UTC in seconds as given (or as the zone said at that
  // instant); 0 for Z and epoch forms.
  int offset_seconds = 0;
  // Number of fractional-second digits given (0 to 6); tells the precision.
  int fraction_digits = 0;
  TimeForm form = TimeForm::iso_utc;
  // The IANA zone used for a local time, empty otherwise.
  std::string zone;
  // The text exactly as given.
  std::string original;
};

struct ParseOptions {
  // Zone for local times without an offset. nullptr: such a time is an error.
  const date::time_zone* zone = nullptr;
  Ambiguous ambiguous = Ambiguous::reject;
};

// Parses one timestamp. Accepted:
//   2026-11-30T14:02:11Z, 2026-11-30T14:02:11.123456+01:00, +0100, +01 (and
//   +HH:MM:SS, which format_in_zone writes for local mean time), a space or
//   a lower-case t instead of T, lower-case z, HH:MM without seconds, a
//   fraction after '.' or ',' of 1 to 9 digits where digits beyond the sixth
//   must be zeros (evidence stays exact: "more precision than microseconds"
//   otherwise, never truncated), offsets up to +-18:00,
//   @1732975331 / @1732975331.123 (epoch seconds), @1732975331123ms,
//   @1732975331123456us, and a local time without zone when options.zone is
//   set (an explicit Z or offset wins over options.zone).
// The result lies within years 0000 to 9999 in UTC.
// Returns the parsed time, or the reason it is invalid (without the whole
// input; the caller names the field and quotes the input), e.g. "month 13",
// "day 29 does not exist in 2025-02", "hour 24", "expected YYYY-MM-DD",
// "trailing text", "local time without a zone: give an offset, Z, or --tz ZONE",
// "2026-03-29T02:30:00 does not exist in Europe/Berlin: clocks jump from 02:00
// to 03:00 (+01:00 to +02:00)" (a gap is an error whatever options.ambiguous
// says), or, for an ambiguous local time with Ambiguous::reject,
// "2026-10-25T02:30:00 is ambiguous in Europe/Berlin: 2026-10-25T00:30:00Z
// (+02:00) or 2026-10-25T01:30:00Z (+01:00); choose with --ambiguous
// earliest|latest". Never throws.
Result<ParsedTime> parse_time(std::string_view text, const ParseOptions& options = {});

// Looks up an IANA zone name ("Europe/Berlin", "UTC"; case-sensitive, "Z" is
// not a zone name) in the system tzdata. Returns a non-null pointer, valid
// for the life of the program, or the reason ("unknown time zone").
Result<const date::time_zone*> find_zone(std::string_view name);

// Parses a duration: one or more <number><unit> with units d, h, m, s, ms, us,
// each at most once and largest first ("90s", "15m", "2h30m", "3d", "1s250ms";
// not "1h 30m", "30m2h", "1h1h", "1.5h"), or a plain "0"; a leading sign
// applies to the whole ("+4h", "-1h30m"). Returns the reason on failure
// ("unit h repeated", "duration too large", ...).
Result<Micros> parse_duration(std::string_view text);

// 2026-11-30T13:02:11.123456Z (always 6 fraction digits).
std::string format_utc(UtcTime t);

// 2026-11-30T14:02:11.123456+01:00 in the given zone (not null), with the
// offset in force at that instant; +HH:MM:SS when the offset has seconds.
std::string format_in_zone(UtcTime t, const date::time_zone* zone);

// 2026-11-30T14:02:11.123456+01:00 for a fixed offset in seconds.
std::string format_with_offset(UtcTime t, int offset_seconds);

// Signed offset for correlation output: -00:04:12.350000, +01:00:00.000000,
// days beyond 24 hours as +2d03:00:00.000000.
std::string format_offset(Micros offset);

// Human duration, units largest first, zero units left out, never a decimal
// point: 2h30m, 15m, 90s -> 1m30s, 0s, 1d2h, 1.25 s -> 1s250ms, -15m.
// parse_duration reads it back exactly.
std::string format_duration(Micros d);

}  // namespace casetrail::time

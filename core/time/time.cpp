#include "core/time/time.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iterator>
#include <limits>

#include <date/date.h>
#include <date/tz.h>

// Calendar maths and zones go through date:: (qualified: `using namespace
// date;` beside std::chrono is ambiguous on g++ 12 in C++20). The text itself
// is read and written by hand: the forms are fixed, and a hand-written loop
// is locale-free and fast enough for a million-record export.

namespace casetrail::time {
namespace {

using std::chrono::seconds;
using Days = date::days;

constexpr std::int64_t k_us_per_ms = 1'000;
constexpr std::int64_t k_us_per_s = 1'000'000;
constexpr std::int64_t k_us_per_min = 60 * k_us_per_s;
constexpr std::int64_t k_us_per_h = 60 * k_us_per_min;
constexpr std::int64_t k_us_per_day = 24 * k_us_per_h;

// ISO 8601 offsets in use never exceed 14 hours; 18 hours is the bound that
// java.time and most parsers apply, so anything beyond is a typo.
constexpr int k_max_offset_seconds = 18 * 3600;

// Accepted times are limited to what a four-digit year can show in UTC, so
// that every accepted time formats back as YYYY-MM-DD.
constexpr std::int64_t k_max_epoch_us =
    date::sys_days{date::year{10000} / 1 / 1}.time_since_epoch().count() * k_us_per_day - 1;
constexpr UtcTime k_min_time{date::sys_days{date::year{0} / 1 / 1}};
constexpr UtcTime k_max_time{Micros{k_max_epoch_us}};

constexpr const char* k_epoch_usage =
    "expected @SECONDS[.FRACTION], @MILLISECONDSms or @MICROSECONDSus";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The number of ASCII digits at the start of `text`.
std::size_t digit_run(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && is_digit(text[n])) ++n;
  return n;
}

// A forward-only reader over the input; reads past the end see '\0', which no
// rule accepts (an embedded NUL byte is rejected the same way).
class Cursor {
public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  bool done() const { return m_pos == m_text.size(); }
  char peek() const { return done() ? '\0' : m_text[m_pos]; }
  std::string_view rest() const { return m_text.substr(m_pos); }
  void skip(std::size_t n) { m_pos += n; }

  bool consume(char c) {
    if (done() || m_text[m_pos] != c) return false;
    ++m_pos;
    return true;
  }

  // Reads exactly `n` digits (not followed by checks: the caller decides what
  // may follow). Returns nothing, and consumes nothing, if fewer are there.
  std::optional<int> fixed_digits(std::size_t n) {
    if (m_text.size() - m_pos < n) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char c = m_text[m_pos + i];
      if (!is_digit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    m_pos += n;
    return value;
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

// "month 13": the name of a field and the value it was given.
std::string field_value(const char* field, int value) {
  return std::string(field) + ' ' + std::to_string(value);
}

struct Fraction {
  std::int64_t micros = 0;
  int digits = 0;
};

// Reads the digits of a fractional second. Up to 9 digits are accepted (the
// nanoseconds that Go, ETW and many EDRs write), but digits beyond the sixth
// must be zeros: truncating them would silently change the evidence, so a
// time more precise than microseconds is rejected rather than rounded.
// `digits` reports at most 6 because that is the precision kept.
Result<Fraction> parse_fraction(std::string_view digits) {
  if (digits.empty()) return unexpected("expected digits after the decimal point");
  if (digits.size() > 9) return unexpected("more than 9 fraction digits");
  for (std::size_t i = 6; i < digits.size(); ++i) {
    if (digits[i] != '0') return unexpected("more precision than microseconds");
  }
  Fraction fraction;
  fraction.digits = static_cast<int>(std::min<std::size_t>(digits.size(), 6));
  for (int i = 0; i < 6; ++i) {
    int digit = i < fraction.digits ? digits[static_cast<std::size_t>(i)] - '0' : 0;
    fraction.micros = fraction.micros * 10 + digit;
  }
  return fraction;
}

// Reads a run of digits (of any length, leading zeros allowed) as a value no
// larger than `limit`. Returns nothing if the value is larger.
std::optional<std::int64_t> bounded_value(std::string_view digits, std::int64_t limit) {
  std::int64_t value = 0;
  for (char c : digits) {
    const int digit = c - '0';
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// "+01:00", "-05:30", "+00:53:28" (seconds only when a zone's historical local
// mean time needs them).
std::string offset_text(int offset_seconds) {
  const char sign = offset_seconds < 0 ? '-' : '+';
  const long long magnitude = offset_seconds < 0 ? -static_cast<long long>(offset_seconds)
                                                 : static_cast<long long>(offset_seconds);
  char buf[32];
  const long long h = magnitude / 3600;
  const long long m = magnitude / 60 % 60;
  const long long s = magnitude % 60;
  if (s != 0) {
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld:%02lld", sign, h, m, s);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", sign, h, m);
  }
  return buf;
}

// YYYY-MM-DDTHH:MM:SS followed by `fraction_digits` (0 to 6) digits of the
// microseconds, truncated. The time point is read as a civil time: callers
// pass a UTC instant or an instant already shifted by an offset.
std::string civil_text(UtcTime t, int fraction_digits) {
  const auto day = std::chrono::floor<Days>(t);
  const date::year_month_day ymd{day};
  const std::int64_t us_of_day = (t - day).count();
  const std::int64_t secs = us_of_day / k_us_per_s;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                        static_cast<unsigned>(ymd.day()), static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (fraction_digits > 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, "%06lld", static_cast<long long>(us_of_day % k_us_per_s));
    out += '.';
    out.append(frac, static_cast<std::size_t>(std::min(fraction_digits, 6)));
  }
  return out;
}

// Wall-clock time of a DST transition as "02:00", or "2011-12-30T00:00" when
// the two sides of the jump are on different days (Samoa skipped a whole day).
std::string wall_clock(date::local_seconds t, bool with_date) {
  std::string text = civil_text(UtcTime{t.time_since_epoch()}, 0);
  // Drop ":00" seconds: transitions are on the minute except in LMT history.
  if (text.compare(text.size() - 3, 3, ":00") == 0) text.resize(text.size() - 3);
  return with_date ? text : text.substr(11);
}

// Resolves a local wall-clock time through `zone`. A time in a spring-forward
// gap is always an error; one in a fall-back overlap is an error unless the
// caller chose the earlier or later instant.
Result<ParsedTime> resolve_local(date::local_time<Micros> local, int fraction_digits,
                                 const date::time_zone& zone, Ambiguous ambiguous) {
  const auto info = zone.get_info(std::chrono::floor<seconds>(local));
  const auto local_as_utc = UtcTime{local.time_since_epoch()};
  auto utc_with = [&](const date::sys_info& i) { return local_as_utc - i.offset; };

  ParsedTime parsed;
  parsed.form = TimeForm::local_zone;
  parsed.zone = zone.name();
  parsed.fraction_digits = fraction_digits;

  const date::sys_info* chosen = &info.first;
  switch (info.result) {
    case date::local_info::unique:
      break;
    case date::local_info::nonexistent: {
      // first: the rule before the jump, second: after it. The jump happens at
      // second.begin (UTC); on the wall clock from begin+first.offset to
      // begin+second.offset.
      const auto from = date::local_seconds{(info.second.begin + info.first.offset).time_since_epoch()};
      const auto to = date::local_seconds{(info.second.begin + info.second.offset).time_since_epoch()};
      const bool with_date = std::chrono::floor<Days>(from) != std::chrono::floor<Days>(to);
      return unexpected(civil_text(local_as_utc, fraction_digits) + " does not exist in " +
                        zone.name() + ": clocks jump from " + wall_clock(from, with_date) +
                        " to " + wall_clock(to, with_date) + " (" +
                        offset_text(static_cast<int>(info.first.offset.count())) + " to " +
                        offset_text(static_cast<int>(info.second.offset.count())) + ")");
    }
    case date::local_info::ambiguous:
      // first is the rule before the fall-back (the larger offset), so it
      // gives the earlier UTC instant.
      if (ambiguous == Ambiguous::earliest) {
        chosen = &info.first;
        break;
      }
      if (ambiguous == Ambiguous::latest) {
        chosen = &info.second;
        break;
      }
      return unexpected(
          civil_text(local_as_utc, fraction_digits) + " is ambiguous in " + zone.name() + ": " +
          civil_text(utc_with(info.first), fraction_digits) + "Z (" +
          offset_text(static_cast<int>(info.first.offset.count())) + ") or " +
          civil_text(utc_with(info.second), fraction_digits) + "Z (" +
          offset_text(static_cast<int>(info.second.offset.count())) +
          "); choose with --ambiguous earliest|latest");
  }
  parsed.utc = utc_with(*chosen);
  parsed.offset_seconds = static_cast<int>(chosen->offset.count());
  return parsed;
}

Result<ParsedTime> parse_epoch(std::string_view text) {
  const std::size_t n = digit_run(text);
  if (n == 0) return unexpected(k_epoch_usage);
  const std::string_view whole = text.substr(0, n);
  std::string_view rest = text.substr(n);

  ParsedTime parsed;
  parsed.form = TimeForm::epoch;
  std::int64_t scale = k_us_per_s;
  Fraction fraction;
  if (rest == "ms") {
    scale = k_us_per_ms;
    parsed.fraction_digits = 3;
  } else if (rest == "us") {
    scale = 1;
    parsed.fraction_digits = 6;
  } else if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    const std::size_t digits = digit_run(rest);
    auto parsed_fraction = parse_fraction(rest.substr(0, digits));
    if (!parsed_fraction) return unexpected(parsed_fraction.error());
    if (digits != rest.size()) return unexpected("trailing text");
    fraction = *parsed_fraction;
    parsed.fraction_digits = fraction.digits;
  } else if (!rest.empty()) {
    return unexpected(k_epoch_usage);
  }
  const auto value = bounded_value(whole, k_max_epoch_us / scale);
  if (!value || *value * scale + fraction.micros > k_max_epoch_us) {
    return unexpected("epoch value beyond year 9999");
  }
  parsed.utc = UtcTime{Micros{*value * scale + fraction.micros}};
  return parsed;
}

Result<ParsedTime> parse_iso(std::string_view text, const ParseOptions& options) {
  Cursor in(text);
  const auto year = in.fixed_digits(4);
  const bool dash1 = year && in.consume('-');
  const auto month = dash1 ? in.fixed_digits(2) : std::nullopt;
  const bool dash2 = month && in.consume('-');
  const auto day = dash2 ? in.fixed_digits(2) : std::nullopt;
  if (!day || is_digit(in.peek())) return unexpected("expected YYYY-MM-DD");
  if (*month < 1 || *month > 12) return unexpected(field_value("month", *month));
  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) {
    char reason[64];
    std::snprintf(reason, sizeof reason, "day %d does not exist in %04d-%02d", *day, *year, *month);
    return unexpected(reason);
  }

  if (in.done()) return unexpected("expected a time after the date: YYYY-MM-DDTHH:MM:SS");
  if (!in.consume('T') && !in.consume('t') && !in.consume(' ')) {
    return unexpected("expected T or a space between the date and the time");
  }
  constexpr const char* k_time_usage = "expected HH:MM or HH:MM:SS after the date";
  const auto hour = in.fixed_digits(2);
  const bool colon1 = hour && in.consume(':');
  const auto minute = colon1 ? in.fixed_digits(2) : std::nullopt;
  if (!minute) return unexpected(k_time_usage);
  int second = 0;
  const bool has_seconds = in.consume(':');
  if (has_seconds) {
    const auto s = in.fixed_digits(2);
    if (!s) return unexpected(k_time_usage);
    second = *s;
  }
  if (is_digit(in.peek())) return unexpected(k_time_usage);
  if (*hour > 23) return unexpected(field_value("hour", *hour));
  if (*minute > 59) return unexpected(field_value("minute", *minute));
  if (second == 60) return unexpected("second 60 (leap seconds are not supported)");
  if (second > 60) return unexpected(field_value("second", second));

  Fraction fraction;
  // A fraction needs seconds; ',' is ISO 8601's other decimal sign and what
  // Python's logging module writes.
  if (has_seconds && (in.peek() == '.' || in.peek() == ',')) {
    in.skip(1);
    const std::size_t n = digit_run(in.rest());
    auto parsed_fraction = parse_fraction(in.rest().substr(0, n));
    if (!parsed_fraction) return unexpected(parsed_fraction.error());
    fraction = *parsed_fraction;
    in.skip(n);
  }

  const auto local = date::local_days{ymd} + std::chrono::hours{*hour} +
                     std::chrono::minutes{*minute} + seconds{second} + Micros{fraction.micros};
  const UtcTime local_as_utc{local.time_since_epoch()};

  ParsedTime parsed;
  parsed.fraction_digits = fraction.digits;
  if (in.consume('Z') || in.consume('z')) {
    if (!in.done()) return unexpected("trailing text");
    parsed.form = TimeForm::iso_utc;
    parsed.utc = local_as_utc;
    return parsed;
  }
  if (in.peek() == '+' || in.peek() == '-') {
    const int sign = in.peek() == '-' ? -1 : 1;
    in.skip(1);
    constexpr const char* k_offset_usage = "expected an offset as +HH:MM, +HHMM or +HH";
    const auto off_h = in.fixed_digits(2);
    if (!off_h) return unexpected(k_offset_usage);
    std::optional<int> off_m = 0;
    std::optional<int> off_s = 0;
    if (in.consume(':')) {
      off_m = in.fixed_digits(2);
      // +HH:MM:SS is not ISO 8601, but format_in_zone writes it for a zone's
      // local mean time (Berlin was +00:53:28 until 1893): what we write must
      // parse back.
      if (off_m && in.consume(':')) off_s = in.fixed_digits(2);
    } else if (is_digit(in.peek())) {
      off_m = in.fixed_digits(2);
    }
    if (!off_m || !off_s || is_digit(in.peek())) return unexpected(k_offset_usage);
    if (!in.done()) return unexpected("trailing text");
    if (*off_m > 59) return unexpected(field_value("offset minutes", *off_m));
    if (*off_s > 59) return unexpected(field_value("offset seconds", *off_s));
    const int offset = sign * (*off_h * 3600 + *off_m * 60 + *off_s);
    if (offset > k_max_offset_seconds || offset < -k_max_offset_seconds) {
      return unexpected("offset " + offset_text(offset) + " out of range (-18:00 to +18:00)");
    }
    parsed.form = TimeForm::iso_offset;
    parsed.offset_seconds = offset;
    parsed.utc = local_as_utc - seconds{offset};
    return parsed;
  }
  if (!in.done()) return unexpected("trailing text");
  if (options.zone == nullptr) {
    return unexpected("local time without a zone: give an offset, Z, or --tz ZONE");
  }
  return resolve_local(date::local_time<Micros>{local.time_since_epoch()}, fraction.digits,
                       *options.zone, options.ambiguous);
}

// Appends "<count><unit>" when count is not zero.
void append_part(std::string& out, std::uint64_t count, const char* unit) {
  if (count == 0) return;
  out += std::to_string(count);
  out += unit;
}

}  // namespace

Result<ParsedTime> parse_time(std::string_view text, const ParseOptions& options) {
  if (text.empty()) return unexpected("empty time");
  auto parsed = text[0] == '@' ? parse_epoch(text.substr(1)) : parse_iso(text, options);
  if (!parsed) return parsed;
  // An offset can push a four-digit year out of range in UTC; such a time
  // could not be written back as YYYY-MM-DD.
  if (parsed->utc < k_min_time || parsed->utc > k_max_time) {
    return unexpected("outside years 0000 to 9999 in UTC");
  }
  parsed->original = std::string(text);
  return parsed;
}

Result<const date::time_zone*> find_zone(std::string_view name) {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    // With USE_OS_TZDB a zone's file is read on its first get_info(), which
    // throws if the file is unreadable. Reading it here keeps that failure in
    // this function, so that parse_time and format_in_zone never throw.
    zone->get_info(date::sys_seconds{});
    return zone;
  } catch (const std::exception&) {
    // date throws std::runtime_error for an unknown name, and may throw while
    // first reading /usr/share/zoneinfo; either way the name cannot be used.
    return unexpected("unknown time zone");
  }
}

Result<Micros> parse_duration(std::string_view text) {
  if (text.empty()) return unexpected("empty duration");
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Micros{0};
  constexpr const char* k_expected_number = "expected a number followed by a unit (d, h, m, s, ms or us)";
  if (text.empty()) return unexpected(k_expected_number);

  struct Unit {
    std::string_view name;
    std::int64_t micros;
  };
  // Largest first: each unit may appear once, in this order.
  static constexpr Unit k_units[] = {{"d", k_us_per_day}, {"h", k_us_per_h},  {"m", k_us_per_min},
                                     {"s", k_us_per_s},   {"ms", k_us_per_ms}, {"us", 1}};
  constexpr std::size_t k_unit_count = std::size(k_units);
  constexpr const char* k_unit_list = "use d, h, m, s, ms or us";

  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index of the smallest unit not yet allowed to be used
  std::optional<std::size_t> last_unit;
  while (!text.empty()) {
    const std::size_t digits = digit_run(text);
    if (digits == 0) return unexpected(k_expected_number);
    const std::string_view number = text.substr(0, digits);
    text.remove_prefix(digits);
    if (!text.empty() && (text[0] == '.' || text[0] == ',')) {
      return unexpected("fractions are not accepted (write 1s500ms, not 1.5s)");
    }
    std::size_t letters = 0;
    while (letters < text.size() &&
           ((text[letters] >= 'a' && text[letters] <= 'z') || (text[letters] >= 'A' && text[letters] <= 'Z'))) {
      ++letters;
    }
    if (letters == 0) return unexpected(std::string("missing unit after a number (") + k_unit_list + ")");
    const std::string_view unit_name = text.substr(0, letters);
    text.remove_prefix(letters);

    std::size_t unit = 0;
    while (unit < k_unit_count && k_units[unit].name != unit_name) ++unit;
    if (unit == k_unit_count) {
      return unexpected("unknown unit " + quote(unit_name, 8) + " (" + k_unit_list + ")");
    }
    if (last_unit && *last_unit == unit) {
      return unexpected("unit " + std::string(unit_name) + " repeated");
    }
    if (unit < next_unit) {
      return unexpected("units out of order: " + std::string(unit_name) + " after " +
                        std::string(k_units[*last_unit].name) + " (write the largest unit first)");
    }
    last_unit = unit;
    next_unit = unit + 1;

    const auto count = bounded_value(number, std::numeric_limits<std::int64_t>::max() / k_units[unit].micros);
    if (!count || *count * k_units[unit].micros > std::numeric_limits<std::int64_t>::max() - total) {
      return unexpected("duration too large");
    }
    total += *count * k_units[unit].micros;
  }
  return Micros{negative ? -total : total};
}

std::string format_utc(UtcTime t) { return civil_text(t, 6) + 'Z'; }

std::string format_in_zone(UtcTime t, const date::time_zone* zone) {
  assert(zone != nullptr);
  const auto info = zone->get_info(std::chrono::floor<seconds>(t));
  return format_with_offset(t, static_cast<int>(info.offset.count()));
}

std::string format_with_offset(UtcTime t, int offset_seconds) {
  return civil_text(t + seconds{offset_seconds}, 6) + offset_text(offset_seconds);
}

std::string format_offset(Micros offset) {
  const bool negative = offset.count() < 0;
  // Negate in unsigned arithmetic: the most negative value has no positive.
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(offset.count())
                                           : static_cast<std::uint64_t>(offset.count());
  const std::uint64_t days = magnitude / k_us_per_day;
  const std::uint64_t rest = magnitude % k_us_per_day;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu.%06llu",
                static_cast<unsigned long long>(rest / k_us_per_h),
                static_cast<unsigned long long>(rest / k_us_per_min % 60),
                static_cast<unsigned long long>(rest / k_us_per_s % 60),
                static_cast<unsigned long long>(rest % k_us_per_s));
  std::string out(1, negative ? '-' : '+');
  if (days > 0) out += std::to_string(days) + 'd';
  return out + buf;
}

std::string format_duration(Micros d) {
  if (d.count() == 0) return "0s";
  const bool negative = d.count() < 0;
  std::uint64_t rest = negative ? 0 - static_cast<std::uint64_t>(d.count())
                                : static_cast<std::uint64_t>(d.count());
  std::string out = negative ? "-" : "";
  append_part(out, rest / k_us_per_day, "d");
  rest %= k_us_per_day;
  append_part(out, rest / k_us_per_h, "h");
  rest %= k_us_per_h;
  append_part(out, rest / k_us_per_min, "m");
  rest %= k_us_per_min;
  append_part(out, rest / k_us_per_s, "s");
  rest %= k_us_per_s;
  append_part(out, rest / k_us_per_ms, "ms");
  append_part(out, rest % k_us_per_ms, "us");
  return out;
}

}  // namespace casetrail::time

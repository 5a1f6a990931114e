// parse_time, find_zone and parse_duration. Expected epoch values were
// computed independently with GNU date (`date -u -d 2026-11-30T14:02:11Z +%s`)
// and zdump for the DST transitions, then hard-coded.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "core/time/time.hpp"

using casetrail::time::Ambiguous;
using casetrail::time::find_zone;
using casetrail::time::Micros;
using casetrail::time::parse_duration;
using casetrail::time::parse_time;
using casetrail::time::ParsedTime;
using casetrail::time::ParseOptions;
using casetrail::time::TimeForm;

namespace {

ParsedTime parse_ok(std::string_view text, const ParseOptions& options = {}) {
  auto result = parse_time(text, options);
  INFO("input: " << text << "; error: " << (result ? std::string() : result.error()));
  REQUIRE(result.has_value());
  return *result;
}

std::string parse_error(std::string_view text, const ParseOptions& options = {}) {
  auto result = parse_time(text, options);
  INFO("input: " << text);
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

std::int64_t micros_of(const ParsedTime& parsed) { return parsed.utc.time_since_epoch().count(); }

const date::time_zone* zone(std::string_view name) {
  auto found = find_zone(name);
  INFO("zone: " << name);
  REQUIRE(found.has_value());
  return *found;
}

ParseOptions in_zone(std::string_view name, Ambiguous ambiguous = Ambiguous::reject) {
  ParseOptions options;
  options.zone = zone(name);
  options.ambiguous = ambiguous;
  return options;
}

std::int64_t duration_ok(std::string_view text) {
  auto result = parse_duration(text);
  INFO("input: " << text << "; error: " << (result ? std::string() : result.error()));
  REQUIRE(result.has_value());
  return result->count();
}

std::string duration_error(std::string_view text) {
  auto result = parse_duration(text);
  INFO("input: " << text);
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

struct ErrorCase {
  std::string_view input;
  std::string_view reason;
};

}  // namespace

TEST_CASE("an ISO 8601 time with Z gives the UTC instant in microseconds", "[time]") {
  const auto parsed = parse_ok("2026-11-30T14:02:11Z");
  CHECK(micros_of(parsed) == 1796047331000000);
  CHECK(parsed.form == TimeForm::iso_utc);
  CHECK(parsed.offset_seconds == 0);
  CHECK(parsed.fraction_digits == 0);
  CHECK(parsed.zone.empty());

  CHECK(micros_of(parse_ok("1970-01-01T00:00:00Z")) == 0);
  CHECK(micros_of(parse_ok("1969-12-31T23:59:59Z")) == -1000000);
  CHECK(micros_of(parse_ok("0001-01-01T00:00:00Z")) == -62135596800000000);
  CHECK(micros_of(parse_ok("9999-12-31T23:59:59.999999Z")) == 253402300799999999);
  CHECK(micros_of(parse_ok("0000-01-01T00:00:00Z")) == -62167219200000000);
}

TEST_CASE("a time whose offset moves it outside years 0000 to 9999 in UTC is rejected", "[time]") {
  CHECK(parse_error("9999-12-31T23:59:59-00:01") == "outside years 0000 to 9999 in UTC");
  CHECK(parse_error("0000-01-01T00:00:00+00:01") == "outside years 0000 to 9999 in UTC");
  CHECK(parse_error("0000-01-01T00:30:00", in_zone("Europe/Berlin")) == "outside years 0000 to 9999 in UTC");
  CHECK(micros_of(parse_ok("9999-12-31T23:59:59+00:01")) == 253402300739000000);
  CHECK(micros_of(parse_ok("0000-01-01T00:00:00-00:01")) == -62167219140000000);
}

TEST_CASE("an ISO 8601 time with a numeric offset is converted to UTC and keeps the offset", "[time]") {
  // 2026-11-30T13:02:11Z is 1796043731.
  const auto colon = parse_ok("2026-11-30T14:02:11.123456+01:00");
  CHECK(micros_of(colon) == 1796043731123456);
  CHECK(colon.offset_seconds == 3600);
  CHECK(colon.form == TimeForm::iso_offset);
  CHECK(colon.fraction_digits == 6);

  const auto compact = parse_ok("2026-11-30T14:02:11+0100");
  CHECK(micros_of(compact) == 1796043731000000);
  CHECK(compact.offset_seconds == 3600);

  const auto hours_only = parse_ok("2026-11-30T14:02:11+01");
  CHECK(micros_of(hours_only) == 1796043731000000);
  CHECK(hours_only.offset_seconds == 3600);

  const auto negative = parse_ok("2026-11-30T07:32:11-05:30");
  CHECK(micros_of(negative) == 1796043731000000);
  CHECK(negative.offset_seconds == -19800);

  const auto negative_compact = parse_ok("2026-11-30T07:32:11-0530");
  CHECK(micros_of(negative_compact) == 1796043731000000);
  CHECK(negative_compact.offset_seconds == -19800);

  const auto zero = parse_ok("2026-11-30T13:02:11-00:00");
  CHECK(micros_of(zero) == 1796043731000000);
  CHECK(zero.offset_seconds == 0);
  CHECK(zero.form == TimeForm::iso_offset);

  // The extremes allowed: +18:00 and -18:00.
  const auto east = parse_ok("2026-11-30T14:02:11+18:00");
  CHECK(micros_of(east) == (1796047331 - 18 * 3600) * 1000000LL);
  CHECK(east.offset_seconds == 64800);
  const auto west = parse_ok("2026-11-30T14:02:11-18:00");
  CHECK(micros_of(west) == 1796112131000000);  // date -u -d '2026-11-30T14:02:11-18:00' +%s
  CHECK(west.offset_seconds == -64800);

  // Seconds in an offset are not ISO 8601, but format_in_zone writes them for
  // local mean time (Berlin before 1893), so they parse back.
  const auto lmt = parse_ok("1890-01-01T00:53:28.000000+00:53:28");
  CHECK(micros_of(lmt) == -2524521600000000);  // date -u -d 1890-01-01 +%s
  CHECK(lmt.offset_seconds == 3208);

  // +14:00 (Kiribati) crosses the date line backwards.
  CHECK(micros_of(parse_ok("2026-11-30T14:02:11+14:00")) == 1795996931000000);
}

TEST_CASE("a space or a lower-case t may separate date and time, and z may be lower case", "[time]") {
  CHECK(micros_of(parse_ok("2026-11-30 14:02:11Z")) == 1796047331000000);
  CHECK(micros_of(parse_ok("2026-11-30t14:02:11z")) == 1796047331000000);
  const auto spaced = parse_ok("2026-11-30 14:02:11.5+01:00");
  CHECK(micros_of(spaced) == 1796043731500000);
  CHECK(spaced.offset_seconds == 3600);
  CHECK(spaced.fraction_digits == 1);
}

TEST_CASE("fractions of 1 to 6 digits are exact and record their precision", "[time]") {
  const auto one = parse_ok("2026-11-30T14:02:11.1Z");
  CHECK(micros_of(one) == 1796047331100000);
  CHECK(one.fraction_digits == 1);

  const auto two = parse_ok("2026-11-30T14:02:11.05Z");
  CHECK(micros_of(two) == 1796047331050000);
  CHECK(two.fraction_digits == 2);

  const auto three = parse_ok("2026-11-30T14:02:11.123Z");
  CHECK(micros_of(three) == 1796047331123000);
  CHECK(three.fraction_digits == 3);

  const auto six = parse_ok("2026-11-30T14:02:11.000001Z");
  CHECK(micros_of(six) == 1796047331000001);
  CHECK(six.fraction_digits == 6);

  // Trailing zeros still tell the precision.
  const auto zeros = parse_ok("2026-11-30T14:02:11.000Z");
  CHECK(micros_of(zeros) == 1796047331000000);
  CHECK(zeros.fraction_digits == 3);

  // A comma is ISO 8601's other decimal sign (Python's logging writes it).
  const auto comma = parse_ok("2026-11-30 14:02:11,123+01:00");
  CHECK(micros_of(comma) == 1796043731123000);
  CHECK(comma.fraction_digits == 3);

  // Before the epoch the fraction still counts forwards from the second.
  CHECK(micros_of(parse_ok("1969-12-31T23:59:59.5Z")) == -500000);
}

TEST_CASE("fraction digits beyond microseconds are accepted only when they are zeros", "[time]") {
  const auto nanos = parse_ok("2026-11-30T14:02:11.123456000Z");
  CHECK(micros_of(nanos) == 1796047331123456);
  CHECK(nanos.fraction_digits == 6);
  CHECK(micros_of(parse_ok("2026-11-30T14:02:11.1234560Z")) == 1796047331123456);

  CHECK(parse_error("2026-11-30T14:02:11.1234567Z") == "more precision than microseconds");
  CHECK(parse_error("2026-11-30T14:02:11.123456001Z") == "more precision than microseconds");
  CHECK(parse_error("2026-11-30T14:02:11.1234560000Z") == "more than 9 fraction digits");
  CHECK(parse_error("@1732975331.1234567") == "more precision than microseconds");
}

TEST_CASE("a time without seconds means second zero", "[time]") {
  const auto parsed = parse_ok("2026-11-30T14:02Z");
  CHECK(micros_of(parsed) == 1796047320000000);
  CHECK(parsed.fraction_digits == 0);
  CHECK(micros_of(parse_ok("2026-11-30 15:02+01:00")) == 1796047320000000);
}

TEST_CASE("the text is kept exactly as given", "[time]") {
  CHECK(parse_ok("2026-11-30t14:02:11.120z").original == "2026-11-30t14:02:11.120z");
  CHECK(parse_ok("2026-11-30 14:02:11+0100").original == "2026-11-30 14:02:11+0100");
  CHECK(parse_ok("@1732975331123ms").original == "@1732975331123ms");
  CHECK(parse_ok("2026-07-01 12:00", in_zone("Europe/Berlin")).original == "2026-07-01 12:00");
}

TEST_CASE("epoch seconds, milliseconds and microseconds are accepted when marked with @", "[time]") {
  // date -u -d @1732975331: 2024-11-30T14:02:11Z.
  const auto seconds = parse_ok("@1732975331");
  CHECK(micros_of(seconds) == 1732975331000000);
  CHECK(seconds.form == TimeForm::epoch);
  CHECK(seconds.offset_seconds == 0);
  CHECK(seconds.fraction_digits == 0);

  const auto fraction = parse_ok("@1732975331.123");
  CHECK(micros_of(fraction) == 1732975331123000);
  CHECK(fraction.fraction_digits == 3);

  const auto millis = parse_ok("@1732975331123ms");
  CHECK(micros_of(millis) == 1732975331123000);
  CHECK(millis.form == TimeForm::epoch);
  CHECK(millis.fraction_digits == 3);

  const auto micros = parse_ok("@1732975331123456us");
  CHECK(micros_of(micros) == 1732975331123456);
  CHECK(micros.fraction_digits == 6);

  CHECK(micros_of(parse_ok("@0")) == 0);
  CHECK(micros_of(parse_ok("@1732975331.000001")) == 1732975331000001);
  CHECK(micros_of(parse_ok("@1732975331.123456000")) == 1732975331123456);
  // Leading zeros do not count towards the length limit.
  CHECK(micros_of(parse_ok("@00000000000000000000001us")) == 1);
  // The last representable microsecond: 9999-12-31T23:59:59.999999Z.
  CHECK(micros_of(parse_ok("@253402300799.999999")) == 253402300799999999);
  CHECK(micros_of(parse_ok("@253402300799999ms")) == 253402300799999000);
  CHECK(micros_of(parse_ok("@253402300799999999us")) == 253402300799999999);
}

TEST_CASE("an epoch value beyond year 9999 or in another form is rejected", "[time]") {
  const ErrorCase cases[] = {
      {"@", "expected @SECONDS[.FRACTION], @MILLISECONDSms or @MICROSECONDSus"},
      {"@abc", "expected @SECONDS[.FRACTION], @MILLISECONDSms or @MICROSECONDSus"},
      {"@-1", "expected @SECONDS[.FRACTION], @MILLISECONDSms or @MICROSECONDSus"},
      {"@1732975331ns", "expected @SECONDS[.FRACTION], @MILLISECONDSms or @MICROSECONDSus"},
      {"@1732975331s", "expected @SECONDS[.FRACTION], @MILLISECONDSms or @MICROSECONDSus"},
      {"@1732975331 ", "expected @SECONDS[.FRACTION], @MILLISECONDSms or @MICROSECONDSus"},
      {"@1732975331.", "expected digits after the decimal point"},
      {"@1732975331.5ms", "trailing text"},
      {"@253402300800", "epoch value beyond year 9999"},
      {"@253402300800000ms", "epoch value beyond year 9999"},
      {"@253402300800000000us", "epoch value beyond year 9999"},
      {"@99999999999999999999999", "epoch value beyond year 9999"},
      {"@9223372036854775807us", "epoch value beyond year 9999"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    CHECK(parse_error(c.input) == c.reason);
  }
}

TEST_CASE("February 29 exists only in leap years", "[time]") {
  CHECK(micros_of(parse_ok("2024-02-29T12:00:00Z")) == 1709208000000000);
  CHECK(micros_of(parse_ok("2000-02-29T00:00:00Z")) == 951782400000000);
  CHECK(parse_error("2025-02-29T12:00:00Z") == "day 29 does not exist in 2025-02");
  CHECK(parse_error("1900-02-29T12:00:00Z") == "day 29 does not exist in 1900-02");
  CHECK(parse_error("2024-02-30T12:00:00Z") == "day 30 does not exist in 2024-02");
}

TEST_CASE("an out-of-range date or time field is rejected naming the field and value", "[time]") {
  const ErrorCase cases[] = {
      {"2026-13-01T00:00", "month 13"},
      {"2026-00-10T00:00:00Z", "month 0"},
      {"2026-04-31T00:00:00Z", "day 31 does not exist in 2026-04"},
      {"2026-01-32T00:00:00Z", "day 32 does not exist in 2026-01"},
      {"2026-01-00T00:00:00Z", "day 0 does not exist in 2026-01"},
      {"2026-11-30T24:00:00Z", "hour 24"},
      {"2026-11-30T99:00:00Z", "hour 99"},
      {"2026-11-30T14:60:00Z", "minute 60"},
      {"2026-11-30T14:02:60Z", "second 60 (leap seconds are not supported)"},
      {"2026-12-31T23:59:60Z", "second 60 (leap seconds are not supported)"},
      {"2026-11-30T14:02:61Z", "second 61"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    CHECK(parse_error(c.input) == c.reason);
  }
  // The boundaries themselves are accepted.
  CHECK(micros_of(parse_ok("2026-12-31T23:59:59Z")) == 1798761599000000);
  CHECK(micros_of(parse_ok("2026-01-31T00:00:00Z")) == 1769817600000000);
}

TEST_CASE("a malformed date, time or offset is rejected with what was expected", "[time]") {
  const ErrorCase cases[] = {
      {"", "empty time"},
      {"hello", "expected YYYY-MM-DD"},
      {"2026-1-05T00:00Z", "expected YYYY-MM-DD"},
      {"26-11-30T14:02:11Z", "expected YYYY-MM-DD"},
      {"2026/11/30T14:02:11Z", "expected YYYY-MM-DD"},
      {"20261130T140211Z", "expected YYYY-MM-DD"},
      {"2026-11-300T14:02Z", "expected YYYY-MM-DD"},
      {" 2026-11-30T14:02:11Z", "expected YYYY-MM-DD"},
      {"2026-11-30", "expected a time after the date: YYYY-MM-DDTHH:MM:SS"},
      {"2026-11-30_14:02:11Z", "expected T or a space between the date and the time"},
      {"2026-11-30T14Z", "expected HH:MM or HH:MM:SS after the date"},
      {"2026-11-30T1402Z", "expected HH:MM or HH:MM:SS after the date"},
      {"2026-11-30T14:2Z", "expected HH:MM or HH:MM:SS after the date"},
      {"2026-11-30T14:02:1Z", "expected HH:MM or HH:MM:SS after the date"},
      {"2026-11-30T14:02:111Z", "expected HH:MM or HH:MM:SS after the date"},
      {"2026-11-30T14:02:11.Z", "expected digits after the decimal point"},
      {"2026-11-30T14:02:11Zx", "trailing text"},
      {"2026-11-30T14:02:11Z ", "trailing text"},
      {"2026-11-30T14:02:11 +01:00", "trailing text"},
      {"2026-11-30T14:02:11 UTC", "trailing text"},
      {"2026-11-30T14:02:11+01:00:00:00", "trailing text"},
      {"2026-11-30T14:02:11+01:00:0", "expected an offset as +HH:MM, +HHMM or +HH"},
      {"2026-11-30T14:02:11+0100:00", "trailing text"},
      {"2026-11-30T14:02:11+01:00 ", "trailing text"},
      {"2026-11-30T14:02.5Z", "trailing text"},
      {"2026-11-30T14:02:11+", "expected an offset as +HH:MM, +HHMM or +HH"},
      {"2026-11-30T14:02:11+1", "expected an offset as +HH:MM, +HHMM or +HH"},
      {"2026-11-30T14:02:11+01:0", "expected an offset as +HH:MM, +HHMM or +HH"},
      {"2026-11-30T14:02:11+010", "expected an offset as +HH:MM, +HHMM or +HH"},
      {"2026-11-30T14:02:11+01000", "expected an offset as +HH:MM, +HHMM or +HH"},
      {"2026-11-30T14:02:11-1:00", "expected an offset as +HH:MM, +HHMM or +HH"},
      {"2026-11-30T14:02:11+01:60", "offset minutes 60"},
      {"2026-11-30T14:02:11+00:53:60", "offset seconds 60"},
      {std::string_view("2026-11-30T14:02:11\0Z", 21), "trailing text"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    CHECK(parse_error(c.input) == c.reason);
  }
}

TEST_CASE("an offset beyond 18 hours is rejected", "[time]") {
  CHECK(parse_error("2026-11-30T14:02:11+19:00") == "offset +19:00 out of range (-18:00 to +18:00)");
  CHECK(parse_error("2026-11-30T14:02:11+1801") == "offset +18:01 out of range (-18:00 to +18:00)");
  CHECK(parse_error("2026-11-30T14:02:11-18:30") == "offset -18:30 out of range (-18:00 to +18:00)");
  CHECK(parse_error("2026-11-30T14:02:11-99") == "offset -99:00 out of range (-18:00 to +18:00)");
}

TEST_CASE("a local time without a zone is an error unless a zone is given", "[time]") {
  CHECK(parse_error("2026-11-30T14:02:11") ==
        "local time without a zone: give an offset, Z, or --tz ZONE");
  CHECK(parse_error("2026-11-30 14:02") == "local time without a zone: give an offset, Z, or --tz ZONE");
  // Range errors come first: they are wrong whatever the zone.
  CHECK(parse_error("2026-02-30T14:02:11") == "day 30 does not exist in 2026-02");
}

TEST_CASE("a local time is resolved through the given IANA zone", "[time]") {
  const auto summer = parse_ok("2026-07-01T12:00:00", in_zone("Europe/Berlin"));
  CHECK(micros_of(summer) == 1782900000000000);  // 2026-07-01T10:00:00Z
  CHECK(summer.offset_seconds == 7200);
  CHECK(summer.form == TimeForm::local_zone);
  CHECK(summer.zone == "Europe/Berlin");
  CHECK(summer.fraction_digits == 0);

  const auto winter = parse_ok("2026-01-15 13:00:00.25", in_zone("Europe/Berlin"));
  CHECK(micros_of(winter) == 1768478400250000);  // 2026-01-15T12:00:00.25Z
  CHECK(winter.offset_seconds == 3600);
  CHECK(winter.fraction_digits == 2);

  const auto new_york = parse_ok("2026-07-04T12:00", in_zone("America/New_York"));
  CHECK(micros_of(new_york) == 1783180800000000);
  CHECK(new_york.offset_seconds == -14400);
  CHECK(new_york.zone == "America/New_York");

  const auto utc = parse_ok("2026-11-30T14:02:11", in_zone("UTC"));
  CHECK(micros_of(utc) == 1796047331000000);
  CHECK(utc.offset_seconds == 0);

  // Just before and just after the Berlin spring-forward gap.
  const auto before_gap = parse_ok("2026-03-29T01:59:59", in_zone("Europe/Berlin"));
  CHECK(micros_of(before_gap) == 1774745999000000);
  CHECK(before_gap.offset_seconds == 3600);
  const auto after_gap = parse_ok("2026-03-29T03:00:00", in_zone("Europe/Berlin"));
  CHECK(micros_of(after_gap) == 1774746000000000);
  CHECK(after_gap.offset_seconds == 7200);
}

TEST_CASE("an explicit offset or Z wins over the zone option", "[time]") {
  const auto with_offset = parse_ok("2026-07-01T12:00:00+05:30", in_zone("Europe/Berlin"));
  CHECK(micros_of(with_offset) == 1782887400000000);  // 2026-07-01T06:30:00Z
  CHECK(with_offset.offset_seconds == 19800);
  CHECK(with_offset.form == TimeForm::iso_offset);
  CHECK(with_offset.zone.empty());

  const auto with_z = parse_ok("2026-07-01T12:00:00Z", in_zone("Europe/Berlin"));
  CHECK(micros_of(with_z) == 1782907200000000);
  CHECK(with_z.form == TimeForm::iso_utc);
  CHECK(with_z.zone.empty());

  CHECK(parse_ok("@1732975331", in_zone("Europe/Berlin")).form == TimeForm::epoch);
}

TEST_CASE("a local time in a spring-forward gap is an error naming the gap, whatever the ambiguity choice",
          "[time]") {
  for (auto choice : {Ambiguous::reject, Ambiguous::earliest, Ambiguous::latest}) {
    CHECK(parse_error("2026-03-29T02:30:00", in_zone("Europe/Berlin", choice)) ==
          "2026-03-29T02:30:00 does not exist in Europe/Berlin: clocks jump from 02:00 to 03:00 "
          "(+01:00 to +02:00)");
    CHECK(parse_error("2026-03-29T02:00:00", in_zone("Europe/Berlin", choice)) ==
          "2026-03-29T02:00:00 does not exist in Europe/Berlin: clocks jump from 02:00 to 03:00 "
          "(+01:00 to +02:00)");
    CHECK(parse_error("2026-03-08 02:30:00.125", in_zone("America/New_York", choice)) ==
          "2026-03-08T02:30:00.125 does not exist in America/New_York: clocks jump from 02:00 to 03:00 "
          "(-05:00 to -04:00)");
  }
  // Samoa skipped 2011-12-30 entirely: the jump names both dates.
  CHECK(parse_error("2011-12-30T12:00", in_zone("Pacific/Apia")) ==
        "2011-12-30T12:00:00 does not exist in Pacific/Apia: clocks jump from 2011-12-30T00:00 to "
        "2011-12-31T00:00 (-10:00 to +14:00)");
}

TEST_CASE("a local time in a fall-back overlap is an error naming both candidates", "[time]") {
  CHECK(parse_error("2026-10-25T02:30:00", in_zone("Europe/Berlin")) ==
        "2026-10-25T02:30:00 is ambiguous in Europe/Berlin: 2026-10-25T00:30:00Z (+02:00) or "
        "2026-10-25T01:30:00Z (+01:00); choose with --ambiguous earliest|latest");
  CHECK(parse_error("2026-11-01T01:30:00", in_zone("America/New_York")) ==
        "2026-11-01T01:30:00 is ambiguous in America/New_York: 2026-11-01T05:30:00Z (-04:00) or "
        "2026-11-01T06:30:00Z (-05:00); choose with --ambiguous earliest|latest");
  // The candidates show the precision given.
  CHECK(parse_error("2026-10-25 02:00:00.5", in_zone("Europe/Berlin")) ==
        "2026-10-25T02:00:00.5 is ambiguous in Europe/Berlin: 2026-10-25T00:00:00.5Z (+02:00) or "
        "2026-10-25T01:00:00.5Z (+01:00); choose with --ambiguous earliest|latest");
}

TEST_CASE("an ambiguous local time resolves to the earliest or latest instant when asked", "[time]") {
  const auto berlin_earliest = parse_ok("2026-10-25T02:30:00", in_zone("Europe/Berlin", Ambiguous::earliest));
  CHECK(micros_of(berlin_earliest) == 1792888200000000);  // 2026-10-25T00:30:00Z
  CHECK(berlin_earliest.offset_seconds == 7200);
  CHECK(berlin_earliest.form == TimeForm::local_zone);

  const auto berlin_latest = parse_ok("2026-10-25T02:30:00", in_zone("Europe/Berlin", Ambiguous::latest));
  CHECK(micros_of(berlin_latest) == 1792891800000000);  // 2026-10-25T01:30:00Z
  CHECK(berlin_latest.offset_seconds == 3600);

  const auto ny_earliest = parse_ok("2026-11-01T01:30:00", in_zone("America/New_York", Ambiguous::earliest));
  CHECK(micros_of(ny_earliest) == 1793511000000000);  // 2026-11-01T05:30:00Z
  CHECK(ny_earliest.offset_seconds == -14400);

  const auto ny_latest = parse_ok("2026-11-01T01:30:00", in_zone("America/New_York", Ambiguous::latest));
  CHECK(micros_of(ny_latest) == 1793514600000000);  // 2026-11-01T06:30:00Z
  CHECK(ny_latest.offset_seconds == -18000);

  // A time that is not ambiguous is unaffected by the choice.
  CHECK(micros_of(parse_ok("2026-07-01T12:00:00", in_zone("Europe/Berlin", Ambiguous::latest))) ==
        1782900000000000);
}

TEST_CASE("find_zone finds IANA zones and rejects unknown names", "[time]") {
  auto berlin = find_zone("Europe/Berlin");
  REQUIRE(berlin.has_value());
  REQUIRE(*berlin != nullptr);
  CHECK((*berlin)->name() == "Europe/Berlin");

  auto utc = find_zone("UTC");
  REQUIRE(utc.has_value());
  REQUIRE(*utc != nullptr);

  for (std::string_view name : {"Mars/Olympus_Mons", "", "Z", "europe/berlin", "../../etc/passwd",
                                "Europe/Berlin "}) {
    INFO("zone: " << name);
    auto missing = find_zone(name);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error() == "unknown time zone");
  }
}

TEST_CASE("a duration is one or more numbers with units, largest first", "[time]") {
  CHECK(duration_ok("90s") == 90'000'000);
  CHECK(duration_ok("15m") == 900'000'000);
  CHECK(duration_ok("2h30m") == 9'000'000'000);
  CHECK(duration_ok("3d") == 259'200'000'000);
  CHECK(duration_ok("500ms") == 500'000);
  CHECK(duration_ok("250us") == 250);
  CHECK(duration_ok("1d2h3m4s5ms6us") == 93'784'005'006);
  CHECK(duration_ok("1m90s") == 150'000'000);
  CHECK(duration_ok("0s") == 0);
  CHECK(duration_ok("0") == 0);
  CHECK(duration_ok("-0") == 0);
  CHECK(duration_ok("+4h") == 14'400'000'000);
  CHECK(duration_ok("-30m") == -1'800'000'000);
  CHECK(duration_ok("-1h30m") == -5'400'000'000);
  // The largest durations that fit in 64-bit microseconds.
  CHECK(duration_ok("9223372036854775807us") == 9223372036854775807);
  CHECK(duration_ok("-9223372036854775807us") == -9223372036854775807);
  CHECK(duration_ok("106751991d4h") == 9'223'372'022'400'000'000 + 14'400'000'000);
}

TEST_CASE("a duration with a missing or unknown unit, units out of order, repeated, or too large is rejected",
          "[time]") {
  const ErrorCase cases[] = {
      {"", "empty duration"},
      {"+", "expected a number followed by a unit (d, h, m, s, ms or us)"},
      {"h", "expected a number followed by a unit (d, h, m, s, ms or us)"},
      {"--5m", "expected a number followed by a unit (d, h, m, s, ms or us)"},
      {"1h 30m", "expected a number followed by a unit (d, h, m, s, ms or us)"},
      {" 5m", "expected a number followed by a unit (d, h, m, s, ms or us)"},
      {"15", "missing unit after a number (use d, h, m, s, ms or us)"},
      {"00", "missing unit after a number (use d, h, m, s, ms or us)"},
      {"1h30", "missing unit after a number (use d, h, m, s, ms or us)"},
      {"15x", "unknown unit \"x\" (use d, h, m, s, ms or us)"},
      {"15min", "unknown unit \"min\" (use d, h, m, s, ms or us)"},
      {"15M", "unknown unit \"M\" (use d, h, m, s, ms or us)"},
      {"1ns", "unknown unit \"ns\" (use d, h, m, s, ms or us)"},
      {"5abcdefghijk", "unknown unit \"abcdefgh...\" (use d, h, m, s, ms or us)"},
      {"1.5h", "fractions are not accepted (write 1s500ms, not 1.5s)"},
      {"30m2h", "units out of order: h after m (write the largest unit first)"},
      {"1s1d", "units out of order: d after s (write the largest unit first)"},
      {"1h2m1h", "units out of order: h after m (write the largest unit first)"},
      {"1h1h", "unit h repeated"},
      {"5ms5ms", "unit ms repeated"},
      {"106751992d", "duration too large"},
      {"106751991d5h", "duration too large"},
      {"9223372036854775808us", "duration too large"},
      {"99999999999999999999999999s", "duration too large"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    CHECK(duration_error(c.input) == c.reason);
  }
}

// format_utc, format_in_zone, format_with_offset, format_offset and
// format_duration, and round trips through the parsers. Expected values were
// computed independently with GNU date (`TZ=Asia/Kolkata date -d @1796043731
// '+%FT%T%:z'`) and zdump, then hard-coded.

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/time/time.hpp"

using casetrail::time::find_zone;
using casetrail::time::format_duration;
using casetrail::time::format_in_zone;
using casetrail::time::format_offset;
using casetrail::time::format_utc;
using casetrail::time::format_with_offset;
using casetrail::time::Micros;
using casetrail::time::parse_duration;
using casetrail::time::parse_time;
using casetrail::time::ParseOptions;
using casetrail::time::TimeForm;
using casetrail::time::UtcTime;

namespace {

UtcTime at(std::int64_t micros) { return UtcTime{Micros{micros}}; }

const date::time_zone* zone(std::string_view name) {
  auto found = find_zone(name);
  INFO("zone: " << name);
  REQUIRE(found.has_value());
  return *found;
}

// 2026-11-30T13:02:11.123456Z
constexpr std::int64_t k_sample = 1796043731123456;

}  // namespace

TEST_CASE("format_utc writes the UTC instant with six fraction digits and Z", "[time]") {
  CHECK(format_utc(at(k_sample)) == "2026-11-30T13:02:11.123456Z");
  CHECK(format_utc(at(0)) == "1970-01-01T00:00:00.000000Z");
  CHECK(format_utc(at(-1)) == "1969-12-31T23:59:59.999999Z");
  CHECK(format_utc(at(1709208000000000)) == "2024-02-29T12:00:00.000000Z");
  CHECK(format_utc(at(-62135596800000000)) == "0001-01-01T00:00:00.000000Z");
  CHECK(format_utc(at(253402300799999999)) == "9999-12-31T23:59:59.999999Z");
}

TEST_CASE("format_in_zone shows the wall clock and the offset the zone had at that instant", "[time]") {
  CHECK(format_in_zone(at(k_sample), zone("Europe/Berlin")) == "2026-11-30T14:02:11.123456+01:00");
  CHECK(format_in_zone(at(k_sample), zone("America/New_York")) == "2026-11-30T08:02:11.123456-05:00");
  CHECK(format_in_zone(at(k_sample), zone("Asia/Kolkata")) == "2026-11-30T18:32:11.123456+05:30");
  CHECK(format_in_zone(at(k_sample), zone("Asia/Kathmandu")) == "2026-11-30T18:47:11.123456+05:45");
  CHECK(format_in_zone(at(k_sample), zone("UTC")) == "2026-11-30T13:02:11.123456+00:00");
  // Summer time: 2026-07-01T10:00:00Z.
  CHECK(format_in_zone(at(1782900000000000), zone("Europe/Berlin")) == "2026-07-01T12:00:00.000000+02:00");
  // Berlin kept local mean time (+00:53:28) until 1893: the seconds are shown.
  CHECK(format_in_zone(at(-2524521600000000), zone("Europe/Berlin")) ==
        "1890-01-01T00:53:28.000000+00:53:28");
}

TEST_CASE("format_in_zone around a DST change tells the repeated wall-clock times apart by offset", "[time]") {
  const auto berlin = zone("Europe/Berlin");
  // Spring forward at 2026-03-29T01:00:00Z.
  CHECK(format_in_zone(at(1774745999999999), berlin) == "2026-03-29T01:59:59.999999+01:00");
  CHECK(format_in_zone(at(1774746000000000), berlin) == "2026-03-29T03:00:00.000000+02:00");
  // Fall back at 2026-10-25T01:00:00Z: 02:30 happens twice.
  CHECK(format_in_zone(at(1792888200000000), berlin) == "2026-10-25T02:30:00.000000+02:00");
  CHECK(format_in_zone(at(1792891800000000), berlin) == "2026-10-25T02:30:00.000000+01:00");

  const auto new_york = zone("America/New_York");
  CHECK(format_in_zone(at(1793511000000000), new_york) == "2026-11-01T01:30:00.000000-04:00");
  CHECK(format_in_zone(at(1793514600000000), new_york) == "2026-11-01T01:30:00.000000-05:00");
}

TEST_CASE("format_with_offset shifts the wall clock by a fixed offset", "[time]") {
  CHECK(format_with_offset(at(k_sample), 3600) == "2026-11-30T14:02:11.123456+01:00");
  CHECK(format_with_offset(at(k_sample), -19800) == "2026-11-30T07:32:11.123456-05:30");
  CHECK(format_with_offset(at(k_sample), 0) == "2026-11-30T13:02:11.123456+00:00");
  // Crossing midnight and the year: 2026-12-31T23:30:00Z.
  CHECK(format_with_offset(at(1798759800000000), 3600) == "2027-01-01T00:30:00.000000+01:00");
  CHECK(format_with_offset(at(0), -64800) == "1969-12-31T06:00:00.000000-18:00");
  CHECK(format_with_offset(at(0), 3208) == "1970-01-01T00:53:28.000000+00:53:28");
}

TEST_CASE("format_offset writes a signed offset with microseconds and days beyond 24 hours", "[time]") {
  CHECK(format_offset(Micros{-252350000}) == "-00:04:12.350000");
  CHECK(format_offset(Micros{3600000000}) == "+01:00:00.000000");
  CHECK(format_offset(Micros{0}) == "+00:00:00.000000");
  CHECK(format_offset(Micros{1}) == "+00:00:00.000001");
  CHECK(format_offset(Micros{-1}) == "-00:00:00.000001");
  CHECK(format_offset(Micros{86399999999}) == "+23:59:59.999999");
  CHECK(format_offset(Micros{86400000000}) == "+1d00:00:00.000000");
  CHECK(format_offset(Micros{183600000000}) == "+2d03:00:00.000000");
  CHECK(format_offset(Micros{-183600000000}) == "-2d03:00:00.000000");
  CHECK(format_offset(Micros{864000000000}) == "+10d00:00:00.000000");
  CHECK(format_offset(Micros{std::numeric_limits<std::int64_t>::max()}) == "+106751991d04:00:54.775807");
  CHECK(format_offset(Micros{std::numeric_limits<std::int64_t>::min()}) == "-106751991d04:00:54.775808");
}

TEST_CASE("format_duration writes units largest first and leaves out the zero ones", "[time]") {
  CHECK(format_duration(Micros{0}) == "0s");
  CHECK(format_duration(Micros{9000000000}) == "2h30m");
  CHECK(format_duration(Micros{900000000}) == "15m");
  CHECK(format_duration(Micros{90000000}) == "1m30s");
  CHECK(format_duration(Micros{93600000000}) == "1d2h");
  CHECK(format_duration(Micros{1209600000000}) == "14d");
  CHECK(format_duration(Micros{3600000001}) == "1h1us");
  // Below a second: milliseconds and microseconds, never a decimal point.
  CHECK(format_duration(Micros{1250000}) == "1s250ms");
  CHECK(format_duration(Micros{1500000}) == "1s500ms");
  CHECK(format_duration(Micros{500000}) == "500ms");
  CHECK(format_duration(Micros{250}) == "250us");
  CHECK(format_duration(Micros{1001}) == "1ms1us");
  CHECK(format_duration(Micros{93784005006}) == "1d2h3m4s5ms6us");
  CHECK(format_duration(Micros{-900000000}) == "-15m");
  CHECK(format_duration(Micros{-5400000000}) == "-1h30m");
  CHECK(format_duration(Micros{std::numeric_limits<std::int64_t>::min()}) == "-106751991d4h54s775ms808us");
}

TEST_CASE("a formatted time parses back to the same instant", "[time]") {
  const std::int64_t instants[] = {
      k_sample,          0,                  -1,               -500000,           1709208000000000,
      1774745999999999,  1774746000000000,   1792888200000000, 1792891800000000,  1793511000000000,
      1793514600000000,  -62135596800000000, 253402214400000000,
  };
  // The last instant formats as year 10000 east of UTC, so only its UTC form
  // is checked.
  CHECK(parse_time(format_utc(at(253402300799999999)))->utc == at(253402300799999999));
  const char* zones[] = {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "UTC"};
  for (auto micros : instants) {
    INFO("instant: " << micros);
    auto utc = parse_time(format_utc(at(micros)));
    REQUIRE(utc.has_value());
    CHECK(utc->utc == at(micros));
    CHECK(utc->form == TimeForm::iso_utc);
    CHECK(utc->fraction_digits == 6);

    for (const char* name : zones) {
      INFO("zone: " << name);
      auto zoned = parse_time(format_in_zone(at(micros), zone(name)));
      REQUIRE(zoned.has_value());
      CHECK(zoned->utc == at(micros));
      CHECK(zoned->form == TimeForm::iso_offset);
    }
    for (int offset : {-64800, -19800, 0, 3600, 20700, 64800}) {
      INFO("offset: " << offset);
      auto shifted = parse_time(format_with_offset(at(micros), offset));
      REQUIRE(shifted.has_value());
      CHECK(shifted->utc == at(micros));
      CHECK(shifted->offset_seconds == offset);
    }
  }
}

TEST_CASE("a parsed time's offset formats back to the text given", "[time]") {
  for (std::string_view text : {"2026-11-30T14:02:11.123456+01:00", "2026-11-30T08:32:11.000001-05:30",
                                "2024-02-29T23:59:59.999999+14:00", "2026-11-30T13:02:11.123456+00:00"}) {
    INFO("text: " << text);
    auto parsed = parse_time(text);
    REQUIRE(parsed.has_value());
    CHECK(format_with_offset(parsed->utc, parsed->offset_seconds) == text);
  }

  ParseOptions options;
  options.zone = zone("Europe/Berlin");
  options.ambiguous = casetrail::time::Ambiguous::latest;
  auto local = parse_time("2026-10-25T02:30:00.250000", options);
  REQUIRE(local.has_value());
  CHECK(format_with_offset(local->utc, local->offset_seconds) == "2026-10-25T02:30:00.250000+01:00");
  CHECK(format_in_zone(local->utc, options.zone) == "2026-10-25T02:30:00.250000+01:00");
}

TEST_CASE("a formatted duration parses back to the same duration", "[time]") {
  const std::int64_t durations[] = {0,          1,           999,          1000,          1001,
                                    1500000,    59999999,    60000000,     90000000,      3600000001,
                                    9000000000, 93600000000, 93784005006,  -1,            -5400000000,
                                    std::numeric_limits<std::int64_t>::max(),
                                    std::numeric_limits<std::int64_t>::min() + 1};
  for (auto micros : durations) {
    INFO("duration: " << micros << " formatted as " << format_duration(Micros{micros}));
    auto parsed = parse_duration(format_duration(Micros{micros}));
    REQUIRE(parsed.has_value());
    CHECK(parsed->count() == micros);
  }
  for (std::string_view text : {"2h30m", "15m", "1m30s", "0s", "1d2h", "1s250ms", "250us", "-30m",
                                "1d2h3m4s5ms6us"}) {
    INFO("text: " << text);
    auto parsed = parse_duration(text);
    REQUIRE(parsed.has_value());
    CHECK(format_duration(*parsed) == text);
  }
}

#include <catch2/catch.hpp>

#include "core/ingest/fields.hpp"
#include "core/time/time.hpp"

using namespace casetrail;
using ingest::ZonelessTime;

TEST_CASE("process ids are read as decimal or as 0x hex the way Security 4688 writes them", "[ingest]") {
  CHECK(*ingest::parse_pid("10980") == 10980);
  CHECK(*ingest::parse_pid("0x2ae4") == 10980);
  CHECK(*ingest::parse_pid("0X2AE4") == 10980);
  CHECK(ingest::parse_pid("0xZZ").error() == "expected a process id (decimal, or hex with 0x)");
  CHECK(ingest::parse_pid("-5").error() == "expected a process id (decimal, or hex with 0x)");
  CHECK(ingest::parse_pid("").error() == "expected a process id (decimal, or hex with 0x)");
}

TEST_CASE("logon ids from every source become the same lower-case hex", "[ingest]") {
  CHECK(*ingest::normalise_logon_id("0xC61D9") == "0xc61d9");
  CHECK(*ingest::normalise_logon_id("0xc61d9") == "0xc61d9");
  CHECK(*ingest::normalise_logon_id("811481") == "0xc61d9");
  CHECK(*ingest::normalise_logon_id("0x0") == "0x0");
  CHECK(ingest::normalise_logon_id("abc").error() == "expected a logon id (hex with 0x, or decimal)");
}

TEST_CASE("a Windows domain and user name join as DOMAIN\\user, with - meaning absent", "[ingest]") {
  CHECK(*ingest::join_account("WORKSTATION5", "wardog") == "WORKSTATION5\\wardog");
  CHECK(*ingest::join_account("-", "wardog") == "wardog");
  CHECK(*ingest::join_account("", "wardog") == "wardog");
  CHECK_FALSE(ingest::join_account("CORP", "-"));
  CHECK_FALSE(ingest::join_account("CORP", ""));
}

TEST_CASE("Sysmon's UtcTime has no zone marker and is read as UTC, kept as written", "[ingest]") {
  auto t = ingest::parse_event_time("2020-10-22 06:57:59.855", ZonelessTime::utc, nullptr);
  REQUIRE(t);
  CHECK(time::format_utc(t->utc) == "2020-10-22T06:57:59.855000Z");
  CHECK(t->original == "2020-10-22 06:57:59.855");
  CHECK(t->fraction_digits == 3);
  CHECK(t->offset_seconds == 0);
}

TEST_CASE("Windows' 100 ns ticks are cut to microseconds while the text stays as written", "[ingest]") {
  auto t = ingest::parse_event_time("2019-03-19T00:41:09.9960384Z", ZonelessTime::source_tz, nullptr);
  REQUIRE(t);
  CHECK(time::format_utc(t->utc) == "2019-03-19T00:41:09.996038Z");
  CHECK(t->original == "2019-03-19T00:41:09.9960384Z");
  CHECK(t->fraction_digits == 6);
}

TEST_CASE("a time without a zone needs --source-tz, and then is read in that zone", "[ingest]") {
  CHECK(ingest::parse_event_time("2026-03-01 11:00:00", ZonelessTime::source_tz, nullptr).error() ==
        "no zone in the time: give --source-tz ZONE");
  auto berlin = time::find_zone("Europe/Berlin");
  REQUIRE(berlin);
  auto t = ingest::parse_event_time("2026-03-01 11:00:00", ZonelessTime::source_tz, *berlin);
  REQUIRE(t);
  CHECK(time::format_utc(t->utc) == "2026-03-01T10:00:00.000000Z");
  CHECK(t->offset_seconds == 3600);
  CHECK(t->zone == "Europe/Berlin");
  // An explicit offset wins over the zone.
  t = ingest::parse_event_time("2026-03-01T11:00:00Z", ZonelessTime::source_tz, *berlin);
  CHECK(time::format_utc(t->utc) == "2026-03-01T11:00:00.000000Z");
  CHECK(ingest::parse_event_time("2026-13-01T11:00:00Z", ZonelessTime::source_tz, nullptr).error() ==
        "month 13");
}

TEST_CASE("technique ids are taken from a Sysmon RuleName and nothing else is", "[ingest]") {
  CHECK(ingest::rule_name_techniques("technique_id=T1059.001,technique_name=PowerShell") ==
        std::vector<std::string>{"T1059.001"});
  CHECK(ingest::rule_name_techniques("technique_id=t1218.005,technique_name=Mshta") ==
        std::vector<std::string>{"T1218.005"});
  CHECK(ingest::rule_name_techniques("-").empty());
  CHECK(ingest::rule_name_techniques("technique_id=T12,technique_name=x").empty());
  CHECK(ingest::rule_name_techniques("Suspicious PowerShell").empty());
}

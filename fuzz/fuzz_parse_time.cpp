// Fuzzes time::parse_time: any bytes, with no zone and with a zone that has
// DST gaps and overlaps, under every ambiguity rule. A time that parses must
// survive a round trip through format_utc, and formatting it must not fail.
#include <date/tz.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/time/time.hpp"

namespace {
const date::time_zone* g_zone = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto zone = casetrail::time::find_zone("Europe/Berlin");
  if (!zone) std::abort();
  g_zone = *zone;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casetrail::time;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const date::time_zone* zone : {static_cast<const date::time_zone*>(nullptr), g_zone}) {
    for (Ambiguous rule : {Ambiguous::reject, Ambiguous::earliest, Ambiguous::latest}) {
      ParseOptions options;
      options.zone = zone;
      options.ambiguous = rule;
      const auto parsed = parse_time(text, options);
      if (!parsed) continue;
      const std::string utc = format_utc(parsed->utc);
      const auto again = parse_time(utc);
      if (!again || again->utc != parsed->utc) std::abort();
      (void)format_in_zone(parsed->utc, g_zone);
      (void)format_with_offset(parsed->utc, parsed->offset_seconds);
    }
  }
  return 0;
}

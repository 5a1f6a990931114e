// Fuzzes time::parse_duration: any bytes. A duration that parses must come
// back exactly through format_duration, as its contract says.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/time/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casetrail::time;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_duration(text);
  if (!parsed) return 0;
  const auto again = parse_duration(format_duration(*parsed));
  if (!again || *again != *parsed) std::abort();
  (void)format_offset(*parsed);
  return 0;
}

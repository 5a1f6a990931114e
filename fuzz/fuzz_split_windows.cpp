// Fuzzes cmdline::split_windows: any bytes (NULs and invalid UTF-8 included).
// Splitting only drops quotes, separators and escaping backslashes, so the
// arguments never hold more bytes than the command line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/cmdline/cmdline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  std::size_t total = 0;
  for (const auto& arg : casetrail::cmdline::split_windows(line)) total += arg.size();
  if (total > size) std::abort();
  (void)casetrail::cmdline::guess_platform("", "", line);
  (void)casetrail::cmdline::image_name(line);
  return 0;
}

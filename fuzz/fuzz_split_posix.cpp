// Fuzzes cmdline::split_posix: any bytes. Words never hold more bytes than
// the line, and an error is one of the documented reasons.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/cmdline/cmdline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto words = casetrail::cmdline::split_posix(line);
  if (!words) {
    const std::string& e = words.error();
    if (e != "unterminated single quote" && e != "unterminated double quote" &&
        e != "trailing backslash") {
      std::abort();
    }
    return 0;
  }
  std::size_t total = 0;
  for (const auto& word : *words) total += word.size();
  if (total > size) std::abort();
  return 0;
}

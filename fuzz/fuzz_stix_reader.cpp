// libFuzzer target: the ATT&CK STIX bundle reader over arbitrary bytes. A
// bundle is either read into a catalogue or refused with casetrail::Error
// (invalid_input); any other exception, crash or sanitizer report is a bug.
// Seeds: fuzz/corpus/stix_reader/ (small bundles in both STIX forms).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/attack/stix_reader.hpp"
#include "core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first byte chooses whether --attack-version is given.
  const std::optional<std::string> version =
      size > 0 && (data[0] & 1) != 0 ? std::optional<std::string>("18.1") : std::nullopt;
  try {
    const auto catalogue = casetrail::attack::read_stix_bundle_text(text, "fuzz.json", version);
    // A catalogue read from a file must hold at least one technique.
    if (catalogue.techniques.empty()) std::abort();
  } catch (const casetrail::Error& e) {
    if (e.code() != casetrail::ErrorCode::invalid_input) std::abort();
  }
  return 0;
}

// libFuzzer target: the raw auditd reader (record splitting, grouping by
// serial, argument decoding) over arbitrary bytes, with and without --host.
// Every item must have a place, a rejected one a reason, an observation a
// host and a fingerprint. Seeds: fuzz/corpus/auditd/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "core/ingest/native_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using casetrail::ingest::ReadItem;
  casetrail::ingest::ReaderOptions options;
  // The first byte chooses whether --host is given.
  if (size > 0 && (data[0] & 1) != 0) options.host = "fuzz-host";
  auto input = std::make_unique<std::istringstream>(
      std::string(reinterpret_cast<const char*>(data), size));
  auto reader = casetrail::ingest::make_auditd_reader(std::move(input), "fuzz.log", options);
  while (auto item = reader->next()) {
    if (item->place.empty()) std::abort();
    if (item->type == ReadItem::Type::rejected && item->reason.empty()) std::abort();
    if (item->type == ReadItem::Type::observation &&
        (!item->observation || item->observation->host.empty() ||
         !item->observation->source.fingerprint)) {
      std::abort();
    }
  }
  if (reader->bytes_read() != size) std::abort();
  return 0;
}

// libFuzzer target: the Windows event XML reader (scanner, UTF-16 detection
// and pugixml parsing of each event) over arbitrary bytes. Every item must
// have a place, a rejected one a reason, and the reader must consume the
// whole input. Seeds: fuzz/corpus/xml_event/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "core/ingest/native_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using casetrail::ingest::ReadItem;
  auto input = std::make_unique<std::istringstream>(
      std::string(reinterpret_cast<const char*>(data), size));
  auto reader = casetrail::ingest::make_xml_reader(std::move(input), "fuzz.xml", {});
  while (auto item = reader->next()) {
    if (item->place.empty()) std::abort();
    if (item->type == ReadItem::Type::rejected && item->reason.empty()) std::abort();
    if (item->type == ReadItem::Type::windows_event && !item->windows_event) std::abort();
  }
  if (reader->bytes_read() != size) std::abort();
  return 0;
}

// libFuzzer target: the import readers of text formats (flat Windows event
// JSON, ECS, CSV) over arbitrary bytes. The first byte chooses: its low
// bits modulo 3 the reader (0 Windows JSON, 1 ECS, 2 CSV), its top bit
// whether --host is given. Readers promise that a bad record is a
// rejected item with its place and reason, and that they consume the whole
// input; a file they cannot read as their format at all is refused with
// casetrail::Error: invalid_input (an unreadable CSV header), usage (a CSV
// whose header needs --map). Any
// other exception, crash or sanitizer report is a bug. Seeds: fuzz/corpus/import_readers/.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/ingest/csv_reader.hpp"
#include "core/ingest/ecs_reader.hpp"
#include "core/ingest/reader.hpp"
#include "core/ingest/windows_json_reader.hpp"

namespace {

// The readers take a path: each input is written to one scratch file.
const std::string& scratch_path() {
  static const std::string path = "/tmp/casetrail-fuzz-import-" + std::to_string(::getpid());
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casetrail::ingest;
  if (size == 0) return 0;
  const std::string& path = scratch_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
    if (!out) std::abort();
  }
  ReaderOptions options;
  options.display_path = "fuzz";
  if ((data[0] & 0x80) != 0) options.host = "fuzz-host";
  try {
    std::unique_ptr<RecordReader> reader;
    switch ((data[0] & 0x7f) % 3) {
      case 0: reader = make_windows_json_reader(path, options); break;
      case 1: reader = make_ecs_reader(path, options); break;
      default: reader = make_csv_reader(path, options); break;
    }
    while (auto item = reader->next()) {
      if (item->place.empty()) std::abort();
      if (item->type == ReadItem::Type::rejected && item->reason.empty()) std::abort();
      if (item->type == ReadItem::Type::windows_event && !item->windows_event) std::abort();
      if (item->type == ReadItem::Type::observation &&
          (!item->observation || item->observation->host.empty())) {
        std::abort();
      }
    }
    if (reader->bytes_read() != size - 1) std::abort();
  } catch (const casetrail::Error& e) {
    if (e.code() != casetrail::ErrorCode::invalid_input &&
        e.code() != casetrail::ErrorCode::usage) {
      std::fprintf(stderr, "unexpected error: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}

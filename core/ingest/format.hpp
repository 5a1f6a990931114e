#pragma once
// Input formats: detection by content and the reader for each, in one table
// (format.cpp) so that adding a format is one line there.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

struct Format {
  std::string_view name;         // what --format takes and import_run.format records
  std::string_view description;  // for --help and messages
  // Whether the start of a file (up to k_sniff_bytes) is in this format.
  // Tried in table order; the first that matches wins.
  bool (*sniff)(std::string_view head);
  // Opens a reader. Throws casetrail::Error (io, invalid_input, usage).
  std::unique_ptr<RecordReader> (*make)(const std::string& path, const ReaderOptions& options);
};

// How much of a file detection looks at.
inline constexpr std::size_t k_sniff_bytes = 1u << 20;

// Every format this build reads, in detection order.
const std::vector<Format>& formats();

// The format named `name`, or nullptr.
const Format* find_format(std::string_view name);

// Detects the format of the file at `path` by its content. Throws
// Error(io) when it cannot be read, Error(invalid_input) when it is empty or
// no format matches ("cannot tell the format of FILE: give --format ...").
const Format& detect_format(const std::string& path, const std::string& display_path);

// Content signatures of the native formats (native_readers.hpp).
bool looks_like_evtx(std::string_view head);    // "ElfFile\0"
bool looks_like_xml(std::string_view head);     // '<' first (after a BOM / spaces)
bool looks_like_auditd(std::string_view head);  // "type=... msg=audit("

}  // namespace casetrail::ingest

#pragma once
// casetrail's own JSONL export (`casetrail export --format jsonl`), one
// observation per line, read back losslessly: every evidence field as
// exported, exact bytes from the _base64 twins, and the observation's own
// source place and raw record kept (not replaced by this file's).

#include <memory>
#include <string>
#include <string_view>

#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

std::unique_ptr<RecordReader> make_casetrail_jsonl_reader(const std::string& path,
                                                          const ReaderOptions& options);

// Content sniffing: the first line is a JSON object with the keys only
// casetrail's JSON export writes together (exporting::is_casetrail_record).
bool looks_like_casetrail_jsonl(std::string_view head);

}  // namespace casetrail::ingest

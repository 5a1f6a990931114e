#pragma once
// CSV (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180) with a header line:
// - casetrail's own export (the header is exactly exporting::csv::k_columns):
//   read back losslessly, formula neutralisation undone;
// - any other CSV through --map column=field (ReaderOptions::csv_map), where
//   field is one of csv_map_fields(). A field may be quoted and hold commas,
//   quotes ("" inside) and line breaks; a UTF-8 byte-order mark is skipped.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

// Throws casetrail::Error(invalid_input) when the header is casetrail's own
// and --map is given, or when it is not and --map is missing, names a column
// the header lacks, or names an unknown field.
std::unique_ptr<RecordReader> make_csv_reader(const std::string& path, const ReaderOptions& options);

// The fields --map can fill: time, host, kind, account, account_sid,
// platform, image, command_line, pid, process_guid, parent_image,
// parent_command_line, parent_pid, parent_process_guid, cwd, logon_id,
// integrity_level, hashes, user, technique (IDs separated by ';' or ','),
// source, note, and attr.NAME for any kind-specific attribute.
const std::vector<std::string_view>& csv_map_fields();

// Content sniffing: a first line with a comma and no NUL byte.
bool looks_like_csv(std::string_view head);

}  // namespace casetrail::ingest

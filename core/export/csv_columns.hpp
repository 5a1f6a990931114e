#pragma once
// casetrail's own CSV: the one list of columns, and the one encoding of an
// observation's fields into cells, shared by the CSV export (which writes the
// file) and by `casetrail import` (which reads it back). Round trip is
// lossless for everything that is evidence: what `import` reads back equals
// what was exported, byte for byte.
//
// The file is RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): a header
// line with exactly these names in this order, comma-separated, CRLF line
// ends, a field quoted with " when it holds a comma, a quote, CR or LF (a
// quote doubled inside). UTF-8 without a byte-order mark.
//
// Every cell goes through encode_cell(), which does two things:
// - spreadsheet formula neutralisation as OWASP recommends
//   (https://owasp.org/www-community/attacks/CSV_Injection): a value starting
//   with = + - @ TAB or CR gets a leading apostrophe, so that a spreadsheet
//   shows it as text instead of running it. To keep that reversible, a value
//   that itself starts with an apostrophe gets one too; decode_cell() drops
//   exactly one leading apostrophe, always;
// - absence: an absent value is an empty cell; a present but empty value is
//   a lone apostrophe (which a spreadsheet shows as empty).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/observation.hpp"
#include "core/model/observation_record.hpp"

namespace date {
class time_zone;
}

namespace casetrail::exporting::csv {

// The columns, in file order. "context" columns describe the observation in
// the exporting case and are not imported (an import makes new evidence in
// the importing case: new number and uuid, `unverified`, logged by whoever
// imports); every other column is imported exactly.
inline constexpr std::array<std::string_view, 50> k_columns = {
    "number",            // context: #N in the exporting case
    "uuid",              // context; the identity when there is no fingerprint
    "kind",              // process, logon, network, ... (model::Kind text)
    "observed_at",       // context for people: ISO 8601 UTC, 6 fraction digits, Z
    "observed_at_us",    // the instant, integer microseconds since the epoch, UTC
                         // (skew already corrected): what the importer reads
    "observed_offset",   // seconds east of UTC as written
    "observed_text",     // the time exactly as the source wrote it
    "time_precision",    // fraction digits given, 0 to 6
    "time_zone",         // IANA zone used for a local time
    "time_source",       // "Sysmon UtcTime", "TimeCreated", "manual", ...
    "skew_us",           // correction applied (--skew), microseconds
    "host",              // as observed (canonical forms are derived again)
    "host_platform",     // windows, linux, ...
    "account",           // as observed
    "account_sid",       // SID or uid
    "techniques",        // ATT&CK IDs separated by ';'
    "attack_release",    // the ATT&CK release the techniques were checked against
    "status",            // context: unverified, verified, benign, false_positive
    "source",            // "Sysmon 1", "Security 4688", "manual", ...
    "source_ref",        // place in the source: "file.jsonl:42"
    "fingerprint",       // 32 hex digits (dedup identity), or empty
    "analyst",           // context: who logged it
    "logged_at",         // context: when, ISO 8601 UTC
    "note",
    "image",
    "command_line",           // the text; when the bytes are not valid UTF-8 or hold
    "command_line_base64",    // a NUL, a U+FFFD display text and the exact bytes here
    "args",                   // JSON array as stored ({"base64": ...} items for non-UTF-8)
    "args_source",            // source, windows or posix
    "pid",
    "process_guid",
    "parent_image",
    "parent_command_line",         // as command_line
    "parent_command_line_base64",
    "parent_pid",
    "parent_process_guid",
    "cwd",
    "logon_id",
    "integrity_level",
    "hashes",
    "process_user",
    "attrs",             // JSON object as stored
    "same_execution_as", // context: numbers of linked observations, ';'-separated
    "raw",               // the verbatim source record, as raw_base64 when
    "raw_base64",        // not valid UTF-8 or holding a NUL
    // Context for people, after the evidence so that a spreadsheet user sees
    // the evidence first; none of these is imported.
    "observed_at_local", // the time in the export's display zone, with its offset
    "display_zone",      // that zone (--tz, else the case's zone, else UTC)
    "technique_names",   // names from the catalogue, ';'-separated, in techniques order
    "tactics",           // tactic shortnames of those techniques, each once, ';'-separated
    "history",           // every status, note, tag or technique change, oldest first (JSON array)
};

// The columns up to raw_base64: everything the import reads. The context
// columns after them were added later; a file with only these columns (an
// export of an earlier build) is still casetrail's own CSV.
inline constexpr std::size_t k_imported_columns = 45;
static_assert(k_columns[k_imported_columns - 1] == "raw_base64");

// The index of a column by name; k_columns.size() when unknown.
constexpr std::size_t column_index(std::string_view name) {
  for (std::size_t i = 0; i < k_columns.size(); ++i) {
    if (k_columns[i] == name) return i;
  }
  return k_columns.size();
}

// Neutralises one value for a cell (see above); nullopt gives an empty cell.
std::string encode_cell(const std::optional<std::string>& value);

// The inverse: "" -> nullopt, "'" -> "", "'x" -> "x", anything else as is.
std::optional<std::string> decode_cell(std::string_view cell);

// What the context columns need beyond the observation.
struct ValueContext {
  const date::time_zone* zone = nullptr;                    // display zone; nullptr: UTC
  const std::vector<model::AuditEntry>* history = nullptr;  // oldest first; nullptr: none
};

// One row's values in k_columns order, before encode_cell(): nullopt is an
// absent value.
using ValueRow = std::vector<std::optional<std::string>>;

// Fills `row` (resized to k_columns.size(); reusing its storage keeps the
// export's hot loop free of allocations) with the values of `r`.
void fill_values(const model::ObservationRecord& r, const ValueContext& context, ValueRow& row);
ValueRow observation_values(const model::ObservationRecord& r, const ValueContext& context);

// The cells of one observation, in k_columns order, already encoded with
// encode_cell() (the CSV writer only adds RFC 4180 quoting).
std::vector<std::string> observation_cells(const model::ObservationRecord& r,
                                           const ValueContext& context = {});

// Appends one row of values to `out`: each through encode_cell(), then
// RFC 4180 quoting, CRLF at the end.
void append_csv_row(std::string& out, const ValueRow& row);

// The history column's JSON array (also the jsonl export's "history").
std::string history_text(const std::vector<model::AuditEntry>* history);

// The 16-byte identity of an exported observation that has no fingerprint
// (logged by hand): derived from its uuid, so that importing the same export
// twice, or into the case it came from, adds nothing.
std::string exported_identity(const std::string& uuid);

// True when `header` (the fields of the first line) is exactly k_columns, or
// its first k_imported_columns.
bool is_casetrail_header(const std::vector<std::string>& header);

// Reads one data row (already split into decoded-quoting fields, one per
// column of either header) back into an observation. The fingerprint is the exported one when
// present, else derived from the exported uuid, so that importing the same
// export twice, or into the case it came from, adds nothing. Returns the
// observation or the reason the row is invalid ("column pid: expected an
// integer", ...).
Result<model::NewObservation> observation_from_cells(const std::vector<std::string>& cells);

}  // namespace casetrail::exporting::csv

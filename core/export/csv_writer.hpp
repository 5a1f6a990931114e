#pragma once
// Writing CSV records (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180):
// fields separated by commas, records ended by CRLF, a field quoted with "
// when it holds a comma, a quote, CR or LF (a quote doubled inside).

#include <string>
#include <string_view>
#include <vector>

namespace casetrail::exporting {

// Appends one record to `out`.
void append_csv_record(std::string& out, const std::vector<std::string>& fields);
void append_csv_record(std::string& out, const std::vector<std::string_view>& fields);

// Spreadsheet formula neutralisation as OWASP recommends
// (https://owasp.org/www-community/attacks/CSV_Injection) for CSV files that
// are not read back by casetrail (Timesketch): a value starting with = + - @
// TAB or CR gets a leading apostrophe. casetrail's own CSV uses the
// reversible csv::encode_cell() instead.
std::string neutralise_formula(std::string_view value);

}  // namespace casetrail::exporting

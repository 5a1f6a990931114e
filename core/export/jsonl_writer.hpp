#pragma once
// The jsonl export's hot path: writes jsonl_record(r, context) as its
// compact JSON text (what nlohmann's dump() gives: keys sorted, no spaces,
// U+FFFD for bytes that are not UTF-8) straight into a buffer, without
// building the JSON tree. tests/test_export_formats.cpp checks that both give
// the same bytes.

#include <string>

#include "core/export/record_context.hpp"

namespace casetrail::exporting {

class JsonlWriter {
public:
  // Appends one record and its line end to `out`.
  void append(std::string& out, const model::ObservationRecord& r, const RecordContext& context);

private:
  struct Field {
    std::string key;
    std::size_t begin = 0;  // value text in m_values
    std::size_t end = 0;
  };
  void field(std::string key);  // starts a field whose value follows in m_values
  std::vector<Field> m_fields;
  std::size_t m_count = 0;
  std::string m_values;
};

// Appends `bytes` as a JSON string (quoted, escaped as nlohmann::json does).
void append_json_string(std::string& out, std::string_view bytes);

}  // namespace casetrail::exporting

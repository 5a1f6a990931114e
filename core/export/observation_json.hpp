#pragma once
// The JSON form of an observation: the CLI's `--json` output and the record
// of the jsonl export. Keys are snake_case and part of the CLI's contract.

#include <nlohmann/json.hpp>

#include "core/model/case_record.hpp"
#include "core/model/observation_record.hpp"

namespace date {
class time_zone;
}

namespace casetrail::exporting {

// Times are ISO 8601 UTC with microseconds and Z; with `zone`, each time also
// appears in that zone (`observed_at_local`). A byte string that is not valid
// UTF-8 is written with U+FFFD replacements and its exact bytes are added as
// `<key>_base64` (command_line_base64, parent_command_line_base64,
// raw_base64), so nothing is lost.
nlohmann::json observation_to_json(const model::ObservationRecord& r, const date::time_zone* zone);

nlohmann::json case_to_json(const model::CaseRecord& c);

// Puts `bytes` under `key`; when they are not valid UTF-8, the text with
// replacement characters under `key` and the exact bytes as `key_base64`.
void put_bytes(nlohmann::json& object, const std::string& key, const std::string& bytes);

}  // namespace casetrail::exporting

#pragma once
// One observation as a record of each export format. The exporter streams
// these; tests call them directly.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/export/attack_lookup.hpp"
#include "core/export/record_context.hpp"

namespace casetrail::exporting {

// jsonl: the JSON form of an observation (observation_to_json, the --json
// contract) with what an export adds so that it reads back losslessly and
// stands on its own: "case", "observed_at_local" and "display_zone" always,
// "fingerprint" (hex, or null), "raw" (with "raw_base64" when it is not valid
// UTF-8; null when absent) and "history" (every change, oldest first).
nlohmann::json jsonl_record(const model::ObservationRecord& r, const RecordContext& context);

// Timesketch (https://timesketch.org/guides/user/import-from-json-csv/): the
// fields it requires, "message", "datetime" (ISO 8601 with an explicit
// offset, here UTC +00:00 with microseconds), "timestamp" (microseconds since
// the epoch) and "timestamp_desc", then "tag" (the status and technique IDs,
// which Timesketch shows as tags), "case", and casetrail's own columns
// (csv::k_columns) as extra fields. Field names never start with "_", which
// Timesketch strips.
const std::vector<std::string_view>& timesketch_columns();
// The CSV fields in timesketch_columns() order, formula-neutralised.
std::vector<std::string> timesketch_cells(const model::ObservationRecord& r,
                                          const RecordContext& context);
// The JSONL record: the same fields, integers as numbers, absent ones left out.
nlohmann::json timesketch_record(const model::ObservationRecord& r, const RecordContext& context);

// ECS 8.11 (https://www.elastic.co/guide/en/ecs/8.11/ecs-field-reference.html):
// @timestamp, message, event.*, host.*, user.*, process.* with
// process.parent.*, the kind's own field sets (source, destination, network,
// dns, file, registry, dll), threat.* for the techniques
// (https://www.elastic.co/guide/en/ecs/8.11/ecs-threat.html: framework
// "MITRE ATT&CK", tactic and technique id/name/reference arrays, sub-techniques
// under threat.technique.subtechnique.*), and under "casetrail" the fields
// ECS has no place for (the time as written, the source's place, status and
// history, exact bytes where ECS text cannot carry them), which casetrail's
// ECS import reads back.
inline constexpr std::string_view k_ecs_version = "8.11.0";
nlohmann::json ecs_document(const model::ObservationRecord& r, const RecordContext& context,
                            const AttackLookup& attack);

}  // namespace casetrail::exporting

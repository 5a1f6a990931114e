#pragma once
// Reading casetrail's own JSON export back (jsonl_record, one per line) into
// an observation to append: the inverse of the export for everything that is
// evidence. Context fields (number, uuid, status, history, analyst, logged
// times, links) describe the observation in the exporting case and are not
// read: an import makes new evidence in the importing case.

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/model/observation.hpp"

namespace casetrail::exporting {

// True when `record` (a JSON object) has the keys only casetrail's own JSON
// export writes together (uuid, observed_at_us, observed_text, time_source,
// host_observed).
bool is_casetrail_record(const nlohmann::json& record);

// The observation `record` describes. Text fields with a "<key>_base64"
// twin are read from the twin (exact bytes); the fingerprint is the exported
// one, else csv::exported_identity(uuid), so that reading the same export
// twice adds nothing. Returns the reason when the record is not one
// ("key kind: unknown kind \"x\"", "key observed_at_us: expected an integer").
Result<model::NewObservation> observation_from_json(const nlohmann::json& record);

// True when `document` is one of casetrail's own ECS documents
// (ecs_document: event.dataset "casetrail.observation" and a "casetrail"
// object holding the observation's uuid and time as written).
bool is_casetrail_ecs(const nlohmann::json& document);

// The observation an ECS document of casetrail's own export describes: the
// ECS fields (host, user, process, event.original) together with the
// "casetrail" object (the time as written, source and place, exact bytes,
// attributes, the techniques as logged), read as observation_from_json
// reads the jsonl export. Returns the reason when the document is not one.
Result<model::NewObservation> observation_from_ecs(const nlohmann::json& document);

}  // namespace casetrail::exporting

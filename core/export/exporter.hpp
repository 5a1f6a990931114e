#pragma once
// `casetrail export`: a case's observations, streamed in one of the formats
// responders hand evidence over in. Deterministic: the same case and options
// give the same bytes (observations by time, ties by number; no "now" in the
// output).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/case_record.hpp"
#include "core/store/database.hpp"
#include "core/store/observation_store.hpp"

namespace date {
class time_zone;
}

namespace casetrail::exporting {

enum class Format { csv, jsonl, timesketch_csv, timesketch_jsonl, ecs, navigator };

// "csv", "jsonl", "timesketch-csv", "timesketch-jsonl", "ecs", "navigator".
std::string_view to_string(Format f);
const std::vector<Format>& all_formats();
// Parses a format name. Throws Error(invalid_input): invalid --format "x":
// expected csv, jsonl, ...
Format parse_format(std::string_view text);
// The file name extension a format is usually given (".csv", ".jsonl",
// ".ndjson", ".json").
std::string_view file_extension(Format f);

struct ExportRequest {
  model::CaseRecord case_record;
  store::ObservationFilter filter;
  Format format = Format::csv;
  const date::time_zone* zone = nullptr;  // display zone; nullptr: UTC
  std::vector<std::string> filters_text;  // as given, for the Navigator layer's description
};

struct ExportSummary {
  std::int64_t observations = 0;
  std::int64_t bytes = 0;
};

// Writes the observations of the request's case that match its filter to
// `out`. Memory stays constant whatever the number of observations (the
// Navigator layer keeps one entry per technique). Throws Error(database), and
// Error(io) when `out` fails.
ExportSummary export_case(const store::Database& db, const ExportRequest& request, std::ostream& out);

}  // namespace casetrail::exporting

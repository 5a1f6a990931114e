#pragma once
// Chain of custody: one import_run row per `casetrail import` of one file,
// with the file's SHA-256, size and path, the analyst and the time. The row
// joins the case's hash chain when it is created; only its finish time and
// counts are written later.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::store {

struct NewImportRun {
  std::string path;    // as given on the command line
  std::string sha256;  // 64 lower-case hex digits of the file's bytes
  std::int64_t size = 0;
  std::string format;  // "sysmon-jsonl", "evtx", ...
  std::string analyst;
  time::UtcTime started_at{};
};

struct ImportRunRecord {
  std::int64_t id = 0;
  std::string path;
  std::string sha256;
  std::int64_t size = 0;
  std::string format;
  std::string analyst;
  time::UtcTime started_at{};
  std::optional<time::UtcTime> finished_at;
  std::optional<std::string> counts;  // JSON object text
};

// Records an import run and chains it, in one IMMEDIATE transaction, before
// any of its observations is appended (they reference its id). Returns the id.
// Throws Error(database).
std::int64_t create_import_run(const Database& db, std::int64_t case_id, const NewImportRun& run);

// Sets the finish time and the counts (JSON object text) of an import run,
// once: Error(conflict) when it is already finished.
void finish_import_run(const Database& db, std::int64_t import_run_id, time::UtcTime finished_at,
                       const std::string& counts_json);

// The import runs of a case, by id.
std::vector<ImportRunRecord> list_import_runs(const Database& db, std::int64_t case_id);

}  // namespace casetrail::store

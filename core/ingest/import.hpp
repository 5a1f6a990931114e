#pragma once
// `casetrail import`: reads files in any supported format, maps each record to
// an observation, and appends them to a case in batches, each batch one
// IMMEDIATE transaction. Streaming: memory does not grow with the file.
//
// Never twice: every observation carries a fingerprint (fingerprint.hpp), and
// a record already in the case is counted, not added again. Never lost: a
// batch is committed whole or not at all, so a killed import leaves whole
// batches; running it again adds exactly what is missing, and links what the
// killed run left unlinked. Bad input: a record that cannot be read or mapped
// is rejected with its place and reason (and copied verbatim to --rejects);
// the rest of the file is still imported.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::ingest {

// Everything `casetrail import` accepts, as given (text); validated by
// import_files().
struct ImportRequest {
  std::string case_key;
  std::vector<std::string> files;
  std::optional<std::string> format;      // --format, else detected per file
  std::optional<std::string> kinds;       // --kinds process,logon,...
  std::vector<std::string> techniques;    // --technique, for every record
  std::vector<std::string> skews;         // --skew SOURCE=DURATION
  std::optional<std::string> source_tz;   // --source-tz ZONE
  std::optional<std::string> host;        // --host
  std::optional<std::string> rejects;     // --rejects FILE
  std::vector<std::string> maps;          // --map column=field
  // Records per transaction: large enough that the fsync of each commit
  // (synchronous=FULL) costs little, small enough that the batches in flight
  // (three: being read, waiting, being written) stay a few tens of MB.
  std::size_t batch_size = 1024;
};

// Who imports, and the clock for logged, started and finished times.
struct ImportActor {
  std::string analyst;
  std::function<time::UtcTime()> now;
};

struct Rejection {
  std::string place;   // "file.jsonl:42"
  std::string reason;  // "invalid UTF-8"
};

struct FileSummary {
  std::string path;    // as given
  std::string format;  // empty when the file could not be opened
  std::optional<std::int64_t> import_run;
  std::string sha256;
  std::int64_t size = 0;
  std::int64_t read = 0;        // records read (blank lines are none)
  std::int64_t imported = 0;    // observations added
  std::map<std::string, std::int64_t> imported_by_kind;
  std::int64_t already_present = 0;
  std::int64_t linked_pairs = 0;  // same-execution pairs newly linked
  std::int64_t skipped = 0;
  std::map<std::string, std::int64_t> skipped_by_source;  // "Security 4656" -> 48
  std::int64_t rejected = 0;
  std::vector<Rejection> rejections;  // the first k_listed_rejections
  std::vector<std::string> warnings;  // clock disagreements, dropped techniques
  std::optional<std::string> error;   // why nothing of the file could be read
};

// How many rejections a summary lists (all of them go to the observer and to
// --rejects).
inline constexpr std::size_t k_listed_rejections = 100;

struct ImportSummary {
  std::string case_key;
  std::vector<FileSummary> files;
  std::vector<std::string> warnings;  // not tied to one file
  enum class Outcome {
    complete,      // nothing rejected
    partial,       // some records (or files) rejected, the rest imported
    nothing_read,  // no file could be read, or every record was rejected
  };
  Outcome outcome() const;
};

struct ImportProgress {
  const std::string& file;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_total = 0;
  std::int64_t records = 0;
};

// Told about each rejected record as it happens, and about progress.
class ImportObserver {
public:
  virtual ~ImportObserver() = default;
  virtual void rejected(const Rejection& /*rejection*/) {}
  virtual void file_failed(const std::string& /*path*/, const std::string& /*message*/) {}
  virtual void progress(const ImportProgress& /*progress*/) {}
};

// Validates the request and imports each file in turn. Throws
// casetrail::Error before anything is written for invalid options (usage:
// no files, a malformed --map or --skew; invalid_input: unknown --kinds,
// --format, --source-tz or technique; not_found: unknown case; io: the
// --rejects file cannot be written), and Error(database) if the database
// fails (batches committed before stay). A file that cannot be read is
// reported in its FileSummary and the import goes on with the next.
ImportSummary import_files(const store::Database& db, const ImportRequest& request,
                           const ImportActor& actor, ImportObserver& observer);

}  // namespace casetrail::ingest

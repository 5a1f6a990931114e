#pragma once
// `casetrail verify`: recomputes a case's hash chain from the records as they
// are now and reports every record that was modified, deleted, inserted or
// reordered behind the tool's back, the projections that disagree with the
// audit trail, and optionally whether a file is one the case imported.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/integrity/chain.hpp"
#include "core/integrity/records.hpp"
#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::integrity {

enum class ProblemType {
  modified,    // a record's content differs from what was chained
  deleted,     // a chained record (or chain link) is gone
  inserted,    // a record no chain link names
  reordered,   // records or links changed places
  rewritten,   // a chain link's hash was replaced, or --head is not in the chain
  projection,  // a projection disagrees with the audit trail
};
std::string_view to_string(ProblemType type);

struct Problem {
  ProblemType type = ProblemType::modified;
  std::optional<RecordKind> kind;
  std::optional<std::int64_t> seq;     // chain position
  std::optional<std::int64_t> number;  // observation number
  std::vector<std::string> fields;     // for modified: the fields that differ
  std::string message;                 // one line for people
};

struct ImportRunMatch {
  std::int64_t import_run = 0;
  std::string path;
  std::string format;
  std::string analyst;
  time::UtcTime started_at{};
};

struct SourceCheck {
  std::string path;
  std::string sha256;
  std::int64_t size = 0;
  std::vector<ImportRunMatch> matches;  // import runs of the case with this SHA-256 and size
};

struct VerifyOptions {
  std::optional<std::string> source;         // --source FILE
  std::optional<std::string> expected_head;  // --head HEX: a head noted earlier
  bool repair = false;                       // --repair: rebuild projections if the chain is intact
};

struct VerifyReport {
  std::string case_key;
  std::int64_t links = 0;
  std::int64_t case_records = 0;
  std::int64_t import_runs = 0;
  std::int64_t observations = 0;
  std::int64_t audits = 0;
  std::vector<Problem> problems;
  std::int64_t head_seq = 0;
  std::optional<Digest> head;  // the stored hash of the last link
  std::optional<std::int64_t> expected_head_seq;  // where --head was found
  std::optional<SourceCheck> source;
  std::int64_t repaired = 0;  // projection rows rebuilt by --repair
  bool source_matches() const { return !source || !source->matches.empty(); }
  bool intact() const { return problems.empty(); }
};

// Verifies the case `case_key`. Throws Error: not_found (case, --source file),
// invalid_input (--head not 64 hex digits), io, database. The report says
// whether it is intact; the caller maps that to the exit status.
VerifyReport verify_case(const store::Database& db, const std::string& case_key,
                         const VerifyOptions& options);

struct FileDigest {
  std::string sha256;  // lower-case hex
  std::int64_t size = 0;
};

// SHA-256 and size of a file, read in blocks. Throws Error(not_found) when
// it cannot be opened, Error(io) on a read error.
FileDigest hash_file(const std::string& path);

}  // namespace casetrail::integrity

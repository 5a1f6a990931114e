#pragma once
// What every command callback gets: the streams, the environment, the global
// options, and helpers to open the database and say who and when.

#include <iosfwd>
#include <optional>
#include <string>

#include "cli/run.hpp"
#include "core/evidence/evidence.hpp"
#include "core/store/database.hpp"

namespace casetrail::cli {

struct Context {
  std::ostream& out;
  std::ostream& err;
  const Environment& env;

  // Global options.
  std::string db_option;
  bool json = false;
  std::string tz_option;
  std::string analyst_option;

  // Exit status a command asks for (0 unless it reports a partial result).
  int exit_status = 0;

  // --db, else CASETRAIL_DB, else ./casetrail.db.
  std::string db_path() const;
  store::Database open_db(store::OpenMode mode = store::OpenMode::create) const;
  // --analyst, else CASETRAIL_ANALYST, else USER / LOGNAME, else "unknown".
  std::string analyst() const;
  time::UtcTime now() const;
  evidence::Actor actor() const { return {analyst(), now()}; }
  // --tz if given.
  std::optional<std::string> tz() const;
  // The --case value, else CASETRAIL_CASE; Error(usage) when neither.
  std::string case_key(const std::string& option) const;

  void warn(const std::string& message) const;
};

}  // namespace casetrail::cli

#include "cli/context.hpp"

#include <ostream>

#include "core/error.hpp"

namespace casetrail::cli {
namespace {

std::optional<std::string> variable(const Environment& env, const std::string& name) {
  auto it = env.variables.find(name);
  if (it == env.variables.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string Context::db_path() const {
  if (!db_option.empty()) return db_option;
  if (auto v = variable(env, "CASETRAIL_DB")) return *v;
  return "casetrail.db";
}

store::Database Context::open_db(store::OpenMode mode) const {
  return store::Database::open(db_path(), mode);
}

std::string Context::analyst() const {
  if (!analyst_option.empty()) return analyst_option;
  for (const char* name : {"CASETRAIL_ANALYST", "USER", "LOGNAME"}) {
    if (auto v = variable(env, name)) return *v;
  }
  return "unknown";
}

time::UtcTime Context::now() const {
  if (env.clock) return env.clock();
  return std::chrono::time_point_cast<time::Micros>(std::chrono::system_clock::now());
}

std::optional<std::string> Context::tz() const {
  if (tz_option.empty()) return std::nullopt;
  return tz_option;
}

std::string Context::case_key(const std::string& option) const {
  if (!option.empty()) return option;
  if (auto v = variable(env, "CASETRAIL_CASE")) return *v;
  throw Error(ErrorCode::usage, "missing --case (or set CASETRAIL_CASE)");
}

void Context::warn(const std::string& message) const {
  err << "casetrail: warning: " << message << '\n';
}

}  // namespace casetrail::cli

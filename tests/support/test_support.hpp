#pragma once
// Helpers shared by the tests: temporary directories, the CLI run in process
// with captured streams, and the shared datasets (skipped when missing, except
// under CI=true where a missing file fails the run).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace casetrail::test {

// A fresh temporary directory, removed with everything in it on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

struct CliResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Runs `casetrail ARGS...` in process. `env` replaces the process environment
// for the variables casetrail reads (CASETRAIL_DB, CASETRAIL_ANALYST,
// CASETRAIL_CASE, USER); the clock is fixed at `now_utc_us` unless nullopt.
struct CliOptions {
  std::map<std::string, std::string> env = {{"CASETRAIL_ANALYST", "tester"}};
  std::optional<long long> now_utc_us = 1764511200000000LL;  // 2025-11-30T14:00:00Z
  std::string stdin_data;
};
CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options = {});

// Writes bytes to a file (binary, exact).
void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);

// Path of a file under ../shared/ beside the source tree, or nullopt when
// the shared folder is missing (the caller then SKIPs; under CI=true this
// fails the test instead).
std::optional<std::filesystem::path> shared_file(const std::string& relative);

// The built casetrail executable, for tests that need a separate process
// (concurrency, crashes). Empty when it cannot be found.
std::filesystem::path casetrail_binary();

}  // namespace casetrail::test

// Use in a TEST_CASE: resolves a shared file or skips (fails under CI=true).
#define CASETRAIL_SHARED_FILE(var, relative)                                        \
  auto var##_opt = ::casetrail::test::shared_file(relative);                       \
  if (!var##_opt) {                                                                \
    WARN("shared file " << (relative) << " is missing: test skipped");            \
    return;                                                                        \
  }                                                                                \
  const std::filesystem::path var = *var##_opt

#pragma once
// Running the built casetrail executable as a separate process, for the tests
// that need real processes: several writers at once, and processes killed
// with SIGKILL part way through.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace casetrail::test {

// Starts `program args...` with posix_spawn, stdin from /dev/null and stdout
// and stderr to `output` (or /dev/null when empty), with `env` added to a
// minimal environment. Returns the pid; throws std::runtime_error on failure.
pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, const std::string& output = {});

// Waits for `pid`; returns its exit status, or 128 + signal when killed.
int wait_for(pid_t pid);

}  // namespace casetrail::test

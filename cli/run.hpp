#pragma once
// The casetrail command line: parses arguments with CLI11, calls core, renders.
// cli/main.cpp only calls run(); tests call it in process with their own
// streams, environment and clock.

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "core/time/time.hpp"

namespace casetrail::cli {

// What the process would take from the outside world, made explicit so that
// tests hand in their own.
struct Environment {
  // Variables casetrail reads: CASETRAIL_DB, CASETRAIL_ANALYST, CASETRAIL_CASE,
  // USER / LOGNAME.
  std::map<std::string, std::string> variables;
  // "Now", for logged times and audit records.
  std::function<time::UtcTime()> clock;
  // Standard input, for commands that read it ("-" as a file).
  std::istream* in = nullptr;
  // Whether stderr is a terminal (progress lines only then).
  bool err_is_terminal = false;

  // The real process environment, system clock, std::cin.
  static Environment from_process();
};

// Runs one command line (args without the program name). Returns the exit
// status: 0 ok, 1 error, 2 usage, 3 partial import, 4 failed verify.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Environment& env);

// The process entry point: argv to run() with the process environment.
int run(int argc, char** argv);

}  // namespace casetrail::cli

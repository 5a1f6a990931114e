#include "cli/commands/commands.hpp"

namespace casetrail::cli {

void setup_report_command(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace casetrail::cli

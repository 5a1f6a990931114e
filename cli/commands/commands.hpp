#pragma once
// One file per noun: setup_<noun>_commands adds its subcommands to the app.

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace casetrail::cli {

void setup_case_commands(CLI::App& app, Context& ctx);
void setup_log_command(CLI::App& app, Context& ctx);
void setup_obs_commands(CLI::App& app, Context& ctx);
void setup_db_commands(CLI::App& app, Context& ctx);
void setup_attack_commands(CLI::App& app, Context& ctx);
void setup_import_command(CLI::App& app, Context& ctx);
// correlate, tree and timeline.
void setup_correlate_commands(CLI::App& app, Context& ctx);
void setup_verify_command(CLI::App& app, Context& ctx);
// obs correct, note, tag (cli/commands/obs_amend.cpp), under the obs noun.
void setup_obs_amend_commands(CLI::App* obs, Context& ctx);

}  // namespace casetrail::cli

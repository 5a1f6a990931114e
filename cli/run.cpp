#include "cli/run.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/error.hpp"

extern char** environ;

namespace casetrail::cli {
namespace {

int exit_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::usage: return 2;
    case ErrorCode::partial: return 3;
    case ErrorCode::integrity: return 4;
    case ErrorCode::invalid_input:
    case ErrorCode::not_found:
    case ErrorCode::conflict:
    case ErrorCode::database:
    case ErrorCode::io: return 1;
  }
  return 1;
}

}  // namespace

Environment Environment::from_process() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env.variables[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  env.in = &std::cin;
  env.err_is_terminal = isatty(STDERR_FILENO) == 1;
  return env;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Environment& env) {
  CLI::App app{"casetrail: an investigation case logger for incident responders", "casetrail"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "casetrail 0.1.0");
  Context ctx{out, err, env};
  app.add_option("--db", ctx.db_option, "Case database file (default: CASETRAIL_DB, else ./casetrail.db)");
  app.add_flag("--json", ctx.json, "Print JSON for scripts");
  app.add_option("--tz", ctx.tz_option, "Display time zone (IANA name), default the case's zone or UTC");
  app.add_option("--analyst", ctx.analyst_option, "Who acts (default: CASETRAIL_ANALYST, else the login name)");
  // Global options may also follow the subcommand.
  app.fallthrough();

  setup_case_commands(app, ctx);
  setup_log_command(app, ctx);
  setup_obs_commands(app, ctx);
  setup_db_commands(app, ctx);
  setup_attack_commands(app, ctx);
  setup_import_command(app, ctx);
  setup_correlate_commands(app, ctx);
  setup_verify_command(app, ctx);

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    return ctx.exit_status;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << "casetrail: error: " << e.what() << "\nRun 'casetrail --help' for usage.\n";
    return 2;
  } catch (const Error& e) {
    err << "casetrail: error: " << e.what() << '\n';
    return exit_status_for(e.code());
  } catch (const std::bad_alloc&) {
    err << "casetrail: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    // A bug or an untranslated library error: still one line and a failure.
    err << "casetrail: error: internal error: " << e.what() << '\n';
    return 1;
  }
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const Environment env = Environment::from_process();
  return run(args, std::cout, std::cerr, env);
}

}  // namespace casetrail::cli

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unistd.h>

#include "cli/commands/commands.hpp"
#include "cli/commands/output_file.hpp"
#include "core/error.hpp"
#include "core/export/exporter.hpp"
#include "core/store/case_store.hpp"

namespace casetrail::cli {
namespace {

struct ExportOptions {
  std::string case_key;
  std::string format;
  std::string output;
  evidence::FilterInput filter;
  std::vector<std::string> filters_text;
};

}  // namespace

void setup_export_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ExportOptions>();
  std::string formats;
  for (auto f : exporting::all_formats()) formats += (formats.empty() ? "" : "|") + std::string(exporting::to_string(f));
  auto* cmd = app.add_subcommand(
      "export", "Write the case's observations as " + formats +
                    " (time order; the same case gives the same bytes)");
  cmd->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  cmd->add_option("--format", opts->format, formats)->required();
  cmd->add_option("-o,--output", opts->output, "Write to FILE instead of standard output");
  auto filter = [cmd, opts](const std::string& name, std::optional<std::string> evidence::FilterInput::*target,
                            const std::string& help) {
    cmd->add_option_function<std::string>(
        name,
        [opts, name, target](const std::string& v) {
          opts->filter.*target = v;
          opts->filters_text.push_back(name + " " + v);
        },
        help);
  };
  filter("--from", &evidence::FilterInput::from, "From this time (inclusive)");
  filter("--to", &evidence::FilterInput::to, "To this time (inclusive)");
  filter("--host", &evidence::FilterInput::host, "Host (any spelling; compared canonically)");
  filter("--account", &evidence::FilterInput::account, "Account (any spelling; compared canonically)");
  filter("--technique", &evidence::FilterInput::technique,
         "Technique ID (a parent ID includes its sub-techniques)");
  filter("--status", &evidence::FilterInput::status, "unverified, verified, benign, false-positive");
  filter("--kind", &evidence::FilterInput::kind, "Observation kind");

  cmd->callback([&ctx, opts] {
    const auto format = exporting::parse_format(opts->format);
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto c = store::require_case(db, ctx.case_key(opts->case_key));
    opts->filter.tz = ctx.tz();
    std::vector<std::string> warnings;
    exporting::ExportRequest request;
    request.filter = evidence::make_filter(db, c, opts->filter, warnings);
    for (const auto& w : warnings) ctx.warn(w);
    request.case_record = c;
    request.format = format;
    request.zone = evidence::display_zone(&c, ctx.tz());
    request.filters_text = opts->filters_text;

    if (opts->output.empty()) {
      exporting::export_case(db, request, ctx.out);
      return;
    }
    OutputFile file(opts->output);
    const auto summary = exporting::export_case(db, request, file.stream());
    file.commit();
    if (ctx.json) {
      ctx.out << nlohmann::json{{"case", c.key},
                                {"format", exporting::to_string(format)},
                                {"file", opts->output},
                                {"observations", summary.observations},
                                {"bytes", summary.bytes}}
                     .dump(2)
              << '\n';
    } else {
      ctx.out << "wrote " << summary.observations << " observation"
              << (summary.observations == 1 ? "" : "s") << " of " << c.key << " as "
              << exporting::to_string(format) << " to " << opts->output << " (" << summary.bytes
              << " bytes)\n";
    }
  });
}

}  // namespace casetrail::cli

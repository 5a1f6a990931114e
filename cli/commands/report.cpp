#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/commands/output_file.hpp"
#include "core/report/report.hpp"

namespace casetrail::cli {
namespace {

struct ReportOptions {
  std::string case_key;
  std::string format;
  std::string output;
  std::optional<std::string> since;
};

}  // namespace

void setup_report_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand(
      "report", "Write the case's handoff report (md or html) and record that it was issued");
  cmd->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  cmd->add_option("--format", opts->format, "md or html")->required();
  cmd->add_option("-o,--output", opts->output, "Write to FILE instead of standard output");
  cmd->add_option_function<std::string>(
      "--since", [opts](const std::string& v) { opts->since = v; },
      "\"last\" (since the previous report) or a time: list only what was logged or changed since");

  cmd->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    report::ReportRequest request;
    request.case_key = ctx.case_key(opts->case_key);
    request.format = opts->format;
    request.since = opts->since;
    request.tz = ctx.tz();
    request.analyst = ctx.analyst();
    request.now = ctx.now();
    const auto issued = report::build_report(db, request);

    if (opts->output.empty()) {
      ctx.out << issued.text;
      ctx.out.flush();
      if (!ctx.out) throw Error(ErrorCode::io, "cannot write the report: output failed");
      report::record_issue(db, issued);
      return;
    }
    OutputFile file(opts->output);
    file.stream() << issued.text;
    file.commit();
    const auto id = report::record_issue(db, issued);
    if (ctx.json) {
      ctx.out << nlohmann::json{{"case", issued.model.case_record.key},
                                {"format", report::to_string(issued.model.format)},
                                {"file", opts->output},
                                {"report_id", id},
                                {"observations", issued.model.observations},
                                {"bytes", issued.text.size()},
                                {"sha256", issued.issue.sha256}}
                     .dump(2)
              << '\n';
    } else {
      ctx.out << "wrote the " << report::to_string(issued.model.format) << " report of "
              << issued.model.case_record.key << " (" << issued.model.observations
              << " observations, " << issued.text.size() << " bytes) to " << opts->output << "\n";
    }
  });
}

}  // namespace casetrail::cli

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "core/evidence/evidence.hpp"

namespace casetrail::cli {
namespace {

// Adds an option whose presence matters (an empty value is still given).
void opt(CLI::App* cmd, const std::string& name, std::optional<std::string>& target,
         const std::string& help) {
  cmd->add_option_function<std::string>(
      name, [&target](const std::string& v) { target = v; }, help);
}

}  // namespace

void setup_log_command(CLI::App& app, Context& ctx) {
  auto input = std::make_shared<evidence::LogInput>();
  auto case_option = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("log", "Log one observation; prints its number (#7)");
  cmd->add_option("--case", *case_option, "Case key (default: CASETRAIL_CASE)");
  auto& in = *input;
  opt(cmd, "--time", in.time,
      "When it happened: ISO 8601 with Z or offset, @epoch[ms|us], or local time with --tz");
  opt(cmd, "--tz", in.tz, "IANA zone for a --time without offset (default: the case's zone)");
  opt(cmd, "--ambiguous", in.ambiguous, "earliest|latest: resolve a time a DST change repeats");
  opt(cmd, "--host", in.host, "Host as observed (required)");
  opt(cmd, "--platform", in.platform, "Host platform: windows, linux, macos, ...");
  opt(cmd, "--account", in.account, "Account as observed: CORP\\alice, alice@corp.local");
  opt(cmd, "--sid", in.sid, "SID or uid of the account");
  opt(cmd, "--kind", in.kind,
      "process (default), logon, network, file, registry, dns, image_load, email, web, note");
  cmd->add_option("--technique", in.techniques, "ATT&CK technique ID (repeatable)");
  opt(cmd, "--cmd", in.cmd, "Exact command line");
  opt(cmd, "--cmd-file", in.cmd_file, "File whose bytes are the exact command line");
  opt(cmd, "--image", in.image, "Process image path");
  opt(cmd, "--pid", in.pid, "Process id (decimal or 0x hex)");
  opt(cmd, "--guid", in.guid, "Process GUID / entity id");
  opt(cmd, "--parent-image", in.parent_image, "Parent image path");
  opt(cmd, "--parent-cmd", in.parent_cmd, "Parent command line");
  opt(cmd, "--parent-pid", in.parent_pid, "Parent process id");
  opt(cmd, "--parent-guid", in.parent_guid, "Parent process GUID");
  opt(cmd, "--cwd", in.cwd, "Working directory");
  opt(cmd, "--logon-id", in.logon_id, "Logon id (0x hex or decimal)");
  opt(cmd, "--integrity-level", in.integrity_level, "Integrity level");
  opt(cmd, "--hashes", in.hashes, "Image hashes as the source states them");
  cmd->add_option("--attr", in.attrs, "Kind-specific key=value (repeatable)");
  opt(cmd, "--source", in.source, "Telemetry source: Sysmon 1, Security 4688, EDR, manual");
  opt(cmd, "--source-ref", in.source_ref, "Where in the source: file, record number, line");
  opt(cmd, "--note", in.note, "Free text");
  cmd->callback([&ctx, input, case_option] {
    input->case_key = ctx.case_key(*case_option);
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto result = evidence::log_observation(db, *input, ctx.actor());
    for (const auto& w : result.warnings) ctx.warn(w);
    if (ctx.json) {
      ctx.out << nlohmann::json{{"case", input->case_key},
                                {"number", result.number},
                                {"uuid", result.uuid}}
                     .dump(2)
              << '\n';
    } else {
      ctx.out << '#' << result.number << '\n';
    }
  });
}

}  // namespace casetrail::cli

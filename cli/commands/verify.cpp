#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "cli/render/table.hpp"
#include "core/error.hpp"
#include "core/integrity/verify.hpp"

namespace casetrail::cli {
namespace {

struct VerifyOptions {
  std::string case_key;
  std::string source;
  std::string head;
  bool repair = false;
};

nlohmann::json to_json(const integrity::VerifyReport& r) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.problems) {
    problems.push_back({{"type", integrity::to_string(p.type)},
                        {"kind", p.kind ? nlohmann::json(integrity::to_string(*p.kind)) : nullptr},
                        {"chain_record", p.seq ? nlohmann::json(*p.seq) : nullptr},
                        {"number", p.number ? nlohmann::json(*p.number) : nullptr},
                        {"fields", p.fields},
                        {"message", p.message}});
  }
  nlohmann::json j;
  j["case"] = r.case_key;
  j["intact"] = r.intact();
  j["chain_records"] = r.links;
  j["case_records"] = r.case_records;
  j["import_runs"] = r.import_runs;
  j["observations"] = r.observations;
  j["audit_records"] = r.audits;
  j["problems"] = std::move(problems);
  j["repaired"] = r.repaired;
  if (r.source) {
    nlohmann::json matches = nlohmann::json::array();
    for (const auto& m : r.source->matches) {
      matches.push_back({{"import_run", m.import_run},
                         {"path", m.path},
                         {"format", m.format},
                         {"analyst", m.analyst},
                         {"started_at", time::format_utc(m.started_at)}});
    }
    j["source"] = {{"path", r.source->path},
                   {"sha256", r.source->sha256},
                   {"size", r.source->size},
                   {"matches", std::move(matches)}};
  }
  j["expected_head_chain_record"] =
      r.expected_head_seq ? nlohmann::json(*r.expected_head_seq) : nullptr;
  j["head"] = {{"chain_record", r.head_seq},
               {"hash", r.head ? nlohmann::json(integrity::to_hex(*r.head)) : nullptr}};
  return j;
}

void print(std::ostream& out, const integrity::VerifyReport& r) {
  out << "case " << r.case_key << ": " << r.links << " chain records (" << r.case_records
      << " case, " << r.import_runs << " import runs, " << r.observations << " observations, "
      << r.audits << " audit records)\n";
  for (const auto& p : r.problems) out << integrity::to_string(p.type) << ": " << p.message << '\n';
  if (r.repaired > 0) {
    out << "repaired: " << r.repaired << " projection rows rebuilt from the audit trail\n";
  }
  if (r.source) {
    out << "source " << printable(r.source->path) << ": sha256 " << r.source->sha256 << ", "
        << r.source->size << " bytes: ";
    if (r.source->matches.empty()) {
      out << "matches no import run of case " << r.case_key << '\n';
    } else {
      for (std::size_t i = 0; i < r.source->matches.size(); ++i) {
        const auto& m = r.source->matches[i];
        out << (i ? "; " : "matches ") << "import run " << m.import_run << " ("
            << printable(m.path) << ", " << m.format << ", " << time::format_utc(m.started_at)
            << " by " << printable(m.analyst) << ")";
      }
      out << '\n';
    }
  }
  if (r.expected_head_seq) {
    out << "head given with --head is chain record " << *r.expected_head_seq << '\n';
  }
  out << (r.intact() ? "intact" : "NOT INTACT: " + std::to_string(r.problems.size()) + " problems")
      << '\n';
  out << "chain head: " << r.head_seq << ' ' << (r.head ? integrity::to_hex(*r.head) : "-") << '\n';
}

}  // namespace

void setup_verify_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand(
      "verify", "Recompute a case's hash chain and report every record changed behind casetrail's "
                "back; exit 4 when it does not verify");
  cmd->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  cmd->add_option("--source", opts->source,
                  "Also re-hash FILE and say whether it is a file this case imported");
  cmd->add_option("--head", opts->head,
                  "A chain head noted earlier (64 hex digits): check the chain still contains it");
  cmd->add_flag("--repair", opts->repair,
                "Rebuild the status and technique projections from the audit trail (only when "
                "the chain verifies)");
  cmd->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    integrity::VerifyOptions options;
    if (!opts->source.empty()) options.source = opts->source;
    if (!opts->head.empty()) options.expected_head = opts->head;
    options.repair = opts->repair;
    const auto report = integrity::verify_case(db, ctx.case_key(opts->case_key), options);
    if (ctx.json) {
      ctx.out << to_json(report).dump(2) << '\n';
    } else {
      print(ctx.out, report);
    }
    if (!report.intact()) {
      throw Error(ErrorCode::integrity, "case " + report.case_key + " does not verify: " +
                                            std::to_string(report.problems.size()) + " problems");
    }
    if (!report.source_matches()) {
      throw Error(ErrorCode::integrity, "--source " + quote(report.source->path, 200) +
                                            " is not a file case " + report.case_key +
                                            " imported");
    }
  });
}

}  // namespace casetrail::cli

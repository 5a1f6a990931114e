#include <algorithm>
#include <date/tz.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "cli/render/cells.hpp"
#include "cli/render/table.hpp"
#include "cli/render/techniques.hpp"
#include "core/attack/platform.hpp"
#include "core/error.hpp"
#include "core/export/observation_json.hpp"
#include "core/model/corrections.hpp"
#include "core/store/case_store.hpp"
#include "core/store/observation_store.hpp"

namespace casetrail::cli {
namespace {

struct ObsOptions {
  std::string case_key;
  evidence::FilterInput filter;
  std::string ref;
  std::string status;
  std::string reason;
};

void filter_options(CLI::App* cmd, evidence::FilterInput& f) {
  auto opt = [cmd](const std::string& name, std::optional<std::string>& target,
                   const std::string& help) {
    cmd->add_option_function<std::string>(name, [&target](const std::string& v) { target = v; },
                                          help);
  };
  opt("--from", f.from, "From this time (inclusive)");
  opt("--to", f.to, "To this time (inclusive)");
  opt("--host", f.host, "Host (any spelling; compared canonically)");
  opt("--account", f.account, "Account (any spelling; compared canonically)");
  opt("--technique", f.technique, "Technique ID (a parent ID includes its sub-techniques)");
  opt("--status", f.status, "unverified, verified, benign, false-positive");
  opt("--kind", f.kind, "Observation kind");
}

std::string summary_cell(const model::ObservationRecord& r) {
  if (r.process && r.process->command_line) return printable(*r.process->command_line, 100);
  if (r.process && r.process->image) return printable(*r.process->image, 100);
  if (r.note) return printable(*r.note, 100);
  return "-";
}

void print_observation(std::ostream& out, const model::ObservationRecord& r,
                       const date::time_zone* zone) {
  auto line = [&](const char* label, const std::string& value) {
    out << label << std::string(18 - std::string(label).size(), ' ') << value << '\n';
  };
  // A correction is shown right under the logged value it corrects; the
  // logged value stays as it was (docs/INTEGRITY.md).
  const auto corrections = model::corrections(r);
  auto corrected = [&](std::string_view key) -> const model::Correction* {
    for (const auto& c : corrections) {
      if (c.field == key) return &c;
    }
    return nullptr;
  };
  auto correction_line = [&](std::string_view key) {
    if (const auto* c = corrected(key)) {
      line("  corrected", printable(c->value) + " (" + time::format_utc(c->at) + " by " +
                              printable(c->analyst) +
                              (c->reason ? ": " + printable(*c->reason) : "") + ")");
    }
  };
  // A field printed when logged or corrected, followed by its correction.
  auto field = [&](const char* label, std::string_view key, const std::optional<std::string>& value) {
    if (!value && !corrected(key)) return;
    line(label, value ? *value : "-");
    correction_line(key);
  };
  auto text = [](const std::optional<std::string>& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    return printable(*v);
  };
  auto number = [](const std::optional<std::int64_t>& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    return std::to_string(*v);
  };
  line("number", "#" + std::to_string(r.number));
  line("uuid", r.uuid);
  field("kind", "kind", std::string(model::to_string(r.kind)));
  line("status", std::string(model::to_string(r.status)));
  line("observed at", time::format_utc(r.observed_at));
  if (zone) line("observed (local)", time::format_in_zone(r.observed_at, zone));
  line("observed as", printable(r.observed_text) + " (offset " +
                          time::format_with_offset(r.observed_at, r.observed_offset).substr(26) +
                          (r.time_zone ? ", zone " + *r.time_zone : "") + ")");
  correction_line("observed_at");
  line("time source", r.time_source);
  if (r.skew) line("skew corrected", time::format_offset(*r.skew));
  field("host", "host",
        r.host + (r.host_observed != r.host ? " (as " + printable(r.host_observed) + ")" : "") +
            (r.host_platform ? ", " + *r.host_platform : ""));
  if (r.account) {
    line("account", printable(*r.account) +
                        (r.account_observed && *r.account_observed != *r.account
                             ? " (as " + printable(*r.account_observed) + ")"
                             : "") +
                        (r.account_sid ? ", " + printable(*r.account_sid) : ""));
    correction_line("account");
  } else {
    field("account", "account", std::nullopt);
  }
  for (const auto& t : r.techniques) {
    line("technique", technique_text(t));
    if (t.outside_host_platform) {
      line("platform note", t.id + " is not listed for " + r.host_platform.value_or("-") +
                                " (ATT&CK: " + attack::join_platforms(t.platforms) + ")");
    }
  }
  const model::ProcessDetails none;
  const auto& p = r.process ? *r.process : none;
  field("image", "image", text(p.image));
  field("command line", "command_line", text(p.command_line));
  if (p.args) {
    std::string args;
    for (const auto& a : *p.args) args += (args.empty() ? "" : " ") + quote(a, 200);
    line("arguments", args + (p.args_source ? " (" + *p.args_source + ")" : ""));
  }
  field("pid", "pid", number(p.pid));
  field("process guid", "process_guid", p.guid);
  field("parent image", "parent_image", text(p.parent_image));
  field("parent command", "parent_command_line", text(p.parent_command_line));
  field("parent pid", "parent_pid", number(p.parent_pid));
  field("parent guid", "parent_process_guid", p.parent_guid);
  field("cwd", "cwd", text(p.cwd));
  field("logon id", "logon_id", p.logon_id);
  field("integrity level", "integrity_level", p.integrity_level);
  field("hashes", "hashes", text(p.hashes));
  if (r.attrs_json) {
    for (const auto& [k, v] : nlohmann::json::parse(*r.attrs_json).items()) {
      line(("attr " + k).substr(0, 17).c_str(),
           printable(v.is_string() ? v.get<std::string>() : v.dump()));
    }
  }
  line("source", r.source + (r.source_ref ? " (" + printable(*r.source_ref) + ")" : ""));
  correction_line("source");
  correction_line("source_ref");
  line("logged", time::format_utc(r.logged_at) + " by " + printable(r.analyst));
  field("note", "note", text(r.note));
  for (const auto& n : model::added_notes(r)) {
    line("note added", printable(*n.new_value) + " (" + time::format_utc(n.at) + " by " +
                           printable(n.analyst) + (n.reason ? ": " + printable(*n.reason) : "") +
                           ")");
  }
  for (const auto& e : r.history) {
    std::string entry = time::format_utc(e.at) + " " + printable(e.analyst) + ": " + e.action;
    if (e.field && *e.field != e.action) entry += " " + *e.field;
    entry += " " + printable(e.old_value.value_or("-")) + " -> " + printable(e.new_value.value_or("-"));
    if (e.reason) entry += " (" + printable(*e.reason) + ")";
    line("history", entry);
  }
}

}  // namespace

void setup_obs_commands(CLI::App& app, Context& ctx) {
  auto* noun = app.add_subcommand("obs", "List, show, mark, correct, note and tag observations");
  noun->require_subcommand(1);
  auto opts = std::make_shared<ObsOptions>();

  auto* list = noun->add_subcommand("list", "Observations in time order");
  list->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  filter_options(list, opts->filter);
  list->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto c = store::require_case(db, ctx.case_key(opts->case_key));
    opts->filter.tz = ctx.tz();
    std::vector<std::string> warnings;
    const auto filter = evidence::make_filter(db, c, opts->filter, warnings);
    for (const auto& w : warnings) ctx.warn(w);
    const auto* zone = evidence::display_zone(&c, ctx.tz());
    if (ctx.json) {
      // Streamed: one element at a time, so a million rows need no array in memory.
      ctx.out << "[";
      bool first = true;
      store::for_each_observation(db, c.id, filter, [&](const model::ObservationRecord& r) {
        ctx.out << (first ? "\n" : ",\n") << exporting::observation_to_json(r, zone).dump();
        first = false;
      });
      ctx.out << (first ? "]\n" : "\n]\n");
      return;
    }
    // A column for linked observations (the same execution seen by two
    // sources) only when the listing has any.
    Table table({"#", time_header(zone), "KIND", "STATUS", "HOST", "ACCOUNT", "TECHNIQUES",
                 "SAME EXECUTION AS", "WHAT"});
    store::for_each_observation(db, c.id, filter, [&](const model::ObservationRecord& r) {
      table.add({std::to_string(r.number), time_cell(r.observed_at, zone),
                 std::string(model::to_string(r.kind)), std::string(model::to_string(r.status)),
                 r.host, printable(r.account.value_or("-"), 40), techniques_cell(r.techniques),
                 same_execution_cell(r.same_execution_as), summary_cell(r)});
    });
    table.drop_column_if_blank(7);
    table.print(ctx.out);
  });

  auto* show = noun->add_subcommand("show", "One observation with every field and its history");
  show->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  show->add_option("ref", opts->ref, "Observation number (42 or #42)")->required();
  show->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto c = store::require_case(db, ctx.case_key(opts->case_key));
    const auto number = evidence::parse_observation_ref("observation", opts->ref);
    const auto r = store::require_observation(db, c.id, c.key, number);
    const auto* zone = evidence::display_zone(&c, ctx.tz());
    if (ctx.json) {
      ctx.out << exporting::observation_to_json(r, zone).dump(2) << '\n';
    } else {
      print_observation(ctx.out, r, zone);
    }
  });

  auto* mark = noun->add_subcommand("mark", "Set the status: verified, benign, false-positive, unverified");
  mark->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  mark->add_option("ref", opts->ref, "Observation number")->required();
  mark->add_option("status", opts->status, "verified|benign|false-positive|unverified")->required();
  mark->add_option("--reason", opts->reason, "Why (required)");
  mark->callback([&ctx, opts] {
    if (opts->reason.empty()) throw Error(ErrorCode::usage, "missing --reason: say why the status changes");
    const auto status = model::parse_status(opts->status);
    if (!status) {
      throw invalid_value("status", opts->status,
                          "expected verified, benign, false-positive or unverified");
    }
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto c = store::require_case(db, ctx.case_key(opts->case_key));
    const auto number = evidence::parse_observation_ref("observation", opts->ref);
    const auto previous = store::change_status(db, c.id, c.key, number, *status, opts->reason,
                                               ctx.analyst(), ctx.now());
    if (ctx.json) {
      ctx.out << nlohmann::json{{"number", number},
                                {"old", model::to_string(previous)},
                                {"new", model::to_string(*status)}}
                     .dump(2)
              << '\n';
    } else {
      ctx.out << '#' << number << ' ' << model::to_string(previous) << " -> "
              << model::to_string(*status) << '\n';
    }
  });

  setup_obs_amend_commands(noun, ctx);
}

}  // namespace casetrail::cli

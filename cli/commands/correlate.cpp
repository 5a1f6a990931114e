// correlate, tree and timeline: what came before and after an observation,
// the process lineage around it, and activity grouped into bursts.

#include <date/tz.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "cli/render/cells.hpp"
#include "cli/render/table.hpp"
#include "cli/render/techniques.hpp"
#include "core/correlate/bursts.hpp"
#include "core/correlate/correlation.hpp"
#include "core/correlate/lineage.hpp"
#include "core/correlate/process_tree.hpp"
#include "core/error.hpp"
#include "core/export/observation_json.hpp"
#include "core/store/case_store.hpp"
#include "core/store/observation_store.hpp"

namespace casetrail::cli {
namespace {

// Adds an option whose presence matters (an empty value is still given).
void opt(CLI::App* cmd, const std::string& name, std::optional<std::string>& target,
         const std::string& help) {
  cmd->add_option_function<std::string>(
      name, [&target](const std::string& v) { target = v; }, help);
}

nlohmann::json time_json(time::UtcTime t, const date::time_zone* zone) {
  return zone ? nlohmann::json(time::format_in_zone(t, zone)) : nlohmann::json(nullptr);
}

nlohmann::json techniques_json(const std::vector<model::TechniqueRef>& techniques) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& t : techniques) {
    array.push_back({{"id", t.id},
                     {"name", t.name ? nlohmann::json(*t.name) : nlohmann::json(nullptr)},
                     {"tactics", t.tactics}});
  }
  return array;
}

// What a row is about, in one cell: the command line, else the image, else
// for a logon its session and type, else the note.
std::string what_cell(const model::ObservationRecord& r) {
  if (r.process && r.process->command_line) return printable(*r.process->command_line, 100);
  if (r.process && r.process->image) return printable(*r.process->image, 100);
  if (r.kind == model::Kind::logon) {
    std::string text = "logon";
    if (r.attrs_json) {
      const auto attrs = nlohmann::json::parse(*r.attrs_json);
      auto attr = [&](const char* key) -> std::optional<std::string> {
        auto it = attrs.find(key);
        if (it == attrs.end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
      };
      if (auto e = attr("event")) text = *e;
      if (r.process && r.process->logon_id) text += " " + *r.process->logon_id;
      if (auto type = attr("logon_type")) text += " type " + *type;
      if (auto from = attr("source_address")) text += " from " + *from;
    } else if (r.process && r.process->logon_id) {
      text += " " + *r.process->logon_id;
    }
    return printable(text, 100);
  }
  if (r.note) return printable(*r.note, 100);
  return "-";
}

std::string relation_cell(correlate::Relation r) {
  return r == correlate::Relation::same_time ? "same time" : std::string(correlate::to_string(r));
}

std::string reasons_cell(const std::vector<correlate::Reason>& reasons) {
  std::string s;
  for (const auto& r : reasons) s += (s.empty() ? "" : ", ") + r.text();
  return s.empty() ? "-" : printable(s);
}

nlohmann::json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json optional_json(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json result_json(const correlate::Result& r, const date::time_zone* zone) {
  nlohmann::json j;
  if (r.observation) {
    const auto& o = *r.observation;
    j["number"] = o.number;
    j["synthetic"] = nullptr;
    j["observed_at"] = time::format_utc(o.observed_at);
    j["observed_at_us"] = o.observed_at.time_since_epoch().count();
    if (zone) j["observed_at_local"] = time_json(o.observed_at, zone);
    j["offset"] = time::format_offset(*r.offset);
    j["offset_us"] = r.offset->count();
    j["kind"] = model::to_string(o.kind);
    j["status"] = model::to_string(o.status);
    j["host"] = o.host;
    j["account"] = optional_json(o.account);
    j["source"] = o.source;
    j["techniques"] = techniques_json(o.techniques);
    j["image"] = o.process ? optional_json(o.process->image) : nlohmann::json(nullptr);
    j["pid"] = o.process ? optional_json(o.process->pid) : nlohmann::json(nullptr);
    j["process_guid"] = o.process ? optional_json(o.process->guid) : nlohmann::json(nullptr);
    j["logon_id"] = o.process ? optional_json(o.process->logon_id) : nlohmann::json(nullptr);
    if (o.process && o.process->command_line) {
      exporting::put_bytes(j, "command_line", *o.process->command_line);
    } else {
      j["command_line"] = nullptr;
    }
    j["note"] = optional_json(o.note);
  } else {
    const auto& s = *r.synthetic;
    j["number"] = nullptr;
    j["synthetic"] = s.description;
    j["observed_at"] = nullptr;
    j["observed_at_us"] = nullptr;
    j["offset"] = nullptr;
    j["offset_us"] = nullptr;
    j["kind"] = "process";
    j["status"] = nullptr;
    j["host"] = s.host;
    j["account"] = nullptr;
    j["source"] = nullptr;
    j["techniques"] = nlohmann::json::array();
    j["image"] = optional_json(s.image);
    j["pid"] = optional_json(s.pid);
    j["process_guid"] = optional_json(s.guid);
    j["logon_id"] = nullptr;
    if (s.command_line) {
      exporting::put_bytes(j, "command_line", *s.command_line);
    } else {
      j["command_line"] = nullptr;
    }
    j["known_from"] = optional_json(s.known_from);
  }
  j["relation"] = correlate::to_string(r.relation);
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& reason : r.reasons) {
    nlohmann::json rj{{"type", correlate::to_string(reason.type)}, {"text", reason.text()}};
    if (reason.number) rj["number"] = *reason.number;
    if (reason.via) rj["via"] = *reason.via;
    if (!reason.detail.empty()) rj["detail"] = reason.detail;
    reasons.push_back(std::move(rj));
  }
  j["reasons"] = std::move(reasons);
  j["hop"] = r.hop ? nlohmann::json(*r.hop) : nlohmann::json(nullptr);
  j["path"] = r.path;
  return j;
}

void print_correlation(const Context& ctx, const correlate::Correlation& c,
                       const date::time_zone* zone) {
  std::string scopes;
  for (auto s : c.scopes)
    scopes += (scopes.empty() ? "" : ",") + std::string(correlate::to_string(s));
  if (ctx.json) {
    nlohmann::json j;
    j["case"] = c.case_record.key;
    nlohmann::json anchor;
    anchor["number"] = c.anchor.observation ? nlohmann::json(c.anchor.observation->number)
                                            : nlohmann::json(nullptr);
    anchor["at"] = time::format_utc(c.anchor.at);
    if (zone) anchor["at_local"] = time_json(c.anchor.at, zone);
    anchor["host"] = optional_json(c.anchor.host);
    anchor["account"] = optional_json(c.anchor.account);
    anchor["logon_id"] = optional_json(c.anchor.logon_id);
    j["anchor"] = std::move(anchor);
    j["window"] = {{"from", time::format_utc(c.from)},
                   {"to", time::format_utc(c.to)},
                   {"before", time::format_duration(c.before)},
                   {"after", time::format_duration(c.after)}};
    j["scopes"] = nlohmann::json::array();
    for (auto s : c.scopes) j["scopes"].push_back(correlate::to_string(s));
    j["hops"] = c.hops;
    j["total"] = c.total;
    j["shown"] = c.results.size();
    j["not_shown"] = c.not_shown;
    j["not_followed"] = c.not_followed;
    nlohmann::json results = nlohmann::json::array();
    for (const auto& r : c.results) results.push_back(result_json(r, zone));
    j["results"] = std::move(results);
    ctx.out << j.dump(2) << '\n';
    return;
  }
  std::string anchor =
      c.anchor.observation ? "#" + std::to_string(c.anchor.observation->number) + " at " : "at ";
  anchor += time_cell(c.anchor.at, zone);
  if (c.anchor.host) anchor += " on " + *c.anchor.host;
  if (c.anchor.account) anchor += " by " + printable(*c.anchor.account);
  if (c.anchor.logon_id) anchor += ", session " + *c.anchor.logon_id;
  ctx.out << "anchor  " << anchor << '\n'
          << "window  " << time_cell(c.from, zone) << " to " << time_cell(c.to, zone) << " ("
          << time::format_duration(c.before) << " before, " << time::format_duration(c.after)
          << " after)\n"
          << "scope   " << scopes;
  if (c.hops > 0) ctx.out << ", " << c.hops << (c.hops == 1 ? " hop" : " hops");
  ctx.out << "\n\n";
  Table table({"#", time_header(zone), "OFFSET", "WHEN", "KIND", "STATUS", "HOST", "ACCOUNT",
               "TECHNIQUES", "REASONS", "WHAT"});
  for (const auto& r : c.results) {
    if (r.observation) {
      const auto& o = *r.observation;
      table.add({std::to_string(o.number), time_cell(o.observed_at, zone),
                 time::format_offset(*r.offset), relation_cell(r.relation),
                 std::string(model::to_string(o.kind)), std::string(model::to_string(o.status)),
                 printable(o.host, 40), printable(o.account.value_or("-"), 40),
                 techniques_cell(o.techniques), reasons_cell(r.reasons), what_cell(o)});
    } else {
      const auto& s = *r.synthetic;
      table.add({"-", "-", "-", relation_cell(r.relation), "process", "-", printable(s.host, 40),
                 "-", "-", reasons_cell(r.reasons), printable(s.description, 100)});
    }
  }
  table.print(ctx.out);
  ctx.out << '\n';
  if (c.not_shown > 0) {
    ctx.out << c.results.size() << " of " << c.total << " results shown: " << c.not_shown
            << " more not shown (raise --limit)\n";
  } else {
    ctx.out << c.total << (c.total == 1 ? " result\n" : " results\n");
  }
  if (!c.not_followed.empty()) {
    std::string names;
    for (const auto& n : c.not_followed) names += (names.empty() ? "" : ", ") + printable(n);
    ctx.out << "not followed by --hops (a different identity on every host): " << names << '\n';
  }
}

std::string tree_numbers(const correlate::TreeNode& n) {
  std::string s;
  for (const auto& o : n.observations) s += (s.empty() ? "#" : "+#") + std::to_string(o.number);
  return s;
}

void print_tree(const Context& ctx, const correlate::ProcessTree& tree,
                const date::time_zone* zone) {
  if (ctx.json) {
    // Nested: each node holds its children.
    std::vector<nlohmann::json> nodes;
    for (const auto& n : tree.nodes) {
      nlohmann::json j;
      nlohmann::json numbers = nlohmann::json::array();
      std::vector<model::TechniqueRef> techniques;
      for (const auto& o : n.observations) {
        numbers.push_back(o.number);
        for (const auto& t : o.techniques) {
          if (std::none_of(techniques.begin(), techniques.end(),
                           [&](const auto& x) { return x.id == t.id; })) {
            techniques.push_back(t);
          }
        }
      }
      j["numbers"] = std::move(numbers);
      j["synthetic"] = optional_json(n.synthetic);
      j["started_at"] =
          n.started_at ? nlohmann::json(time::format_utc(*n.started_at)) : nlohmann::json(nullptr);
      if (zone) {
        j["started_at_local"] =
            n.started_at ? time_json(*n.started_at, zone) : nlohmann::json(nullptr);
      }
      j["pid"] = optional_json(n.pid);
      j["process_guid"] = optional_json(n.guid);
      j["image"] = optional_json(n.image);
      if (n.command_line) {
        exporting::put_bytes(j, "command_line", *n.command_line);
      } else {
        j["command_line"] = nullptr;
      }
      j["techniques"] = techniques_json(techniques);
      j["generation"] = n.generation;
      j["anchor"] = n.anchor;
      j["children"] = nlohmann::json::array();
      nodes.push_back(std::move(j));
    }
    // Children come after their parent: attach from the last one backwards.
    for (std::size_t i = tree.nodes.size(); i-- > 1;) {
      const auto parent = static_cast<std::size_t>(*tree.nodes[i].parent);
      auto& siblings = nodes[parent]["children"];
      siblings.insert(siblings.begin(), std::move(nodes[i]));
    }
    ctx.out << nlohmann::json{{"anchor", tree.anchor_number}, {"root", std::move(nodes.front())}}
                   .dump(2)
            << '\n';
    return;
  }
  for (const auto& n : tree.nodes) {
    std::string line(static_cast<std::size_t>(n.depth) * 2, ' ');
    if (n.synthetic && n.observations.empty()) {
      line += printable(*n.synthetic);
      if (n.command_line) line += "  " + printable(*n.command_line, 120);
      ctx.out << line << '\n';
      continue;
    }
    line += tree_numbers(n);
    line += "  " + (n.started_at ? time_cell(*n.started_at, zone)
                                 : time_cell(n.observations.front().observed_at, zone));
    line += "  pid " + (n.pid ? std::to_string(*n.pid) : std::string("?"));
    line += "  " + (n.image ? printable(correlate::image_file_name(*n.image)) : std::string("?"));
    line += "  " + (n.command_line ? printable(*n.command_line, 120) : std::string("-"));
    std::vector<model::TechniqueRef> techniques;
    for (const auto& o : n.observations) {
      for (const auto& t : o.techniques) {
        if (std::none_of(techniques.begin(), techniques.end(),
                         [&](const auto& x) { return x.id == t.id; })) {
          techniques.push_back(t);
        }
      }
    }
    if (!techniques.empty()) line += "  " + techniques_cell(techniques);
    if (n.synthetic) line += "  (" + printable(*n.synthetic) + ")";
    if (n.anchor) line += "  <= #" + std::to_string(tree.anchor_number);
    ctx.out << line << '\n';
  }
}

void print_bursts(const Context& ctx, const correlate::Bursts& b, const date::time_zone* zone) {
  const bool by_host = b.by == correlate::BurstBy::host;
  if (ctx.json) {
    nlohmann::json bursts = nlohmann::json::array();
    for (const auto& burst : b.bursts) {
      nlohmann::json j;
      j[by_host ? "host" : "account"] = burst.key;
      j["first"] = time::format_utc(burst.first);
      j["last"] = time::format_utc(burst.last);
      if (zone) {
        j["first_local"] = time_json(burst.first, zone);
        j["last_local"] = time_json(burst.last, zone);
      }
      j["first_number"] = burst.first_number;
      j["last_number"] = burst.last_number;
      j["duration"] = time::format_duration(burst.duration());
      j["duration_us"] = burst.duration().count();
      j["count"] = burst.count;
      j["verified"] = burst.verified;
      j[by_host ? "accounts" : "hosts"] = burst.others;
      nlohmann::json kinds = nlohmann::json::object();
      for (const auto& [k, n] : burst.kinds) kinds[k] = n;
      j["kinds"] = std::move(kinds);
      nlohmann::json techniques = nlohmann::json::array();
      for (const auto& [id, n] : burst.techniques) techniques.push_back({{"id", id}, {"count", n}});
      j["techniques"] = std::move(techniques);
      j["tactics"] = burst.tactics;
      bursts.push_back(std::move(j));
    }
    ctx.out << nlohmann::json{{"by", correlate::to_string(b.by)},
                              {"gap", time::format_duration(b.gap)},
                              {"bursts", std::move(bursts)}}
                   .dump(2)
            << '\n';
    return;
  }
  auto list = [](const std::vector<std::pair<std::string, std::int64_t>>& items) {
    std::string s;
    for (const auto& [name, n] : items) {
      s += (s.empty() ? "" : ", ") + name + (n > 1 ? " x" + std::to_string(n) : "");
    }
    return s.empty() ? "-" : s;
  };
  auto names = [](const std::vector<std::string>& items) {
    std::string s;
    for (const auto& n : items) s += (s.empty() ? "" : ", ") + n;
    return s.empty() ? "-" : printable(s, 60);
  };
  const std::string first = zone ? "FIRST (" + std::string(zone->name()) + ")" : "FIRST (UTC)";
  Table table({by_host ? "HOST" : "ACCOUNT", first, "LAST", "DURATION", "COUNT", "VERIFIED",
               by_host ? "ACCOUNTS" : "HOSTS", "KINDS", "TECHNIQUES", "TACTICS"});
  for (const auto& burst : b.bursts) {
    table.add({printable(burst.key, 40), time_cell(burst.first, zone), time_cell(burst.last, zone),
               time::format_duration(burst.duration()), std::to_string(burst.count),
               std::to_string(burst.verified), names(burst.others), list(burst.kinds),
               list(burst.techniques), names(burst.tactics)});
  }
  table.print(ctx.out);
  ctx.out << '\n'
          << b.bursts.size() << (b.bursts.size() == 1 ? " burst" : " bursts")
          << " (a quiet gap over " << time::format_duration(b.gap) << " starts a new one)\n";
}

struct TimelineOptions {
  std::string case_key;
  evidence::FilterInput filter;
  bool bursts = false;
  std::optional<std::string> gap;
  std::optional<std::string> by;
};

void print_plain_timeline(const Context& ctx, const store::Database& db, const model::CaseRecord& c,
                          const store::ObservationFilter& filter, const date::time_zone* zone) {
  if (ctx.json) {
    ctx.out << "[";
    bool first = true;
    store::for_each_observation(db, c.id, filter, [&](const model::ObservationRecord& r) {
      ctx.out << (first ? "\n" : ",\n") << exporting::observation_to_json(r, zone).dump();
      first = false;
    });
    ctx.out << (first ? "]\n" : "\n]\n");
    return;
  }
  // As obs list: a column for the same execution seen by two sources (Sysmon
  // 1 and Security 4688) only when the timeline has any.
  Table table({"#", time_header(zone), "KIND", "STATUS", "HOST", "ACCOUNT", "TECHNIQUES",
               "SAME EXECUTION AS", "WHAT"});
  store::for_each_observation(db, c.id, filter, [&](const model::ObservationRecord& r) {
    table.add({std::to_string(r.number), time_cell(r.observed_at, zone),
               std::string(model::to_string(r.kind)), std::string(model::to_string(r.status)),
               printable(r.host, 40), printable(r.account.value_or("-"), 40),
               techniques_cell(r.techniques), same_execution_cell(r.same_execution_as),
               what_cell(r)});
  });
  table.drop_column_if_blank(7);
  table.print(ctx.out);
}

}  // namespace

void setup_correlate_commands(CLI::App& app, Context& ctx) {
  auto input = std::make_shared<correlate::CorrelateInput>();
  auto case_option = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "correlate",
      "What came before and after an observation: on its host, by its account, in its logon "
      "session, in its process lineage, or in the whole case");
  cmd->add_option("--case", *case_option, "Case key (default: CASETRAIL_CASE)");
  cmd->add_option_function<std::string>(
      "ref", [input](const std::string& v) { input->ref = v; },
      "Anchor observation number (42 or #42); or use --at");
  auto& in = *input;
  opt(cmd, "--at", in.at,
      "Anchor on a time instead (ISO 8601, or local time in --tz / the case's zone), with "
      "--host and/or --account");
  opt(cmd, "--host", in.host, "With --at: the anchor's host");
  opt(cmd, "--account", in.account, "With --at: the anchor's account");
  opt(cmd, "--before", in.before,
      std::string("Window start before the anchor: 90s, 15m, 2h30m, 3d (default ") +
          correlate::k_default_before + ")");
  opt(cmd, "--after", in.after,
      std::string("Window end after the anchor (default ") + correlate::k_default_after +
          "); the window is inclusive and never capped");
  opt(cmd, "--scope", in.scope,
      "host, account, session (same logon id on the host, with the logon that opened it), "
      "lineage (ancestors and descendants of the anchor's process, any time), case; several "
      "with commas (default: host,account, those the anchor has)");
  opt(cmd, "--hops", in.hops,
      "Pivot N levels (0-10): accounts seen on the anchor's host in the window, then the hosts "
      "they touched, then their accounts...; built-ins such as NT AUTHORITY\\SYSTEM are not "
      "followed (default 0)");
  opt(cmd, "--limit", in.limit, "Show at most N results and say how many more there are");
  cmd->callback([&ctx, input, case_option] {
    input->case_key = ctx.case_key(*case_option);
    input->tz = ctx.tz();
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto result = correlate::correlate(db, *input);
    print_correlation(ctx, result, evidence::display_zone(&result.case_record, ctx.tz()));
  });

  auto tree_case = std::make_shared<std::string>();
  auto tree_ref = std::make_shared<std::string>();
  auto* tree = app.add_subcommand(
      "tree",
      "The process lineage around an observation, from the topmost ancestor found to "
      "every descendant");
  tree->add_option("--case", *tree_case, "Case key (default: CASETRAIL_CASE)");
  tree->add_option("ref", *tree_ref, "Observation number (42 or #42)")->required();
  tree->callback([&ctx, tree_case, tree_ref] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto key = ctx.case_key(*tree_case);
    const auto result = correlate::process_tree(db, key, *tree_ref);
    const auto c = store::require_case(db, key);
    print_tree(ctx, result, evidence::display_zone(&c, ctx.tz()));
  });

  auto timeline_opts = std::make_shared<TimelineOptions>();
  auto* timeline = app.add_subcommand(
      "timeline",
      "Observations in time order, or grouped into bursts of activity per host or "
      "account");
  timeline->add_option("--case", timeline_opts->case_key, "Case key (default: CASETRAIL_CASE)");
  auto& f = timeline_opts->filter;
  opt(timeline, "--from", f.from, "From this time (inclusive)");
  opt(timeline, "--to", f.to, "To this time (inclusive)");
  opt(timeline, "--host", f.host, "Host (any spelling; compared canonically)");
  opt(timeline, "--account", f.account, "Account (any spelling; compared canonically)");
  opt(timeline, "--technique", f.technique,
      "Technique ID (a parent ID includes its sub-techniques)");
  opt(timeline, "--status", f.status, "unverified, verified, benign, false-positive");
  opt(timeline, "--kind", f.kind, "Observation kind");
  timeline->add_flag("--bursts", timeline_opts->bursts,
                     "Group into bursts: a quiet gap longer than --gap starts a new one");
  opt(timeline, "--gap", timeline_opts->gap,
      std::string("With --bursts: the quiet gap that separates bursts (default ") +
          correlate::k_default_gap + ")");
  opt(timeline, "--by", timeline_opts->by, "With --bursts: host (default) or account");
  timeline->callback([&ctx, timeline_opts] {
    if (!timeline_opts->bursts && (timeline_opts->gap || timeline_opts->by)) {
      throw Error(ErrorCode::usage, "--gap and --by go with --bursts");
    }
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto key = ctx.case_key(timeline_opts->case_key);
    timeline_opts->filter.tz = ctx.tz();
    if (timeline_opts->bursts) {
      correlate::BurstInput burst_input{key, timeline_opts->filter, timeline_opts->gap,
                                        timeline_opts->by};
      const auto bursts = correlate::find_bursts(db, burst_input);
      const auto c = store::require_case(db, key);
      print_bursts(ctx, bursts, evidence::display_zone(&c, ctx.tz()));
      return;
    }
    const auto c = store::require_case(db, key);
    const auto filter = evidence::make_filter(c, timeline_opts->filter);
    print_plain_timeline(ctx, db, c, filter, evidence::display_zone(&c, ctx.tz()));
  });
}

}  // namespace casetrail::cli

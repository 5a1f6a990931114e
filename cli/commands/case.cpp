#include <date/tz.h>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "cli/render/table.hpp"
#include "core/correlate/case_summary.hpp"
#include "core/error.hpp"
#include "core/export/observation_json.hpp"
#include "core/store/case_store.hpp"

namespace casetrail::cli {
namespace {

struct CaseOptions {
  std::string key;
  std::string title;
  std::string severity = "medium";
  std::string tz;
  std::string lead;
  std::string reason;
};

void print_case(const Context& ctx, const model::CaseRecord& c) {
  if (ctx.json) {
    ctx.out << exporting::case_to_json(c).dump(2) << '\n';
    return;
  }
  ctx.out << "case      " << c.key << '\n'
          << "title     " << printable(c.title) << '\n'
          << "severity  " << model::to_string(c.severity) << '\n'
          << "status    " << model::to_string(c.status) << '\n'
          << "lead      " << printable(c.lead.value_or("-")) << '\n'
          << "time zone " << c.time_zone.value_or("UTC") << '\n'
          << "created   " << time::format_utc(c.created_at) << " by " << printable(c.created_by)
          << '\n';
  if (c.closed_at) ctx.out << "closed    " << time::format_utc(*c.closed_at) << '\n';
}

std::string summary_time(time::UtcTime t, const date::time_zone* zone) {
  return zone ? time::format_in_zone(t, zone) : time::format_utc(t);
}

nlohmann::json span_json(const correlate::SeenSpan& s, const char* key_name,
                         const date::time_zone* zone) {
  nlohmann::json j;
  if (key_name) j[key_name] = s.key;
  j["first_seen"] = time::format_utc(s.first);
  j["last_seen"] = time::format_utc(s.last);
  if (zone) {
    j["first_seen_local"] = time::format_in_zone(s.first, zone);
    j["last_seen_local"] = time::format_in_zone(s.last, zone);
  }
  j["dwell"] = time::format_duration(s.dwell());
  j["dwell_us"] = s.dwell().count();
  j["observations"] = s.count;
  j["verified"] = s.verified;
  j["unverified"] = s.unverified;
  return j;
}

nlohmann::json summary_json(const correlate::CaseSummary& s, const date::time_zone* zone) {
  nlohmann::json j;
  j["evidence"] = s.all ? span_json(*s.all, nullptr, zone) : nlohmann::json(nullptr);
  j["excluded"] = s.excluded;
  for (const auto& [name, key, spans] :
       {std::tuple{"hosts", "host", &s.hosts}, std::tuple{"accounts", "account", &s.accounts},
        std::tuple{"techniques", "technique", &s.techniques}}) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& span : *spans) array.push_back(span_json(span, key, zone));
    j[name] = std::move(array);
  }
  return j;
}

// The summary under the case's fields: first/last seen and dwell time for
// the case, then per host and account (ranked by verified evidence) and per
// technique (by first seen).
void print_summary(const Context& ctx, const correlate::CaseSummary& s,
                   const date::time_zone* zone) {
  if (!s.all) {
    ctx.out << "evidence  none yet";
    if (s.excluded > 0) ctx.out << " (" << s.excluded << " benign or false-positive left out)";
    ctx.out << '\n';
    return;
  }
  ctx.out << "evidence  " << s.all->count << (s.all->count == 1 ? " observation" : " observations")
          << " (" << s.all->verified << " verified, " << s.all->unverified << " unverified";
  if (s.excluded > 0) ctx.out << "; " << s.excluded << " benign or false-positive left out";
  ctx.out << ")\n"
          << "first     " << summary_time(s.all->first, zone) << '\n'
          << "last      " << summary_time(s.all->last, zone) << '\n'
          << "dwell     " << time::format_duration(s.all->dwell()) << '\n';
  for (const auto& [title, spans] :
       {std::pair{"HOST", &s.hosts}, std::pair{"ACCOUNT", &s.accounts},
        std::pair{"TECHNIQUE", &s.techniques}}) {
    if (spans->empty()) continue;
    ctx.out << '\n';
    Table table({title, "VERIFIED", "OBSERVATIONS", "FIRST SEEN", "LAST SEEN", "DWELL"});
    for (const auto& span : *spans) {
      table.add({printable(span.key, 40), std::to_string(span.verified), std::to_string(span.count),
                 summary_time(span.first, zone), summary_time(span.last, zone),
                 time::format_duration(span.dwell())});
    }
    table.print(ctx.out);
  }
}

}  // namespace

void setup_case_commands(CLI::App& app, Context& ctx) {
  auto* noun = app.add_subcommand("case", "Create, list, show, close and reopen cases");
  noun->require_subcommand(1);
  auto opts = std::make_shared<CaseOptions>();

  auto* create = noun->add_subcommand("new", "Create a case");
  create->add_option("key", opts->key, "Case key, e.g. IR-2026-014")->required();
  create->add_option("--title", opts->title, "Title")->required();
  create->add_option("--severity", opts->severity, "low|medium|high|critical (default medium)");
  create->add_option("--tz", opts->tz, "Display time zone (IANA name), also for local times");
  create->add_option("--lead", opts->lead, "Lead analyst");
  create->callback([&ctx, opts] {
    if (opts->key.empty()) throw invalid_value("key", opts->key, "empty");
    for (unsigned char c : opts->key) {
      if (c <= 0x20 || c == 0x7f) {
        throw invalid_value("key", opts->key, "no spaces or control characters");
      }
    }
    store::NewCase c;
    c.key = opts->key;
    c.title = opts->title;
    auto severity = model::parse_severity(opts->severity);
    if (!severity) {
      throw invalid_value("--severity", opts->severity, "expected low, medium, high or critical");
    }
    c.severity = *severity;
    if (!opts->tz.empty()) {
      auto zone = time::find_zone(opts->tz);
      if (!zone) throw invalid_value("--tz", opts->tz, zone.error());
      c.time_zone = opts->tz;
    }
    if (!opts->lead.empty()) c.lead = opts->lead;
    c.created_by = ctx.analyst();
    c.created_at = ctx.now();
    const auto db = ctx.open_db();
    const auto created = store::create_case(db, c);
    if (ctx.json) {
      print_case(ctx, created);
    } else {
      ctx.out << "created case " << created.key << '\n';
    }
  });

  auto* list = noun->add_subcommand("list", "List cases");
  list->callback([&ctx] {
    const auto db = ctx.open_db();
    const auto cases = store::list_cases(db);
    if (ctx.json) {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& c : cases) array.push_back(exporting::case_to_json(c));
      ctx.out << array.dump(2) << '\n';
      return;
    }
    Table table({"KEY", "STATUS", "SEVERITY", "CREATED", "TITLE"});
    for (const auto& c : cases) {
      table.add({c.key, std::string(model::to_string(c.status)),
                 std::string(model::to_string(c.severity)), time::format_utc(c.created_at),
                 printable(c.title, 60)});
    }
    table.print(ctx.out);
  });

  auto* show = noun->add_subcommand("show", "Show a case");
  show->add_option("key", opts->key, "Case key (default: CASETRAIL_CASE)");
  show->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    const auto c = store::require_case(db, ctx.case_key(opts->key));
    const auto summary = correlate::summarize_case(db, c.id);
    const auto* zone = evidence::display_zone(&c, ctx.tz());
    if (ctx.json) {
      auto j = exporting::case_to_json(c);
      j["summary"] = summary_json(summary, zone);
      ctx.out << j.dump(2) << '\n';
      return;
    }
    print_case(ctx, c);
    print_summary(ctx, summary, zone);
  });

  for (const auto& [verb, status, help] :
       {std::tuple{"close", model::CaseStatus::closed, "Close a case"},
        std::tuple{"reopen", model::CaseStatus::open, "Reopen a closed case"},
        std::tuple{"contain", model::CaseStatus::contained, "Mark a case contained"}}) {
    auto* sub = noun->add_subcommand(verb, help);
    sub->add_option("key", opts->key, "Case key (default: CASETRAIL_CASE)");
    sub->add_option("--reason", opts->reason, "Why");
    const auto target = status;
    sub->callback([&ctx, opts, target] {
      const auto db = ctx.open_db(store::OpenMode::existing);
      const auto c = store::set_case_status(
          db, ctx.case_key(opts->key), target, ctx.analyst(), ctx.now(),
          opts->reason.empty() ? std::nullopt : std::optional<std::string>(opts->reason));
      if (ctx.json) {
        print_case(ctx, c);
      } else {
        ctx.out << "case " << c.key << " is " << model::to_string(c.status) << '\n';
      }
    });
  }
}

}  // namespace casetrail::cli

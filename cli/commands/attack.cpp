#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli/commands/commands.hpp"
#include "cli/render/table.hpp"
#include "core/attack/catalogue.hpp"
#include "core/attack/platform.hpp"
#include "core/attack/stix_reader.hpp"
#include "core/error.hpp"
#include "core/store/attack_store.hpp"

namespace casetrail::cli {
namespace {

struct AttackOptions {
  std::string file;
  std::string attack_version;
  std::string id;
  std::vector<std::string> text;
};

using nlohmann::json;

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

std::string version_source_text(model::AttackVersionSource s) {
  switch (s) {
    case model::AttackVersionSource::collection: return "collection";
    case model::AttackVersionSource::option: return "option";
    case model::AttackVersionSource::unknown: return "unknown";
  }
  return "unknown";
}

json status_json(const model::AttackStatus& s) {
  return {{"release", attack::release_label(s.release)},
          {"version", s.release.version},
          {"version_source", version_source_text(s.release.version_source)},
          {"spec_version", s.release.spec_version},
          {"file", s.release.file_name},
          {"file_size", s.release.file_size},
          {"sha256", s.release.sha256},
          {"newest_modified", time::format_utc(s.release.newest_modified)},
          {"imported_at", time::format_utc(s.imported_at)},
          {"imported_by", s.imported_by},
          {"counts",
           {{"techniques", s.techniques},
            {"sub_techniques", s.sub_techniques},
            {"active", s.active},
            {"revoked", s.revoked},
            {"deprecated", s.deprecated},
            {"tactics", s.tactics},
            {"log_sources", s.log_sources}}}};
}

void line(std::ostream& out, const std::string& label, const std::string& value) {
  out << label << std::string(label.size() < 18 ? 18 - label.size() : 1, ' ') << value << '\n';
}

void print_status(std::ostream& out, const model::AttackStatus& s) {
  std::string release = attack::release_label(s.release);
  if (s.release.version_source == model::AttackVersionSource::collection) {
    release += " (from the file's x-mitre-collection)";
  } else if (s.release.version_source == model::AttackVersionSource::option) {
    release += " (from --attack-version)";
  }
  line(out, "release", release);
  line(out, "file",
       printable(s.release.file_name) + " (" + std::to_string(s.release.file_size) +
           " bytes, STIX " + s.release.spec_version + ")");
  line(out, "sha256", s.release.sha256);
  line(out, "newest modified", time::format_utc(s.release.newest_modified));
  line(out, "imported", time::format_utc(s.imported_at) + " by " + printable(s.imported_by));
  line(out, "techniques",
       std::to_string(s.techniques) + " (" + std::to_string(s.sub_techniques) +
           (s.sub_techniques == 1 ? " sub-technique): " : " sub-techniques): ") +
           std::to_string(s.active) + " active, " + std::to_string(s.revoked) + " revoked, " +
           std::to_string(s.deprecated) + " deprecated");
  line(out, "tactics", std::to_string(s.tactics));
  line(out, "log sources", std::to_string(s.log_sources));
}

std::string status_word(bool revoked, bool deprecated) {
  return revoked ? "revoked" : deprecated ? "deprecated" : "active";
}

json ref_json(const model::AttackTechniqueRef& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"tactics", r.tactics},
          {"status", status_word(r.revoked, r.deprecated)}};
}

json tactic_json(const model::AttackTactic& t) {
  return {{"id", t.id}, {"shortname", t.shortname}, {"name", t.name}, {"order", t.order}};
}

// Log sources grouped by data component: {component, [name, channel]...}.
struct SourceGroup {
  std::string title;
  const model::AttackLogSource* first = nullptr;
  std::vector<const model::AttackLogSource*> sources;
};

std::vector<SourceGroup> group_sources(const std::vector<model::AttackLogSource>& sources) {
  std::vector<SourceGroup> groups;
  for (const auto& s : sources) {
    const bool same = !groups.empty() &&
                      groups.back().first->data_component_id == s.data_component_id &&
                      groups.back().first->data_component == s.data_component &&
                      groups.back().first->data_source == s.data_source;
    if (!same) {
      SourceGroup g;
      g.first = &s;
      if (s.data_component_id) g.title = *s.data_component_id + " ";
      if (s.data_source) g.title += *s.data_source + ": ";
      g.title += s.data_component;
      groups.push_back(std::move(g));
    }
    if (s.name || s.channel) groups.back().sources.push_back(&s);
  }
  return groups;
}

json technique_json(const model::AttackTechniqueDetails& d) {
  const model::AttackTechnique& t = d.technique;
  json tactics = json::array();
  for (const auto& ta : d.tactics) tactics.push_back(tactic_json(ta));
  json subs = json::array();
  for (const auto& s : d.sub_techniques) subs.push_back(ref_json(s));
  json replacements = json::array();
  for (const auto& r : d.replacements) replacements.push_back(ref_json(r));
  json sources = json::array();
  for (const auto& g : group_sources(t.log_sources)) {
    json entries = json::array();
    for (const auto* s : g.sources) {
      entries.push_back({{"name", optional_json(s->name)}, {"channel", optional_json(s->channel)}});
    }
    sources.push_back({{"data_component_id", optional_json(g.first->data_component_id)},
                       {"data_component", g.first->data_component},
                       {"data_source", optional_json(g.first->data_source)},
                       {"sources", std::move(entries)}});
  }
  return {{"kind", t.parent_id ? "sub-technique" : "technique"},
          {"id", t.id},
          {"name", t.name},
          {"status", status_word(t.revoked, t.deprecated)},
          {"revoked", t.revoked},
          {"deprecated", t.deprecated},
          {"replaced_by", std::move(replacements)},
          {"tactics", std::move(tactics)},
          {"platforms", t.platforms},
          {"parent", d.parent ? ref_json(*d.parent) : json(nullptr)},
          {"sub_techniques", std::move(subs)},
          {"version", optional_json(t.version)},
          {"modified", t.modified ? json(time::format_utc(*t.modified)) : json(nullptr)},
          {"release", d.release},
          {"stix_id", t.stix_id},
          {"log_sources", std::move(sources)},
          {"description", t.description}};
}

void print_indented(std::ostream& out, const std::string& text) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.empty()) {
      out << '\n';
    } else {
      out << "  " << printable(l) << '\n';
    }
  }
}

void print_technique(std::ostream& out, const model::AttackTechniqueDetails& d) {
  const model::AttackTechnique& t = d.technique;
  line(out, t.parent_id ? "sub-technique" : "technique", t.id + " " + printable(t.name));
  std::string status = status_word(t.revoked, t.deprecated);
  for (std::size_t i = 0; i < d.replacements.size(); ++i) {
    status += (i == 0 ? ": replaced by " : ", itself replaced by ") + d.replacements[i].id + " " +
              printable(d.replacements[i].name);
  }
  line(out, "status", status);
  for (const auto& ta : d.tactics)
    line(out, "tactic", ta.id + " " + ta.name + " (" + ta.shortname + ")");
  line(out, "platforms", t.platforms.empty() ? "-" : attack::join_platforms(t.platforms));
  if (d.parent) line(out, "parent", d.parent->id + " " + printable(d.parent->name));
  for (const auto& s : d.sub_techniques) {
    std::string text = s.id + " " + printable(s.name);
    if (s.revoked || s.deprecated) text += " (" + status_word(s.revoked, s.deprecated) + ")";
    line(out, "sub-technique", text);
  }
  line(out, "version", t.version.value_or("-"));
  line(out, "modified", t.modified ? time::format_utc(*t.modified) : "-");
  line(out, "release", "ATT&CK " + d.release);
  const auto groups = group_sources(t.log_sources);
  if (!groups.empty()) {
    out << "log sources\n";
    std::size_t width = 0;
    for (const auto& g : groups) {
      for (const auto* s : g.sources)
        width = std::max(width, printable(s->name.value_or("-")).size());
    }
    for (const auto& g : groups) {
      out << "  " << printable(g.title) << '\n';
      for (const auto* s : g.sources) {
        const std::string name = printable(s->name.value_or("-"));
        out << "    " << name << std::string(width - name.size() + 2, ' ')
            << printable(s->channel.value_or("-")) << '\n';
      }
    }
  }
  if (!t.description.empty()) {
    out << "description\n";
    print_indented(out, t.description);
  }
}

void print_tactic(std::ostream& out, const attack::TacticDetails& d, std::size_t tactic_count) {
  line(out, "tactic", d.tactic.id + " " + d.tactic.name);
  line(out, "shortname", d.tactic.shortname);
  line(out, "order", std::to_string(d.tactic.order) + " of " + std::to_string(tactic_count));
  line(out, "release", d.release ? "ATT&CK " + *d.release : "built in (no catalogue imported)");
  if (!d.tactic.description.empty()) {
    out << "description\n";
    print_indented(out, d.tactic.description);
  }
  if (!d.techniques.empty()) {
    out << "techniques\n";
    Table table({"  ID", "NAME", "STATUS"});
    for (const auto& t : d.techniques) {
      table.add({"  " + t.id, printable(t.name), status_word(t.revoked, t.deprecated)});
    }
    std::ostringstream rendered;
    table.print(rendered);
    // Without the header line: the section title says what follows.
    const std::string text = rendered.str();
    out << text.substr(text.find('\n') + 1);
  }
}

}  // namespace

void setup_attack_commands(CLI::App& app, Context& ctx) {
  auto* noun = app.add_subcommand("attack", "The ATT&CK catalogue: import, status, show, search");
  noun->require_subcommand(1);
  auto opts = std::make_shared<AttackOptions>();

  auto* import = noun->add_subcommand(
      "import",
      "Import a MITRE ATT&CK STIX bundle (enterprise-attack.json), replacing the catalogue");
  import->add_option("file", opts->file, "STIX 2.0 or 2.1 bundle")->required();
  import->add_option("--attack-version", opts->attack_version,
                     "Release of a file that does not say (the STIX 2.0 form), e.g. 18.1");
  import->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::create);
  const std::optional<std::string> version =
      opts->attack_version.empty() ? std::nullopt : std::optional(opts->attack_version);
  const auto result = attack::import_catalogue(db, opts->file, version, ctx.analyst(), ctx.now());
  for (const auto& w : result.warnings) ctx.warn(w);
  if (ctx.json) {
    json j = status_json(result.status);
    j["replaced"] = result.replaced ? status_json(*result.replaced) : json(nullptr);
    ctx.out << j.dump(2) << '\n';
    return;
  }
  ctx.out << "imported ATT&CK " << attack::release_label(result.status.release) << '\n';
  print_status(ctx.out, result.status);
  if (result.replaced) {
    line(ctx.out, "replaced",
         "ATT&CK " + attack::release_label(result.replaced->release) + " (imported " +
             time::format_utc(result.replaced->imported_at) + " by " +
             printable(result.replaced->imported_by) + ")");
  }
});

noun->add_subcommand("status", "The imported release, its counts and when it was imported")
    ->callback([&ctx] {
      const auto db = ctx.open_db(store::OpenMode::existing);
      const auto status = store::attack_status(db);
      const std::size_t builtin = attack::tactics_in_order(db).size();
      if (ctx.json) {
        ctx.out << (status ? status_json(*status)
                           : json{{"release", nullptr}, {"builtin_tactics", builtin}})
                       .dump(2)
                << '\n';
      } else if (status) {
        print_status(ctx.out, *status);
      } else {
        ctx.out << "no ATT&CK catalogue imported (the " << builtin
                << " Enterprise tactics are built in): run `casetrail attack import "
                   "enterprise-attack.json`\n";
      }
    });

auto* show = noun->add_subcommand(
    "show", "A technique (T1059, T1059.001) or tactic (TA0002, execution) with everything known");
show->add_option("id", opts->id, "Technique ID, tactic ID or tactic shortname")->required();
show->callback([&ctx, opts] {
  const auto db = ctx.open_db(store::OpenMode::existing);
  const auto shown = attack::show(db, opts->id);
  if (const auto* t = std::get_if<model::AttackTechniqueDetails>(&shown)) {
    if (ctx.json) {
      ctx.out << technique_json(*t).dump(2) << '\n';
    } else {
      print_technique(ctx.out, *t);
    }
    return;
  }
  const auto& tactic = std::get<attack::TacticDetails>(shown);
  const std::size_t count = attack::tactics_in_order(db).size();
  if (ctx.json) {
    json j = tactic_json(tactic.tactic);
    j["kind"] = "tactic";
    j["tactic_count"] = count;
    j["release"] = optional_json(tactic.release);
    j["description"] = tactic.tactic.description;
    json techniques = json::array();
    for (const auto& t : tactic.techniques) techniques.push_back(ref_json(t));
    j["techniques"] = std::move(techniques);
    ctx.out << j.dump(2) << '\n';
  } else {
    print_tactic(ctx.out, tactic, count);
  }
});

auto* search = noun->add_subcommand(
    "search", "Tactics and techniques by ID prefix (T1059, TA00) or words of their names");
search->add_option("text", opts->text, "ID prefix, or words that must all be in the name")
    ->required();
search->callback([&ctx, opts] {
  const auto db = ctx.open_db(store::OpenMode::existing);
  std::string text;
  for (const auto& word : opts->text) text += (text.empty() ? "" : " ") + word;
  const auto result = attack::search(db, text);
  if (!result.release) {
    ctx.warn("no ATT&CK catalogue imported: only the built-in tactics were searched");
  }
  if (ctx.json) {
    json tactics = json::array();
    for (const auto& t : result.tactics) tactics.push_back(tactic_json(t));
    json techniques = json::array();
    for (const auto& t : result.techniques) techniques.push_back(ref_json(t));
    ctx.out << json{{"release", optional_json(result.release)},
                    {"tactics", std::move(tactics)},
                    {"techniques", std::move(techniques)}}
                   .dump(2)
            << '\n';
    return;
  }
  Table table({"ID", "KIND", "NAME", "TACTICS", "STATUS"});
  for (const auto& t : result.tactics) {
    table.add({t.id, "tactic", t.name, t.shortname, "-"});
  }
  for (const auto& t : result.techniques) {
    std::string tactics;
    for (const auto& s : t.tactics) tactics += (tactics.empty() ? "" : ", ") + s;
    table.add({t.id, t.id.size() > 5 ? "sub-technique" : "technique", printable(t.name),
               tactics.empty() ? "-" : tactics, status_word(t.revoked, t.deprecated)});
  }
  table.print(ctx.out);
});
}  // namespace casetrail::cli

}  // namespace casetrail::cli

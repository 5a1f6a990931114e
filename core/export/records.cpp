#include "core/export/records.hpp"

#include <algorithm>
#include <cctype>

#include <date/tz.h>

#include "core/export/csv_columns.hpp"
#include "core/export/csv_writer.hpp"
#include "core/export/evidence_text.hpp"
#include "core/export/observation_json.hpp"
#include "core/time/time.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::exporting {

std::string zone_name(const date::time_zone* zone) {
  return zone ? std::string(zone->name()) : std::string("UTC");
}

std::string local_time(time::UtcTime t, const date::time_zone* zone) {
  return zone ? time::format_in_zone(t, zone) : time::format_utc(t);
}

namespace {

nlohmann::json history_json(const std::vector<model::AuditEntry>* history) {
  nlohmann::json array = nlohmann::json::array();
  if (!history) return array;
  auto opt = [](const std::optional<std::string>& v) -> nlohmann::json {
    if (v) return *v;
    return nullptr;
  };
  for (const auto& e : *history) {
    array.push_back({{"action", e.action},
                     {"field", opt(e.field)},
                     {"old", opt(e.old_value)},
                     {"new", opt(e.new_value)},
                     {"reason", opt(e.reason)},
                     {"analyst", e.analyst},
                     {"at", time::format_utc(e.at)}});
  }
  return array;
}

std::string timestamp_desc(const model::ObservationRecord& r) {
  std::string desc(kind_label(r.kind));
  desc[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(desc[0])));
  return desc + " (" + r.time_source + ")";
}

std::vector<std::string> tags(const model::ObservationRecord& r) {
  std::vector<std::string> out{std::string(model::to_string(r.status))};
  for (const auto& t : r.techniques) out.push_back(t.id);
  return out;
}

bool is_integer_column(std::string_view name) {
  return name == "number" || name == "observed_at_us" || name == "observed_offset" ||
         name == "time_precision" || name == "skew_us" || name == "pid" || name == "parent_pid";
}

// Text ECS can carry: the text when it is valid UTF-8 without NUL, else the
// lossy text, with the exact bytes under casetrail.<key>_base64.
void put_text(nlohmann::json& target, const char* key, const std::string& bytes,
              nlohmann::json& extension, const std::string& twin) {
  if (needs_exact_twin(bytes)) {
    target[key] = lossy_utf8(bytes);
    extension[twin] = util::base64_encode(bytes);
  } else {
    target[key] = bytes;
  }
}

std::string file_name(const std::string& path) {
  const auto sep = path.find_last_of("\\/");
  return sep == std::string::npos ? path : path.substr(sep + 1);
}

// An IPv4 or IPv6 literal, as far as a keyword-typed ECS ip field needs: ES
// rejects a document whose ip field holds anything else.
bool looks_like_ip(const std::string& s) {
  if (s.empty() || s.size() > 45) return false;
  const bool v6 = s.find(':') != std::string::npos;
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (v6 ? !(std::isxdigit(static_cast<unsigned char>(c)) || c == ':')
                  : !std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return v6 || dots == 3;
}

std::optional<std::int64_t> port_number(const std::string& s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > 65535) return std::nullopt;
  return v;
}

}  // namespace

nlohmann::json jsonl_record(const model::ObservationRecord& r, const RecordContext& context) {
  nlohmann::json j = observation_to_json(r, context.zone);
  j["case"] = context.case_record ? nlohmann::json(context.case_record->key) : nlohmann::json(nullptr);
  j["observed_at_local"] = local_time(r.observed_at, context.zone);
  j["display_zone"] = zone_name(context.zone);
  j["fingerprint"] = r.fingerprint ? nlohmann::json(util::hex_encode(*r.fingerprint))
                                   : nlohmann::json(nullptr);
  if (r.raw) {
    put_bytes(j, "raw", *r.raw);
  } else {
    j["raw"] = nullptr;
  }
  j["history"] = history_json(context.history);
  j["chain_seq"] = context.chain ? nlohmann::json(context.chain->seq) : nlohmann::json(nullptr);
  j["chain_hash"] = context.chain ? nlohmann::json(context.chain->hash) : nlohmann::json(nullptr);
  // Any other text that is not valid UTF-8 (a note, an image path) gets the
  // same treatment as the command line: replacement characters, and the exact
  // bytes as <key>_base64, which the import prefers.
  std::vector<std::string> twins;
  for (const auto& [key, value] : j.items()) {
    if (value.is_string() && !util::is_valid_utf8(value.get_ref<const std::string&>()) &&
        !j.contains(key + "_base64")) {
      twins.push_back(key);
    }
  }
  for (const auto& key : twins) put_bytes(j, key, j[key].get<std::string>());
  return j;
}

const std::vector<std::string_view>& timesketch_columns() {
  static const std::vector<std::string_view> columns = [] {
    std::vector<std::string_view> c = {"message", "datetime", "timestamp", "timestamp_desc", "tag",
                                       "case"};
    c.insert(c.end(), csv::k_columns.begin(), csv::k_columns.end());
    return c;
  }();
  return columns;
}

std::vector<std::string> timesketch_cells(const model::ObservationRecord& r,
                                          const RecordContext& context) {
  const auto values = csv::observation_values(r, {context.zone, context.history});
  std::vector<std::string> cells;
  cells.reserve(timesketch_columns().size());
  cells.push_back(neutralise_formula(message_line(r)));
  cells.push_back(time::format_with_offset(r.observed_at, 0));
  cells.push_back(std::to_string(r.observed_at.time_since_epoch().count()));
  cells.push_back(neutralise_formula(timestamp_desc(r)));
  // Timesketch reads a tag field that starts with '[' as a JSON list.
  cells.push_back(nlohmann::json(tags(r)).dump());
  cells.push_back(neutralise_formula(context.case_record ? context.case_record->key : ""));
  for (const auto& v : values) cells.push_back(v ? neutralise_formula(*v) : std::string());
  return cells;
}

nlohmann::json timesketch_record(const model::ObservationRecord& r, const RecordContext& context) {
  const auto values = csv::observation_values(r, {context.zone, context.history});
  nlohmann::json j = nlohmann::json::object();
  j["message"] = message_line(r);
  j["datetime"] = time::format_with_offset(r.observed_at, 0);
  j["timestamp"] = r.observed_at.time_since_epoch().count();
  j["timestamp_desc"] = timestamp_desc(r);
  j["tag"] = tags(r);
  if (context.case_record) j["case"] = context.case_record->key;
  for (std::size_t i = 0; i < csv::k_columns.size(); ++i) {
    if (!values[i]) continue;
    const std::string_view name = csv::k_columns[i];
    if (is_integer_column(name)) {
      j[std::string(name)] = std::stoll(*values[i]);
    } else {
      j[std::string(name)] = *values[i];
    }
  }
  return j;
}

nlohmann::json ecs_document(const model::ObservationRecord& r, const RecordContext& context,
                            const AttackLookup& attack) {
  nlohmann::json d = nlohmann::json::object();
  nlohmann::json ext = nlohmann::json::object();  // the "casetrail" field set
  d["@timestamp"] = time::format_utc(r.observed_at);
  d["message"] = message_line(r);
  d["ecs"] = {{"version", k_ecs_version}};

  nlohmann::json attrs = r.attrs_json ? nlohmann::json::parse(*r.attrs_json) : nlohmann::json::object();
  auto attr = [&](const char* key) -> std::optional<std::string> {
    const auto it = attrs.find(key);
    if (it == attrs.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };

  nlohmann::json event = nlohmann::json::object();
  event["kind"] = "event";
  auto categorise = [&](std::vector<std::string> category, std::vector<std::string> type) {
    if (!category.empty()) event["category"] = std::move(category);
    event["type"] = std::move(type);
  };
  switch (r.kind) {
    case model::Kind::process: categorise({"process"}, {"start"}); break;
    case model::Kind::logon: {
      const auto what = attr("event").value_or("logon");
      if (what == "logoff") {
        categorise({"authentication", "session"}, {"end"});
        event["action"] = "logged-out";
      } else {
        categorise({"authentication", "session"}, {"start"});
        if (what == "logon_failed") {
          event["action"] = "logon-failed";
          event["outcome"] = "failure";
        } else if (what == "explicit_credentials") {
          event["action"] = "logged-in-explicit";
        } else {
          event["action"] = "logged-in";
          event["outcome"] = "success";
        }
      }
      break;
    }
    case model::Kind::network: categorise({"network"}, {"connection"}); break;
    case model::Kind::file: categorise({"file"}, {"creation"}); break;
    case model::Kind::registry: categorise({"registry"}, {"change"}); break;
    case model::Kind::dns: categorise({"network"}, {"protocol"}); break;
    case model::Kind::image_load: categorise({"library"}, {"start"}); break;
    case model::Kind::email: categorise({"email"}, {"info"}); break;
    case model::Kind::web: categorise({"web"}, {"access"}); break;
    case model::Kind::note: categorise({}, {"info"}); break;
  }
  event["id"] = r.uuid;
  event["sequence"] = r.number;
  event["created"] = time::format_utc(r.logged_at);
  event["module"] = "casetrail";
  event["dataset"] = "casetrail.observation";
  event["provider"] = r.source;
  if (r.raw) put_text(event, "original", *r.raw, ext, "raw_base64");
  d["event"] = std::move(event);

  nlohmann::json host = {{"name", r.host_observed}, {"hostname", r.host}};
  if (r.host_platform) {
    static constexpr std::string_view os_types[] = {"linux", "macos", "unix", "windows", "ios",
                                                    "android"};
    if (std::find(std::begin(os_types), std::end(os_types), *r.host_platform) != std::end(os_types)) {
      host["os"] = {{"type", *r.host_platform}};
    }
  }
  d["host"] = std::move(host);

  if (r.account_observed) {
    // DOMAIN\user as ECS's user.domain and user.name, anything else (a UPN,
    // a bare name) as user.name; casetrail.account keeps the exact text where
    // the import would not put those back together the same (it joins them as
    // DOMAIN\user and drops "-").
    const std::string& observed = *r.account_observed;
    nlohmann::json user = nlohmann::json::object();
    const auto sep = observed.find('\\');
    const std::string domain = sep == std::string::npos ? std::string() : observed.substr(0, sep);
    const std::string name = sep == std::string::npos ? observed : observed.substr(sep + 1);
    const bool exact = !needs_exact_twin(observed) && !name.empty() && name != "-" &&
                       (sep == std::string::npos || (!domain.empty() && domain != "-"));
    if (!domain.empty()) user["domain"] = lossy_utf8(domain);
    user["name"] = lossy_utf8(name);
    if (!exact) {
      ext["account"] = lossy_utf8(observed);
      if (needs_exact_twin(observed)) ext["account_base64"] = util::base64_encode(observed);
    }
    if (r.account_sid) user["id"] = *r.account_sid;
    d["user"] = std::move(user);
  }

  if (r.process) {
    const model::ProcessDetails& p = *r.process;
    nlohmann::json process = nlohmann::json::object();
    if (p.image) {
      process["executable"] = *p.image;
      process["name"] = file_name(*p.image);
    }
    if (p.command_line) put_text(process, "command_line", *p.command_line, ext, "command_line_base64");
    if (p.args) {
      nlohmann::json args = nlohmann::json::array();
      bool exact = true;
      for (const auto& a : *p.args) {
        exact = exact && !needs_exact_twin(a);
        args.push_back(lossy_utf8(a));
      }
      process["args"] = std::move(args);
      process["args_count"] = p.args->size();
      if (!exact) {
        nlohmann::json b64 = nlohmann::json::array();
        for (const auto& a : *p.args) b64.push_back(util::base64_encode(a));
        ext["args_base64"] = std::move(b64);
      }
    }
    if (p.pid) process["pid"] = *p.pid;
    if (p.guid) process["entity_id"] = *p.guid;
    if (p.cwd) process["working_directory"] = *p.cwd;
    if (p.hashes) {
      // Sysmon's "SHA256=...,MD5=...": ECS wants one field per algorithm.
      nlohmann::json hash = nlohmann::json::object();
      std::string_view rest = *p.hashes;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const auto eq = item.find('=');
        if (eq != std::string_view::npos) {
          std::string algo(item.substr(0, eq));
          std::transform(algo.begin(), algo.end(), algo.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          if (algo == "sha256" || algo == "sha1" || algo == "md5" || algo == "sha512") {
            hash[algo] = std::string(item.substr(eq + 1));
          }
        }
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      if (!hash.empty()) process["hash"] = std::move(hash);
      ext["hashes"] = *p.hashes;
    }
    nlohmann::json parent = nlohmann::json::object();
    if (p.parent_image) {
      parent["executable"] = *p.parent_image;
      parent["name"] = file_name(*p.parent_image);
    }
    if (p.parent_command_line) {
      put_text(parent, "command_line", *p.parent_command_line, ext, "parent_command_line_base64");
    }
    if (p.parent_pid) parent["pid"] = *p.parent_pid;
    if (p.parent_guid) parent["entity_id"] = *p.parent_guid;
    if (!parent.empty()) process["parent"] = std::move(parent);
    if (p.args_source) ext["args_source"] = *p.args_source;
    if (p.logon_id) ext["logon_id"] = *p.logon_id;
    if (p.integrity_level) ext["integrity_level"] = *p.integrity_level;
    if (p.user) ext["process_user"] = *p.user;
    if (!process.empty()) d["process"] = std::move(process);
  }

  // The kind's own ECS field sets, for searching in Kibana (casetrail.attrs
  // keeps every attribute exactly).
  switch (r.kind) {
    case model::Kind::network:
    case model::Kind::logon: {
      const auto source_ip = r.kind == model::Kind::logon ? attr("source_address") : attr("source_ip");
      if (source_ip && looks_like_ip(*source_ip)) d["source"]["ip"] = *source_ip;
      if (const auto port = attr("source_port")) {
        if (auto n = port_number(*port)) d["source"]["port"] = *n;
      }
      if (r.kind == model::Kind::logon) break;
      if (const auto ip = attr("destination_ip"); ip && looks_like_ip(*ip)) d["destination"]["ip"] = *ip;
      if (const auto port = attr("destination_port")) {
        if (auto n = port_number(*port)) d["destination"]["port"] = *n;
      }
      if (const auto name = attr("destination_hostname")) d["destination"]["domain"] = *name;
      if (const auto protocol = attr("protocol")) d["network"]["transport"] = *protocol;
      if (const auto initiated = attr("initiated")) {
        if (*initiated == "true") d["network"]["direction"] = "egress";
        if (*initiated == "false") d["network"]["direction"] = "ingress";
      }
      break;
    }
    case model::Kind::dns:
      if (const auto q = attr("query_name")) d["dns"]["question"]["name"] = *q;
      break;
    case model::Kind::file:
      if (const auto f = attr("target_filename")) d["file"]["path"] = *f;
      break;
    case model::Kind::registry:
      if (const auto k = attr("target_object")) d["registry"]["path"] = *k;
      break;
    case model::Kind::image_load:
      if (const auto dll = attr("image_loaded")) d["dll"]["path"] = *dll;
      break;
    default: break;
  }

  if (!r.techniques.empty()) {
    // Tactics in matrix order, techniques and sub-techniques each once.
    std::vector<const model::AttackTactic*> tactics;
    for (const auto& t : r.techniques) {
      for (const auto& shortname : t.tactics) {
        const auto* tactic = attack.tactic(shortname);
        if (tactic && std::find(tactics.begin(), tactics.end(), tactic) == tactics.end()) {
          tactics.push_back(tactic);
        }
      }
    }
    std::sort(tactics.begin(), tactics.end(),
              [](const auto* a, const auto* b) { return a->order < b->order; });
    nlohmann::json threat = {{"framework", "MITRE ATT&CK"}};
    if (!tactics.empty()) {
      nlohmann::json ids = nlohmann::json::array(), names = nlohmann::json::array(),
                     refs = nlohmann::json::array();
      for (const auto* t : tactics) {
        ids.push_back(t->id);
        names.push_back(t->name);
        refs.push_back(tactic_url(t->id));
      }
      threat["tactic"] = {{"id", ids}, {"name", names}, {"reference", refs}};
    }
    std::vector<std::string> parents;
    std::vector<std::string> subs;
    for (const auto& t : r.techniques) {
      const auto dot = t.id.find('.');
      const std::string parent = t.id.substr(0, dot);
      if (std::find(parents.begin(), parents.end(), parent) == parents.end()) parents.push_back(parent);
      if (dot != std::string::npos) subs.push_back(t.id);
    }
    auto name_of = [&](const std::string& id) -> nlohmann::json {
      for (const auto& t : r.techniques) {
        if (t.id == id && t.name) return *t.name;
      }
      if (auto name = attack.technique_name(id)) return *name;
      return nullptr;
    };
    auto technique_set = [&](const std::vector<std::string>& ids) {
      nlohmann::json set = {{"id", ids}};
      nlohmann::json names = nlohmann::json::array();
      bool all_named = true;
      for (const auto& id : ids) {
        auto n = name_of(id);
        all_named = all_named && !n.is_null();
        names.push_back(n.is_null() ? nlohmann::json("") : n);
      }
      // Arrays stay parallel: names only when every ID has one.
      if (all_named) set["name"] = std::move(names);
      nlohmann::json refs = nlohmann::json::array();
      for (const auto& id : ids) refs.push_back(technique_url(id));
      set["reference"] = std::move(refs);
      return set;
    };
    nlohmann::json technique = technique_set(parents);
    if (!subs.empty()) technique["subtechnique"] = technique_set(subs);
    threat["technique"] = std::move(technique);
    d["threat"] = std::move(threat);

    nlohmann::json ids = nlohmann::json::array();
    for (const auto& t : r.techniques) ids.push_back(t.id);
    ext["techniques"] = std::move(ids);
    if (r.techniques.front().attack_release) ext["attack_release"] = *r.techniques.front().attack_release;
  }

  if (context.case_record) ext["case"] = context.case_record->key;
  ext["number"] = r.number;
  ext["uuid"] = r.uuid;
  ext["kind"] = model::to_string(r.kind);
  ext["status"] = model::to_string(r.status);
  ext["observed_at_us"] = r.observed_at.time_since_epoch().count();
  ext["observed_text"] = r.observed_text;
  ext["observed_offset"] = r.observed_offset;
  ext["time_precision"] = r.time_precision;
  if (r.time_zone) ext["time_zone"] = *r.time_zone;
  ext["time_source"] = r.time_source;
  if (r.skew) ext["skew_us"] = r.skew->count();
  ext["observed_at_local"] = local_time(r.observed_at, context.zone);
  ext["display_zone"] = zone_name(context.zone);
  if (r.host_platform) ext["host_platform"] = *r.host_platform;
  ext["source"] = r.source;
  if (r.source_ref) ext["source_ref"] = *r.source_ref;
  if (r.fingerprint) ext["fingerprint"] = util::hex_encode(*r.fingerprint);
  ext["analyst"] = r.analyst;
  ext["logged_at"] = time::format_utc(r.logged_at);
  if (r.note) ext["note"] = *r.note;
  if (r.attrs_json) ext["attrs"] = std::move(attrs);
  if (!r.same_execution_as.empty()) ext["same_execution_as"] = r.same_execution_as;
  ext["history"] = history_json(context.history);
  d["casetrail"] = std::move(ext);
  return d;
}

}  // namespace casetrail::exporting
